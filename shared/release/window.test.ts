import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './protocol';
import { addHistogram, encodeHistogram, firstTrip, histogramQuantile, inWindow, newCounts, observe, windowStats } from './window';

/** The exact nearest-rank quantile: the ⌈q·n⌉-th smallest value. */
function nearestRank(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] ?? NaN;
}

describe('window statistics, one definition for the guardian, the metrics answer and the app', () => {
  it('reads p50/p95/p99 from the log-scale histogram within 1% of the exact nearest-rank quantile', () => {
    const rng = xoroshiro128plus(42);
    const uniform = () => uniformInt(rng, 0, 1_000_000) / 1_000_000;
    const shapes: Record<string, () => number> = {
      lognormal: () => Math.exp(3 + Math.sqrt(-2 * Math.log(uniform() || 1e-9)) * Math.cos(2 * Math.PI * uniform())),
      bimodal: () => (uniform() < 0.9 ? 2 + uniform() * 3 : 1500 + uniform() * 500),
      tiny: () => uniform() * 0.05,
    };
    for (const [shape, draw] of Object.entries(shapes)) {
      const values = Array.from({ length: 20_000 }, draw);
      const histogram = newCounts();
      for (const value of values) observe(histogram, value);
      // What is stored and sent reads back as what was counted.
      expect(addHistogram(newCounts(), LatencyHistogram.parse(encodeHistogram(histogram)))).toEqual(histogram);
      for (const q of [0.5, 0.95, 0.99]) {
        const exact = nearestRank(values, q);
        const read = histogramQuantile(histogram, q) ?? NaN;
        // Bucket 0 holds everything under 0.01 ms and reads as 0: an absolute error there, not a relative one.
        if (exact <= 0.01) expect(read, `${shape} q${q}`).toBe(0);
        else expect(Math.abs(read - exact) / exact, `${shape} q${q}`).toBeLessThan(0.01);
      }
    }
    expect(histogramQuantile(newCounts(), 0.95)).toBeNull();
    expect(() => addHistogram(newCounts(), '5000:1')).toThrow(/not a latency histogram/);
    expect(LatencyHistogram.safeParse('1:2,x').success).toBe(false);
    expect(LatencyHistogram.safeParse('').success).toBe(true);
  });

  it('adds buckets: a window is the merge of its buckets, the same as counting its requests together', () => {
    // Nine buckets of 100 fast requests, one with 2 slow ones among 10: the window's p95 is fast,
    // while the largest of the buckets' p95s (what the app once took) would be slow.
    const latencies = [
      ...Array.from({ length: 9 }, () => Array.from({ length: 100 }, (_, index) => 5 + (index % 10))),
      [...Array(8).fill(6), 1200, 1300],
    ];
    const buckets = latencies.map((values, index) => {
      const latency = newCounts();
      for (const value of values) observe(latency, value);
      return {
        requests: values.length,
        errors: index === 9 ? 2 : 0,
        costUsd: values.length * 0.001,
        assertionFailures: 0,
        latency: encodeHistogram(latency),
      };
    });
    const all = newCounts();
    for (const value of latencies.flat()) observe(all, value);
    const stats = windowStats(buckets);
    expect(stats).toMatchObject({ requests: 910, errorRate: 2 / 910, assertionFailureRate: 0 });
    expect(stats.costPerRequestUsd).toBeCloseTo(0.001);
    expect(stats.p95LatencyMs).toBe(histogramQuantile(all, 0.95));
    expect(Math.abs((stats.p95LatencyMs ?? 0) - 14) / 14).toBeLessThan(0.01);
    const largestBucketP95 = Math.max(
      ...buckets.map((bucket) => histogramQuantile(addHistogram(newCounts(), bucket.latency), 0.95) ?? 0),
    );
    expect(largestBucketP95).toBeGreaterThan(1000);
  });

  it('covers the buckets a window overlaps, and trips on the first guardrail broken', () => {
    const at = (s: number) => ({ start: new Date(s * 1000).toISOString(), widthMs: 10_000 });
    expect(inWindow([at(0), at(10), at(20), at(30)], 15_000, 35_000)).toEqual([at(20), at(30)]);
    const guardrails = { minRequests: 5, windowMs: 60_000, assertions: [], maxErrorRate: 0.1, maxP95LatencyMs: 500 };
    const stats = { requests: 10, errorRate: 0.05, p95LatencyMs: 900, costPerRequestUsd: null, assertionFailureRate: 0 };
    expect(firstTrip(guardrails, stats)).toEqual({ metric: 'p95 latency', threshold: 500, value: 900 });
    expect(firstTrip(guardrails, { ...stats, requests: 4 })).toBeNull();
    expect(firstTrip(guardrails, { ...stats, errorRate: 0.2 })?.metric).toBe('error rate');
  });
});
