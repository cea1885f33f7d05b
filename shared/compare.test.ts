import { describe, expect, it } from 'vitest';
import { compareCase, compareVersions } from './compare';
import type { CaseResult } from './engine/runner';

function result(overrides: Partial<CaseResult> = {}): CaseResult {
  return {
    caseId: 'c',
    repeat: 0,
    status: 'passed',
    output: '{"queue": "billing"}',
    messages: [],
    toolCalls: [],
    latencyMs: 100,
    inputTokens: 50,
    outputTokens: 10,
    costUsd: 0.001,
    retries: 0,
    error: null,
    verdicts: [],
    cached: false,
    ...overrides,
  };
}

describe('a case, baseline against candidate', () => {
  it('is the same when pass rates match and outputs differ only in whitespace, changed otherwise', () => {
    expect(compareCase('c', [result()], [result({ output: '{"queue":   "billing"}\n' })]).verdict).toBe('same');
    expect(compareCase('c', [result({ output: 'a  b\n' })], [result({ output: ' a b' })]).verdict).toBe('same');
    expect(compareCase('c', [result()], [result({ output: '{"queue": "account"}' })]).verdict).toBe('changed');
  });

  it('improves or regresses with the pass rate over repeats', () => {
    const failed = result({ status: 'failed' });
    expect(compareCase('c', [failed, result()], [result(), result()]).verdict).toBe('improved');
    expect(compareCase('c', [result(), result()], [result(), failed]).verdict).toBe('regressed');
    expect(compareCase('c', [result(), failed], [failed, result()]).delta.passRate).toBe(0);
  });

  it('names each behavioural change', () => {
    const tool = (name: string) => ({ name, arguments: {}, result: null });
    const changed = compareCase(
      'c',
      [result({ toolCalls: [tool('lookup'), tool('refund')], output: '{"ok": true}', costUsd: 0.001 })],
      [
        result({
          toolCalls: [tool('lookup')],
          output: "I'm sorry, but I can't help with refunds. Please contact support for this request.",
          costUsd: 0.002,
          status: 'errored',
          error: { kind: 'timeout', message: 'no answer' },
        }),
      ],
    );
    expect(changed.categories).toEqual([
      'tool-sequence-changed',
      'format-broken',
      'refusal-introduced',
      'length-changed',
      'cost-up',
      'error-introduced',
    ]);
    expect(changed.verdict).toBe('regressed');
    const quiet = compareCase('c', [result({ costUsd: 0.001 })], [result({ costUsd: 0.0014, output: '{"queue": "billing!"}' })]);
    expect(quiet.categories).toEqual([]);
    expect(quiet.delta.costUsd).toBeCloseTo(0.0004, 10);
    expect(compareCase('c', [result({ costUsd: null })], [result()]).delta.costUsd).toBeNull();
  });
});

describe('the aggregate', () => {
  const ids = Array.from({ length: 60 }, (_, index) => `case-${index}`);
  const side = (passes: (index: number) => boolean, latency: (index: number) => number, cost: number) =>
    new Map(
      ids.map((id, index) => [
        id,
        [result({ caseId: id, status: passes(index) ? 'passed' : 'failed', latencyMs: latency(index), costUsd: cost })],
      ]),
    );

  it('finds a real regression with its interval, test, sample size and the summary in plain words', () => {
    const baseline = side(
      (index) => index % 10 !== 0,
      (index) => 100 + index,
      0.002,
    );
    const candidate = side(
      (index) => index % 10 !== 0 && index % 3 !== 1,
      (index) => 220 + index,
      0.0016,
    );
    const { stats, rows } = compareVersions(['triage@1.0.0', 'triage@1.1.0'], ids, [baseline, candidate], {
      seed: 11,
      repeat: 1,
      rounds: 400,
    });
    const [base, cand] = stats.versions;
    expect(base).toMatchObject({ passed: 54, total: 60 });
    expect(cand?.passed).toBe(36);
    expect(base?.interval.low).toBeLessThan(0.9);
    expect(base?.interval.high).toBeGreaterThan(0.9);
    const pair = stats.pairs[0];
    expect(pair?.mcnemar).toMatchObject({ b: 18, c: 0, method: 'exact' });
    expect(pair?.mcnemar.p).toBeCloseTo(2 * 0.5 ** 18, 12);
    expect(pair?.passRateDiff?.estimate).toBeCloseTo(-0.3, 10);
    expect(pair?.significantRegression).toBe(true);
    expect(pair?.verdicts).toMatchObject({ regressed: 18 });
    expect(pair?.latencyP95Diff?.estimate).toBeCloseTo(120, 0);
    expect(pair?.sampleSize.have).toBe(60);
    expect(pair?.summary).toMatch(
      /^triage@1\.1\.0 passes 30\.0 points less than triage@1\.0\.0 \(95% CI −41\.9 to −17\.7, p < 0\.001; over 60 cases\), costs 20% less, p95 latency \+120 ms\.$/,
    );
    expect(rows[0]).toHaveLength(60);
    expect(stats.versions[0]?.latencyBins.reduce((sum, count) => sum + count, 0)).toBe(60);
    expect(
      compareVersions(['a', 'b'], ids, [baseline, candidate], { seed: 11, repeat: 1, rounds: 400 }).stats.pairs[0]?.passRateDiff,
    ).toEqual(pair?.passRateDiff);
  });

  it('compares several candidates with the baseline, Holm-corrected', () => {
    const baseline = side(
      () => true,
      () => 100,
      0.001,
    );
    const slightlyWorse = side(
      (index) => index % 20 !== 0,
      () => 100,
      0.001,
    );
    const muchWorse = side(
      (index) => index % 4 !== 0,
      () => 100,
      0.001,
    );
    const { stats } = compareVersions(['a', 'b', 'c'], ids, [baseline, slightlyWorse, muchWorse], {
      seed: 3,
      repeat: 1,
      rounds: 200,
    });
    const [first, second] = stats.pairs;
    expect(first?.mcnemar.p).toBeCloseTo(0.25, 10);
    expect(first?.pAdjusted).toBeCloseTo(0.25, 10);
    expect(second?.pAdjusted).toBeCloseTo(2 * second!.mcnemar.p, 10);
    expect(first?.significantRegression).toBe(false);
    expect(first?.summary).toContain('not significant');
    expect(second?.significantRegression).toBe(true);
  });
});
