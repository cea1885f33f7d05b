import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { caseResult } from '../test-support/results';
import { compareVersions, formatP, holmLevels, range, sampleSizeHint, signed } from './compare';
import { comparisonHtml } from './compare-report';
import type { CaseResult } from './engine/runner';
import { mcnemar, newcombePaired, wilson, zFor } from './stats';

/** A comparison of two versions on `n` cases: `outcome(case, side, repeat)` says whether that result passed. */
function comparison(
  n: number,
  repeat: number,
  outcome: (index: number, side: number, repeat: number) => boolean,
  more: (index: number, side: number) => Partial<CaseResult> = () => ({}),
) {
  const ids = Array.from({ length: n }, (_, index) => `c${index}`);
  const bySide = [0, 1].map(
    (side) =>
      new Map(
        ids.map((id, index) => [
          id,
          Array.from({ length: repeat }, (_, r) =>
            caseResult(id, outcome(index, side, r) ? 'passed' : 'failed', { repeat: r, ...more(index, side) }),
          ),
        ]),
      ),
  );
  return compareVersions(['base@1.0.0', 'cand@1.1.0'], ids, bySide, { seed: 1, repeat });
}

/** b cases pass only on the candidate and 0 only on the baseline, of 40; 20 pass on both. */
const discordant = (b: number) => comparison(40, 1, (index, side) => index < 20 || (side === 1 && index < 20 + b));

describe('the pass-rate difference of a comparison', () => {
  it('includes 0 for (0,0), (3,0), (4,0) and (5,0) of 40, as the exact test says, and not for (6,0)', () => {
    for (const b of [0, 3, 4, 5]) {
      const pair = discordant(b).stats.pairs[0];
      expect(pair?.mcnemar.p, `(${b},0)`).toBeGreaterThan(0.05);
      expect(pair?.passRateDiff?.low, `(${b},0)`).toBeLessThanOrEqual(0);
      expect(pair?.passRateDiff?.high, `(${b},0)`).toBeGreaterThan(0);
    }
    // No discordant pair is no evidence of no difference: the interval is not a point.
    expect(discordant(0).stats.pairs[0]?.passRateDiff).toMatchObject({ estimate: 0, low: expect.closeTo(-0.0468, 4) });
    const six = discordant(6).stats.pairs[0];
    expect(six?.mcnemar.p).toBeCloseTo(0.03125, 10);
    expect(six?.passRateDiff?.low).toBeGreaterThan(0);
  });

  it("is Newcombe's (1998) method 10 from its textbook formula: Wilson margins combined with the corrected φ", () => {
    // Bentur et al. 2009, as Fagerland, Lydersen & Laake (2017) table it: 1 both, 1 first only, 7 second only, 12 neither.
    const table = { both: 1, candidateOnly: 1, baselineOnly: 7, neither: 12 };
    const n = 21;
    const first = wilson(2, n);
    const second = wilson(8, n);
    const cross = 1 * 12 - 1 * 7;
    const phi = (cross > n / 2 ? cross - n / 2 : cross < 0 ? cross : 0) / Math.sqrt(2 * 19 * 8 * 13);
    const p1 = 2 / n;
    const p2 = 8 / n;
    const low =
      p1 - p2 - Math.sqrt((p1 - first.low) ** 2 - 2 * phi * (p1 - first.low) * (second.high - p2) + (second.high - p2) ** 2);
    const interval = newcombePaired(table);
    expect(interval.estimate).toBeCloseTo(-6 / 21, 12);
    expect(interval.low).toBeCloseTo(low, 12);
    expect(interval.low).toBeCloseTo(-0.5069, 4);
    expect(interval.high).toBeCloseTo(-0.0256, 4);
  });

  it('covers the true difference about 95% of the time, for small and large counts (seeded simulation)', () => {
    const rng = xoroshiro128plus(20261202);
    for (const [n, onlyBaseline, onlyCandidate] of [
      [20, 0.05, 0.1],
      [40, 0.02, 0.1],
      [200, 0.1, 0.15],
      [200, 0.3, 0.3],
    ] as const) {
      const truth = onlyCandidate - onlyBaseline;
      let covered = 0;
      const trials = 2000;
      for (let trial = 0; trial < trials; trial += 1) {
        const table = { both: 0, baselineOnly: 0, candidateOnly: 0, neither: 0 };
        for (let index = 0; index < n; index += 1) {
          const u = uniformFloat64(rng);
          if (u < onlyBaseline) table.baselineOnly += 1;
          else if (u < onlyBaseline + onlyCandidate) table.candidateOnly += 1;
          else if (u < onlyBaseline + onlyCandidate + (1 - onlyBaseline - onlyCandidate) / 2) table.both += 1;
          else table.neither += 1;
        }
        const interval = newcombePaired(table);
        if (interval.low <= truth && truth <= interval.high) covered += 1;
      }
      expect(covered / trials, `n = ${n}`).toBeGreaterThan(0.93);
      expect(covered / trials, `n = ${n}`).toBeLessThan(0.99);
    }
  });

  it('widens with Holm’s step when there are several candidates, as the p-values are adjusted', () => {
    expect(holmLevels([0.01, 0.04])).toEqual([0.975, 0.95]);
    expect(holmLevels([0.3])).toEqual([0.95]);
    expect(zFor(0.975)).toBeCloseTo(2.241402727604947, 12);
  });
});

