/**
 * What the charts draw, decided once so they do not mislead: a histogram's domain is where its
 * data is, a cost axis appears only when something cost money, a bucket still filling is read as a
 * rate over the time it has had.
 */

/** Histogram bins with the empty ones at either end dropped (for every series at once), so the x axis fits the data. */
export function trimmedBins(
  edges: readonly number[],
  counts: ReadonlyArray<readonly number[]>,
): { edges: number[]; counts: number[][] } {
  const bins = Math.max(0, edges.length - 1);
  const filled = (bin: number) => counts.some((series) => (series[bin] ?? 0) > 0);
  let first = 0;
  while (first < bins && !filled(first)) first += 1;
  let last = bins - 1;
  while (last >= first && !filled(last)) last -= 1;
  if (first > last) return { edges: [], counts: counts.map(() => []) };
  return {
    edges: edges.slice(first, last + 2),
    counts: counts.map((series) => series.slice(first, last + 1).map((value) => value ?? 0)),
  };
}

/** Whether a cost chart has anything to say: some value above zero. All zero or unknown reads "no cost", not an axis to $4. */
export function anyCost(values: ReadonlyArray<number | null | undefined>): boolean {
  return values.some((value) => typeof value === 'number' && value > 0);
}

/**
 * Requests a second in a bucket. The current bucket is still filling: divided by its full width
 * it would look like traffic falling, so it is divided by the time it has had so far.
 */
export function requestRate(bucket: { start: string; widthMs: number; partial: boolean; requests: number }, now: number): number {
  const elapsed = bucket.partial ? Math.min(bucket.widthMs, Math.max(1000, now - Date.parse(bucket.start))) : bucket.widthMs;
  return bucket.requests / (elapsed / 1000);
}
