import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { binomialDistribution, errorFunction, quantile as selectQuantile, quantileSorted } from 'simple-statistics';

/** The statistics behind a comparison: intervals, paired tests, bootstrap, sample size. */

/** z for a two-sided 95% interval and for 80% power (standard normal quantiles 0.975 and 0.8). */
export const Z_975 = 1.959963984540054;
export const Z_80 = 0.8416212335729143;

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval for a proportion (Wilson 1927; Newcombe 1998, method 3). */
export function wilson(successes: number, trials: number, z = Z_975): Interval {
  if (trials === 0) return { low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const spread = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  const denominator = 1 + z2 / trials;
  return { low: Math.max(0, (centre - spread) / denominator), high: Math.min(1, (centre + spread) / denominator) };
}

export interface McNemar {
  /** Pairs the baseline passed and the candidate failed. */
  b: number;
  /** Pairs the baseline failed and the candidate passed. */
  c: number;
  statistic: number | null;
  p: number;
  method: 'exact' | 'chi-squared';
}

/** Upper tail of χ² with one degree of freedom: P(X > x) = erfc(√(x/2)). */
function chiSquared1Tail(x: number): number {
  // 1 − erf can come out a hair above 1 for a tiny statistic: a probability is clamped to [0, 1].
  return Math.min(1, Math.max(0, 1 - errorFunction(Math.sqrt(x / 2))));
}

/**
 * McNemar's test on paired pass/fail outcomes. With fewer than 25 discordant pairs, the exact
 * two-sided binomial test; otherwise χ² with Edwards' continuity correction.
 */
export function mcnemar(b: number, c: number): McNemar {
  const n = b + c;
  if (n === 0) return { b, c, statistic: null, p: 1, method: 'exact' };
  if (n < 25) {
    const probabilities = binomialDistribution(n, 0.5) ?? [];
    const tail = probabilities.slice(0, Math.min(b, c) + 1).reduce((sum, value) => sum + value, 0);
    return { b, c, statistic: null, p: Math.min(1, 2 * tail), method: 'exact' };
  }
  const statistic = (Math.abs(b - c) - 1) ** 2 / n;
  return { b, c, statistic, p: chiSquared1Tail(statistic), method: 'chi-squared' };
}

/** Holm's step-down adjustment of a family of p-values, in their original order. */
export function holm(pValues: number[]): number[] {
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(pValues.length);
  let running = 0;
  order.forEach(({ p, index }, rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}

/** By selection (no full sort): the bootstrap asks for thousands of them. */
export function quantile(values: number[], p: number): number | null {
  return values.length === 0 ? null : selectQuantile(values, p);
}

export function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export interface BootstrapDifference extends Interval {
  /** statistic(candidate) − statistic(baseline) on the observed pairs. */
  estimate: number;
}

/**
 * Paired bootstrap: resamples the pairs (with replacement) `rounds` times and takes the 2.5th and
 * 97.5th percentiles of statistic(candidate) − statistic(baseline). Seeded, so a report can be
 * reproduced exactly.
 */
export function pairedBootstrap(
  baseline: number[],
  candidate: number[],
  statistic: (values: number[]) => number,
  options: { seed: number; rounds?: number },
): BootstrapDifference | null {
  const n = Math.min(baseline.length, candidate.length);
  if (n === 0) return null;
  const rounds = options.rounds ?? 1000;
  const rng = xoroshiro128plus(options.seed);
  const differences = new Array<number>(rounds);
  const a = new Array<number>(n);
  const b = new Array<number>(n);
  for (let round = 0; round < rounds; round += 1) {
    for (let index = 0; index < n; index += 1) {
      const pick = uniformInt(rng, 0, n - 1);
      a[index] = baseline[pick] as number;
      b[index] = candidate[pick] as number;
    }
    differences[round] = statistic(b) - statistic(a);
  }
  differences.sort((x, y) => x - y);
  return {
    estimate: statistic(candidate.slice(0, n)) - statistic(baseline.slice(0, n)),
    low: quantileSorted(differences, 0.025),
    high: quantileSorted(differences, 0.975),
  };
}

/**
 * Pairs needed for McNemar's test to detect a change of `delta` in the pass rate, at two-sided
 * α = 0.05 and power 0.8, given the share of discordant pairs (Connor 1987):
 * n = (z₁₋α/₂·√ψ + z₁₋β·√(ψ − δ²))² / δ². ψ is at least δ (a change of δ needs that many discordant pairs).
 */
export function mcnemarSampleSize(discordantShare: number, delta: number): number {
  const psi = Math.max(discordantShare, delta + 1e-9);
  return Math.ceil((Z_975 * Math.sqrt(psi) + Z_80 * Math.sqrt(psi - delta * delta)) ** 2 / (delta * delta));
}

/** z for a two-sided interval of this level (0.95 → 1.96). */
export function zFor(confidence: number): number {
  return normalQuantile(1 - (1 - confidence) / 2, 0, 1);
}

/** A 2×2 table of paired pass/fail outcomes over cases: baseline × candidate. */
export interface PairedTable {
  /** Both passed. */
  both: number;
  /** The baseline passed, the candidate failed. */
  baselineOnly: number;
  /** The candidate passed, the baseline failed. */
  candidateOnly: number;
  /** Both failed. */
  neither: number;
}

/**
 * Newcombe's score-based interval for the difference of paired proportions, candidate − baseline
 * (Newcombe 1998, Statistics in Medicine 17:2635, method 10): the Wilson intervals of both
 * margins combined with their correlation φ (continuity-corrected as Newcombe gives it). It
 * behaves with few discordant pairs, where a bootstrap collapses to a point, and agrees with
 * McNemar's test about whether the difference could be 0.
 */
export function newcombePaired(table: PairedTable, z = Z_975): BootstrapDifference {
  const { both, baselineOnly, candidateOnly, neither } = table;
  const n = both + baselineOnly + candidateOnly + neither;
  if (n === 0) return { estimate: 0, low: -1, high: 1 };
  const candidatePassed = both + candidateOnly;
  const baselinePassed = both + baselineOnly;
  const p1 = candidatePassed / n;
  const p2 = baselinePassed / n;
  const first = wilson(candidatePassed, n, z);
  const second = wilson(baselinePassed, n, z);
  const margins = candidatePassed * (n - candidatePassed) * baselinePassed * (n - baselinePassed);
  // Pairs on the diagonal agree: candidate pass & baseline pass (both), fail & fail (neither).
  const cross = both * neither - candidateOnly * baselineOnly;
  const corrected = cross > n / 2 ? cross - n / 2 : cross < 0 ? cross : 0;
  const phi = margins === 0 ? 0 : corrected / Math.sqrt(margins);
  const estimate = p1 - p2;
  const below = Math.sqrt(
    Math.max(0, (p1 - first.low) ** 2 - 2 * phi * (p1 - first.low) * (second.high - p2) + (second.high - p2) ** 2),
  );
  const above = Math.sqrt(
    Math.max(0, (first.high - p1) ** 2 - 2 * phi * (first.high - p1) * (p2 - second.low) + (p2 - second.low) ** 2),
  );
  return { estimate, low: Math.max(-1, estimate - below), high: Math.min(1, estimate + above) };
}