describe('what the pass rates are computed over', () => {
  it('is cases: a deterministic agent run 3 times gets the interval of one run, not of 120 trials', () => {
    const once = comparison(40, 1, (index) => index < 30).stats.versions[0];
    const thrice = comparison(40, 3, (index) => index < 30).stats.versions[0];
    expect(thrice?.interval).toEqual(once?.interval);
    expect(thrice?.interval.low).toBeCloseTo(0.598, 3);
    expect(thrice?.interval.high).toBeCloseTo(0.858, 3);
    expect(thrice).toMatchObject({ passed: 30, total: 40, results: { passed: 90, total: 120 } });
  });

  it('is one basis for the headline and the pass rates, and the summary names it', () => {
    // The candidate passes more results (24 cases 3 of 3, 10 cases 1 of 3: 82 against 75) but fewer cases (24 against 25).
    const { stats } = comparison(40, 3, (index, side, r) => (side === 0 ? index < 25 : index < 24 || (index < 34 && r === 0)));
    const [base, cand] = stats.versions;
    expect([base?.results?.passed, cand?.results?.passed]).toEqual([75, 82]);
    expect([base?.passed, cand?.passed]).toEqual([25, 24]);
    const pair = stats.pairs[0];
    expect(pair?.passRateDiff?.estimate).toBeLessThan(0);
    expect(pair?.summary).toMatch(/^cand@1\.1\.0 passes 2\.5 points less than base@1\.0\.0/);
    expect(Math.sign(pair?.passRateDiff?.estimate ?? 0)).toBe(Math.sign((cand?.passRate ?? 0) - (base?.passRate ?? 0)));
    expect(pair?.passRateDiff?.estimate).toBeCloseTo((cand?.passRate ?? 0) - (base?.passRate ?? 0), 12);
    expect(pair?.summary).toContain('over 40 cases, each by the majority of its 3 repeats');
  });

  it('makes a tie its own verdict: left out of the pass rates and of the discordant pairs, and said', () => {
    // With 2 repeats a case that passed once and failed once is a tie, not a fail.
    const { stats } = comparison(10, 2, (index, side, r) => (index === 0 ? r === 0 : side === 0 || index > 1));
    expect(stats.versions[0]).toMatchObject({ ties: 1, total: 9, passed: 9 });
    expect(stats.pairs[0]).toMatchObject({ ties: 1, mcnemar: { b: 1, c: 0 } });
    expect(stats.pairs[0]?.summary).toContain('over 9 cases, each by the majority of its 2 repeats, 1 tied or missing left out');
  });
});

