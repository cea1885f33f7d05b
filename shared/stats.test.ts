import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { holm, mcnemar, mcnemarSampleSize, pairedBootstrap, quantile, wilson } from './stats';

describe('statistics against published worked examples', () => {
  it('Wilson intervals: the four examples of Newcombe (1998), method 3', () => {
    const round = (interval: { low: number; high: number }) => [
      Number(interval.low.toFixed(4)),
      Number(interval.high.toFixed(4)),
    ];
    expect(round(wilson(81, 263))).toEqual([0.2553, 0.3662]);
    expect(round(wilson(15, 148))).toEqual([0.0624, 0.1605]);
    expect(round(wilson(0, 20))).toEqual([0, 0.1611]);
    expect(round(wilson(1, 29))).toEqual([0.0061, 0.1718]);
  });

  it("McNemar's test: the χ² example (b = 121, c = 59) and exact binomial p-values", () => {
    const large = mcnemar(121, 59);
    expect(large.method).toBe('chi-squared');
    expect(large.statistic).toBeCloseTo(3721 / 180, 10);
    expect(large.p).toBeGreaterThan(5e-6);
    expect(large.p).toBeLessThan(6e-6);
    expect(mcnemar(0, 5)).toMatchObject({ method: 'exact', p: 0.0625 });
    expect(mcnemar(3, 3).p).toBe(1);
    expect(mcnemar(2, 10).p).toBeCloseTo(0.0385742, 6);
    expect(mcnemar(0, 0).p).toBe(1);
  });

  it("Holm's adjustment matches R's p.adjust(c(0.01, 0.04, 0.03, 0.005), 'holm')", () => {
    const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((value, index) => expect(adjusted[index]).toBeCloseTo(value, 12));
    expect(holm([0.5, 0.9])).toEqual([1, 1]);
  });

  it('quantiles follow the usual definition', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([], 0.5)).toBeNull();
  });
});

describe('paired bootstrap', () => {
  const baseline = Array.from({ length: 200 }, (_, index) => 100 + (index % 17) * 3);
  const candidate = baseline.map((value, index) => value + 20 + (index % 5) - 2);
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

  it('is reproducible from its seed and brackets the observed difference', () => {
    const first = pairedBootstrap(baseline, candidate, mean, { seed: 42, rounds: 500 });
    expect(pairedBootstrap(baseline, candidate, mean, { seed: 42, rounds: 500 })).toEqual(first);
    expect(first?.estimate).toBeCloseTo(20, 10);
    expect(first?.low).toBeLessThan(20);
    expect(first?.high).toBeGreaterThan(20);
    expect(pairedBootstrap(baseline, candidate, mean, { seed: 7, rounds: 500 })).not.toEqual(first);
    expect(pairedBootstrap(baseline, baseline, mean, { seed: 1, rounds: 100 })).toEqual({ estimate: 0, low: 0, high: 0 });
    expect(pairedBootstrap([], [], mean, { seed: 1 })).toBeNull();
  });
});

describe('sample size for a paired change', () => {
  it("gives McNemar's test 80% power at α = 0.05, checked by simulation", () => {
    const psi = 0.2;
    const delta = 0.05;
    const n = mcnemarSampleSize(psi, delta);
    expect(n).toBe(Math.ceil((1.959963984540054 * Math.sqrt(0.2) + 0.8416212335729143 * Math.sqrt(0.2 - 0.0025)) ** 2 / 0.0025));
    // Each pair is discordant with probability ψ; a discordant pair goes the candidate's way with
    // probability (ψ − δ)/(2ψ), so the pass rate drops by δ on average.
    const rng = xoroshiro128plus(2024);
    const trials = 600;
    let detected = 0;
    for (let trial = 0; trial < trials; trial += 1) {
      let b = 0;
      let c = 0;
      for (let pair = 0; pair < n; pair += 1) {
        if (uniformFloat64(rng) >= psi) continue;
        if (uniformFloat64(rng) < (psi + delta) / (2 * psi)) b += 1;
        else c += 1;
      }
      if (mcnemar(b, c).p < 0.05) detected += 1;
    }
    expect(detected / trials).toBeGreaterThan(0.74);
    expect(detected / trials).toBeLessThan(0.86);
    expect(mcnemarSampleSize(0.01, 0.05)).toBe(mcnemarSampleSize(0.05 + 1e-9, 0.05));
  });
});
