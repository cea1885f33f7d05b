import type { Guardrails, LatencyHistogram, MetricsBucket } from './protocol';

/**
 * The one definition of a runtime's window statistics: the guardian judges canaries by it, the
 * metrics answer reports it and the app shows "what would trip now" with it.
 *
 * Latencies are kept in a log-scale histogram: bucket i > 0 holds (MIN·γ^(i-1), MIN·γ^i] and is
 * read back as the point with equal relative distance to both ends, so any quantile is within
 * (γ-1)/(γ+1) ≈ 1% of the exact one (DDSketch's construction; 1024 buckets from 0.01 ms to
 * about 1.8 hours, the last holding anything longer; a few dozen in use for real traffic).
 * Bucket 0 holds [0, MIN].
 * Histograms add, so a window's figures are the sum of its buckets' and a read's cost does not
 * grow with the requests served.
 */
const GAMMA = 1.02;
const MIN_MS = 0.01;
const LOG_GAMMA = Math.log(GAMMA);

/** Buckets past the last (~1.8 hours) are counted in it. */
const BUCKETS = 1024;

export function histogramIndex(latencyMs: number): number {
  if (!(latencyMs > MIN_MS)) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(latencyMs / MIN_MS) / LOG_GAMMA));
}

function indexValue(index: number): number {
  if (index === 0) return 0;
  return (2 * MIN_MS * GAMMA ** index) / (GAMMA + 1);
}

/** Latencies being counted: requests per bucket index, dense (adding and reading them is a pass over a typed array). */
export type Counts = Float64Array;

export function newCounts(): Counts {
  return new Float64Array(BUCKETS);
}

/** Adds one latency (in place). */
export function observe(counts: Counts, latencyMs: number): void {
  const index = histogramIndex(latencyMs);
  counts[index] = (counts[index] ?? 0) + 1;
}

/** Adds `from` into `into` (in place). */
export function addCounts(into: Counts, from: Counts): Counts {
  for (let index = 0; index < BUCKETS; index += 1) into[index] = (into[index] ?? 0) + (from[index] ?? 0);
  return into;
}

/**
 * Adds a stored or sent histogram (`index:count` pairs) into `into`, checking it as it reads:
 * a pair that is not two whole numbers, or an index past the last bucket, is refused.
 */
export function addHistogram(into: Counts, histogram: LatencyHistogram): Counts {
  if (histogram === '') return into;
  for (const pair of histogram.split(',')) {
    const colon = pair.indexOf(':');
    const index = Number(pair.slice(0, colon));
    const count = Number(pair.slice(colon + 1));
    if (colon < 1 || !Number.isInteger(index) || index < 0 || index >= BUCKETS || !Number.isInteger(count) || count < 0)
      throw new Error(`"${pair.slice(0, 40)}" is not a latency histogram's index:count pair`);
    into[index] = (into[index] ?? 0) + count;
  }
  return into;
}

/** Counts as a histogram to store or send: `index:count` pairs by index, comma-separated. */
export function encodeHistogram(counts: Counts): LatencyHistogram {
  const pairs: string[] = [];
  for (let index = 0; index < BUCKETS; index += 1) if (counts[index]) pairs.push(`${index}:${counts[index]}`);
  return pairs.join(',');
}

/**
 * Quantiles by nearest rank: for each q, the smallest latency at or above which lies a share q of
 * the requests (the ⌈q·n⌉-th smallest), read from its bucket. Null without requests.
 */
export function histogramQuantiles(counts: Counts, qs: number[]): Array<number | null> {
  let total = 0;
  for (let index = 0; index < BUCKETS; index += 1) total += counts[index] ?? 0;
  if (total === 0) return qs.map(() => null);
  return qs.map((q) => {
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (let index = 0; index < BUCKETS; index += 1) {
      seen += counts[index] ?? 0;
      if (seen >= rank) return indexValue(index);
    }
    return indexValue(BUCKETS - 1);
  });
}

export function histogramQuantile(counts: Counts, q: number): number | null {
  return histogramQuantiles(counts, [q])[0] ?? null;
}

/** A window's figures for one version, as guardrails judge them. */
export interface WindowStats {
  requests: number;
  errorRate: number;
  p95LatencyMs: number | null;
  costPerRequestUsd: number | null;
  assertionFailureRate: number;
}

/** The figures of the buckets a window covers (one version's): sums, and p95 of the merged histogram. */
export function windowStats(
  buckets: Array<Pick<MetricsBucket, 'requests' | 'errors' | 'costUsd' | 'assertionFailures' | 'latency'>>,
): WindowStats {
  const requests = buckets.reduce((sum, bucket) => sum + bucket.requests, 0);
  const latency = newCounts();
  for (const bucket of buckets) addHistogram(latency, bucket.latency);
  const sum = (pick: (bucket: (typeof buckets)[number]) => number) => buckets.reduce((total, bucket) => total + pick(bucket), 0);
  return {
    requests,
    errorRate: requests ? sum((bucket) => bucket.errors) / requests : 0,
    p95LatencyMs: histogramQuantile(latency, 0.95),
    costPerRequestUsd: requests ? sum((bucket) => bucket.costUsd) / requests : null,
    assertionFailureRate: requests ? sum((bucket) => bucket.assertionFailures) / requests : 0,
  };
}

/**
 * The buckets a window of `windowMs` ending at `nowMs` covers: every bucket that overlaps it, so
 * a window is at most one bucket wider than asked.
 */
export function inWindow<B extends { start: string; widthMs: number }>(buckets: B[], windowMs: number, nowMs: number): B[] {
  const from = nowMs - windowMs;
  return buckets.filter((bucket) => Date.parse(bucket.start) + bucket.widthMs > from);
}

export interface Trip {
  metric: 'error rate' | 'p95 latency' | 'cost per request' | 'live assertion failure rate';
  threshold: number;
  value: number;
}

/** The first guardrail a window breaks, with its threshold and value; null when healthy or too few requests. */
export function firstTrip(guardrails: Guardrails, stats: WindowStats): Trip | null {
  if (stats.requests < guardrails.minRequests) return null;
  if (guardrails.maxErrorRate !== undefined && stats.errorRate > guardrails.maxErrorRate)
    return { metric: 'error rate', threshold: guardrails.maxErrorRate, value: stats.errorRate };
  if (guardrails.maxP95LatencyMs !== undefined && stats.p95LatencyMs !== null && stats.p95LatencyMs > guardrails.maxP95LatencyMs)
    return { metric: 'p95 latency', threshold: guardrails.maxP95LatencyMs, value: stats.p95LatencyMs };
  if (
    guardrails.maxCostPerRequestUsd !== undefined &&
    stats.costPerRequestUsd !== null &&
    stats.costPerRequestUsd > guardrails.maxCostPerRequestUsd
  )
    return { metric: 'cost per request', threshold: guardrails.maxCostPerRequestUsd, value: stats.costPerRequestUsd };
  if (guardrails.maxAssertionFailureRate !== undefined && stats.assertionFailureRate > guardrails.maxAssertionFailureRate)
    return {
      metric: 'live assertion failure rate',
      threshold: guardrails.maxAssertionFailureRate,
      value: stats.assertionFailureRate,
    };
  return null;
}
