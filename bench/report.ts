/** How every benchmark prints: a figure a line, its target beside it. */
export function line(label: string, value: string, target: string | null, width = 40): void {
  console.log(`${label.padEnd(width)} ${value.padStart(12)}${target === null ? '' : `   target ${target}`}`);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