describe('one set of cases for every figure', () => {
  it('leaves a case tied or missing on one side out of both versions’ rates and the difference alike', () => {
    // 10 of 40 cases tie on the baseline only; the candidate passes 29 of the other 30, the baseline 20.
    const tied = comparison(40, 2, (index, side, r) => (side === 0 ? (index < 10 ? r === 0 : index < 30) : index !== 39));
    const [base, cand] = tied.stats.versions;
    expect([base?.total, cand?.total, base?.ties]).toEqual([30, 30, 10]);
    expect(tied.stats.pairs[0]?.passRateDiff?.estimate).toBeCloseTo((cand?.passRate ?? 0) - (base?.passRate ?? 0), 12);
    expect(tied.stats.pairs[0]?.summary).toContain(
      'over 30 cases, each by the majority of its 2 repeats, 10 tied or missing left out',
    );

    const ids = ['a', 'b'];
    const missing = compareVersions(
      ['base@1', 'cand@2'],
      ids,
      [new Map(ids.map((id) => [id, [caseResult(id, 'passed')]])), new Map([['a', [caseResult('a', 'passed')]]])],
      { seed: 1, repeat: 1 },
    );
    expect(missing.stats.versions.map((version) => [version.passed, version.total])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(missing.stats.pairs[0]?.summary).toContain('over 1 case, 1 tied or missing left out');
  });

  it('says when a majority verdict hides flaky cases, and when no case has a verdict from both', () => {
    const flaky = comparison(10, 3, (_index, side, r) => side === 0 || r < 2);
    expect(flaky.stats.versions[1]).toMatchObject({ passed: 10, flaky: 10, results: { passed: 20, total: 30 } });
    expect(flaky.stats.pairs[0]?.summary).toContain('10 flaky (passed some repeats, not all)');
    const allTied = comparison(4, 2, (_index, _side, r) => r === 0);
    expect(allTied.stats.pairs[0]?.summary).toMatch(
      /^cand@1\.1\.0: pass rates not compared \(no case has a verdict from both: 4 tied or missing\)/,
    );
  });
});

describe('latency, tokens and cost with failed calls', () => {
  it('count a failed call with its real duration, and report tokens and cost over the results that have them', () => {
    const { stats } = comparison(
      10,
      1,
      (index) => index !== 9,
      (index) =>
        index === 9
          ? {
              status: 'errored',
              latencyMs: 9000,
              inputTokens: null,
              outputTokens: null,
              costUsd: null,
              error: { kind: 'timeout', message: 'x' },
            }
          : { latencyMs: 100, inputTokens: 10, outputTokens: 5, costUsd: 0.001 },
    );
    expect(stats.versions[0]?.latencyP95).toBeGreaterThan(100);
    expect(stats.versions[0]).toMatchObject({ tokensPerRequest: 15, costPerRequest: 0.001, known: { tokens: 9, cost: 9 } });
    expect(stats.pairs[0]?.costDiff?.estimate).toBe(0);
    expect(stats.pairs[0]?.summary).toContain('costs the same (over the 18 of 20 results with a cost)');
  });
});

describe('figures in words', () => {
  it('prints a p-value with the digits its verdict needs, and clamps a χ² p to 1', () => {
    expect(formatP(0.049)).toBe('p = 0.049');
    expect(formatP(0.04995)).toBe('p = 0.04995');
    expect(formatP(0.051)).toBe('p = 0.051');
    expect(formatP(0.2)).toBe('p = 0.20');
    expect(formatP(0.0004)).toBe('p < 0.001');
    expect(formatP(0.0015)).toBe('p = 0.002');
    expect(formatP(0.0499999)).toBe('p = 0.0499999');
    for (let b = 12; b < 40; b += 1) expect(mcnemar(b, b + 1).p).toBeLessThanOrEqual(1);
  });

  it('writes negatives with a minus sign and intervals with "to"', () => {
    expect(range(signed(-35, 1), signed(-5, 1))).toBe('\u221235.0 to \u22125.0');
    expect(signed(-0.01, 1)).toBe('0.0');
  });
});

describe('what the comparison shows beside its figures', () => {
  it('gives the sample-size hint only when the difference is not significant and more cases would help', () => {
    const small = discordant(3).stats.pairs[0];
    expect(small && sampleSizeHint(small)).toMatch(/^\d+ more cases needed to detect a 5-point drop/);
    const clear = discordant(12).stats.pairs[0];
    expect(clear && sampleSizeHint(clear)).toBeNull();
  });

  it("keeps the HTML report's labels and values inside its SVG", () => {
    const { stats, rows } = comparison(10, 1, (index, side) => side === 1 || index < 9);
    const html = comparisonHtml({
      id: 1,
      agent: 'a-long-agent-name-for-the-refund-approval-workflow',
      dataset: { name: 'inbox', revision: 1, items: 10 },
      suite: null,
      refs: [],
      status: 'finished',
      startedAt: '2026-12-02T10:00:00.000Z',
      finishedAt: '2026-12-02T10:01:00.000Z',
      stats: {
        ...stats,
        versions: stats.versions.map((version) => ({
          ...version,
          version: `a-long-agent-name-for-the-refund-approval-workflow@${version.version}`,
        })),
      },
      rows,
    });
    const svg = /<svg[^>]*width="(\d+)"[^>]*>([\s\S]*?)<\/svg>/.exec(html);
    const width = Number(svg?.[1]);
    const texts = [...(svg?.[2] ?? '').matchAll(/<text x="([\d.]+)"[^>]*font-size="(\d+)">([^<]*)<\/text>/g)];
    expect(texts.length).toBe(4);
    for (const [, x, size, text] of texts) {
      // A generous 0.62 em a character for the default sans-serif face.
      expect(Number(x) + (text ?? '').length * Number(size) * 0.62, text).toBeLessThanOrEqual(width);
    }
    const labels = texts.filter((text) => text[1] === '0').map((text) => text[3]);
    expect(labels.every((label) => (label ?? '').endsWith('@base@1.0.0') || (label ?? '').endsWith('cand@1.1.0'))).toBe(true);
  });
});
