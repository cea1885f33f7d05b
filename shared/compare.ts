import type { CaseResult } from './engine/runner';
import {
  holm,
  mcnemar,
  mcnemarSampleSize,
  mean,
  newcombePaired,
  pairedBootstrap,
  quantile,
  wilson,
  zFor,
  type BootstrapDifference,
  type Interval,
} from './stats';

/** Comparing versions on the same inputs: each case's verdict and what changed, and the aggregate. */

export const CASE_VERDICTS = ['improved', 'regressed', 'same', 'changed'] as const;
export type CaseVerdict = (typeof CASE_VERDICTS)[number];

export type Category =
  'tool-sequence-changed' | 'format-broken' | 'refusal-introduced' | 'length-changed' | 'cost-up' | 'error-introduced';
export const CATEGORIES: Readonly<Record<Category, string>> = {
  'tool-sequence-changed': 'tool sequence changed',
  'format-broken': 'output format broken',
  'refusal-introduced': 'refusal introduced',
  'length-changed': 'length changed by more than half',
  'cost-up': 'cost up by more than half',
  'error-introduced': 'error introduced',
};

export interface SideOfCase {
  passRate: number;
  /** The first repeat's output, as shown side by side. */
  output: string;
  latencyMs: number;
  tokens: number | null;
  costUsd: number | null;
  error: string | null;
}

export interface CaseRow {
  caseId: string;
  verdict: CaseVerdict;
  categories: Category[];
  baseline: SideOfCase;
  candidate: SideOfCase;
  /** candidate − baseline; null where either side is unknown. */
  delta: { passRate: number; latencyMs: number; tokens: number | null; costUsd: number | null };
}

const REFUSAL =
  /\b(I can(?:not|'t|’t)|I am unable to|I'm unable to|I won't|I will not|I'm sorry, but|I apologi[sz]e, but|as an AI)\b/i;

function normalized(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return text.trim() !== '';
  } catch {
    return false;
  }
}

function tokensOf(result: CaseResult): number | null {
  return result.inputTokens === null || result.outputTokens === null ? null : result.inputTokens + result.outputTokens;
}

function meanOrNull(values: Array<number | null>): number | null {
  if (values.some((value) => value === null)) return null;
  return mean(values as number[]);
}

function side(results: CaseResult[]): SideOfCase {
  const first = results[0];
  return {
    passRate: results.length === 0 ? 0 : results.filter((result) => result.status === 'passed').length / results.length,
    output: first?.output ?? '',
    latencyMs: mean(results.map((result) => result.latencyMs)) ?? 0,
    tokens: meanOrNull(results.map(tokensOf)),
    costUsd: meanOrNull(results.map((result) => result.costUsd)),
    error: results.find((result) => result.error)?.error?.message ?? null,
  };
}

/**
 * One case of the baseline against one of a candidate (all repeats of each): the verdict —
 * improved / regressed (pass rate up / down), same (equal pass rate and the same output after
 * whitespace is normalized), changed — and the behavioural categories that apply.
 */
export function compareCase(caseId: string, baselineResults: CaseResult[], candidateResults: CaseResult[]): CaseRow {
  const baseline = side(baselineResults);
  const candidate = side(candidateResults);
  const verdict: CaseVerdict =
    candidate.passRate > baseline.passRate
      ? 'improved'
      : candidate.passRate < baseline.passRate
        ? 'regressed'
        : normalized(baseline.output) === normalized(candidate.output)
          ? 'same'
          : 'changed';
  const categories: Category[] = [];
  const toolsOf = (results: CaseResult[]) => (results[0]?.toolCalls ?? []).map((call) => call.name).join('→');
  if (toolsOf(baselineResults) !== toolsOf(candidateResults)) categories.push('tool-sequence-changed');
  if (isJson(baseline.output) && !isJson(candidate.output)) categories.push('format-broken');
  if (!REFUSAL.test(baseline.output) && REFUSAL.test(candidate.output)) categories.push('refusal-introduced');
  if (Math.abs(candidate.output.length - baseline.output.length) > 0.5 * Math.max(baseline.output.length, 1))
    categories.push('length-changed');
  if (
    baseline.costUsd !== null &&
    candidate.costUsd !== null &&
    baseline.costUsd > 0 &&
    candidate.costUsd > 1.5 * baseline.costUsd
  )
    categories.push('cost-up');
  if (baseline.error === null && candidate.error !== null) categories.push('error-introduced');
  return {
    caseId,
    verdict,
    categories,
    baseline,
    candidate,
    delta: {
      passRate: candidate.passRate - baseline.passRate,
      latencyMs: candidate.latencyMs - baseline.latencyMs,
      tokens: candidate.tokens === null || baseline.tokens === null ? null : candidate.tokens - baseline.tokens,
      costUsd: candidate.costUsd === null || baseline.costUsd === null ? null : candidate.costUsd - baseline.costUsd,
    },
  };
}

export interface VersionStats {
  version: string;
  /** Cases whose verdict is a pass (the majority of their repeats passed). */
  passed: number;
  /** Cases with a verdict: passed or failed (ties are neither). */
  total: number;
  /** Cases whose repeats passed and failed as often (an even --repeat): no verdict. */
  ties: number;
  /** Cases some of whose repeats passed and some did not: a majority verdict hides how often. */
  flaky?: number;
  /** passed / total: over cases, the basis of every pass-rate figure of the comparison. */
  passRate: number;
  /** Wilson interval over cases (repeats of one case are not independent trials). */
  interval: Interval;
  /** Every result, repeats counted one by one: shown beside the rate, never as it. */
  results?: { passed: number; total: number };
  latencyP50: number | null;
  latencyP95: number | null;
  /** Means over the results that have them; how many did is said beside. */
  tokensPerRequest: number | null;
  costPerRequest: number | null;
  known?: { tokens: number; cost: number };
  /** Latency histogram over bins shared by every version, for the distribution chart. */
  latencyBins: number[];
}

export interface PairStats {
  baseline: number;
  candidate: number;
  /**
   * Pass rate of the candidate − the baseline's over the cases both gave a verdict, with
   * Newcombe's paired score interval at `confidence` (95%, widened by Holm's step for several candidates).
   */
  passRateDiff: BootstrapDifference | null;
  /** The interval's level: 0.95, or Holm's level for this candidate's place among several. */
  confidence: number;
  /** Cases left out of the paired figures because one side tied. */
  ties: number;
  mcnemar: { b: number; c: number; p: number; method: 'exact' | 'chi-squared' };
  /** Holm-adjusted over the candidates when there are more than one. */
  pAdjusted: number;
  latencyP50Diff: BootstrapDifference | null;
  latencyP95Diff: BootstrapDifference | null;
  tokensDiff: BootstrapDifference | null;
  costDiff: BootstrapDifference | null;
  /** Cases needed to detect a 5-point drop at α = 0.05, power 0.8, and how many more that is. */
  sampleSize: { needed: number; have: number; more: number };
  verdicts: Record<CaseVerdict, number>;
  categories: Partial<Record<Category, number>>;
  significantRegression: boolean;
  summary: string;
}

export interface ComparisonStats {
  seed: number;
  cases: number;
  repeat: number;
  binEdges: number[];
  versions: VersionStats[];
  pairs: PairStats[];
}

const DETECT_DROP = 0.05;

/**
 * The interval as the test decides: with a few discordant pairs Newcombe's interval can leave out
 * 0 while the exact test says the difference may be 0 ((5, 0) of 40: p = 0.06). Then its bound
 * nearest 0 is moved to 0, so a summary never reads "not significant" beside an interval that
 * excludes no change. Only ever wider: the coverage does not fall.
 */
function agreeingWithTest(interval: BootstrapDifference, p: number): BootstrapDifference {
  if (p < 0.05 || (interval.low <= 0 && interval.high >= 0)) return interval;
  return interval.low > 0 ? { ...interval, low: 0 } : { ...interval, high: 0 };
}

/**
 * The confidence of each candidate's interval, consistent with Holm's step-down p-values: the
 * candidate whose p-value ranks r-th (from 0) of m gets 1 − 0.05/(m − r), so an interval excludes 0
 * as its adjusted p falls below 0.05. One candidate: 95%.
 */
export function holmLevels(pValues: readonly number[]): number[] {
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const levels = new Array<number>(pValues.length);
  order.forEach(({ index }, rank) => {
    levels[index] = 1 - 0.05 / (pValues.length - rank);
  });
  return levels;
}
const BINS = 20;

/** A number as a person reads it: a true minus sign (U+2212), never a hyphen. */
export function signed(value: number, digits: number): string {
  const text = Math.abs(value).toFixed(digits);
  return value < 0 && Number(text) !== 0 ? `\u2212${text}` : text;
}

function percent(value: number, digits = 1): string {
  return signed(value * 100, digits);
}

/** An interval as words: "−35.0 to −5.0". */
export function range(low: string, high: string): string {
  return `${low} to ${high}`;
}

/**
 * A p-value with the digits its verdict needs: never rounded across 0.05, so "p = 0.05" is never
 * printed beside a significant result (0.049 → "p = 0.049", 0.04995 → "p = 0.04995").
 */
export function formatP(p: number, alpha = 0.05): string {
  if (p < 0.001) return 'p < 0.001';
  for (let digits = p < 0.01 ? 3 : 2; digits <= 12; digits += 1) {
    const shown = Number(p.toFixed(digits));
    if (shown < alpha === p < alpha && (shown !== alpha || p === alpha)) return `p = ${p.toFixed(digits)}`;
  }
  return p < alpha ? `p < ${alpha}` : `p = ${p.toFixed(12)}`;
}

/** "1.1.0 passes 4.2 points more (95% CI 1.1–7.3, p = 0.01), costs 18% less, p95 latency +120 ms". */
export function describePair(
  candidate: string,
  baseline: string,
  pair: Omit<PairStats, 'summary'>,
  costBaseline: number | null,
  checked = true,
  repeat = 1,
  flaky = 0,
  coverage: { known: number; total: number } | null = null,
): string {
  const parts: string[] = [];
  const diff = pair.passRateDiff;
  // With no assertions anywhere every result is "no checks": a pass rate of 0 against 0 would say nothing true.
  if (!checked) parts.push(`${candidate}: pass rates not measured (no case has checks: compare with --suite)`);
  else if (!diff)
    parts.push(
      `${candidate}: pass rates not compared (no case has a verdict from both${pair.ties ? `: ${pair.ties} tied or missing` : ''})`,
    );
  else {
    const points = Math.abs(diff.estimate * 100).toFixed(1);
    const level = Math.round(pair.confidence * 1000) / 10;
    const ci = `${level}% CI ${range(percent(diff.low), percent(diff.high))}`;
    const basis = basisOf(pair, repeat, flaky);
    parts.push(
      diff.estimate === 0
        ? `${candidate} passes as often as ${baseline} (${ci}, ${formatP(pair.pAdjusted)}; ${basis})`
        : `${candidate} passes ${points} points ${diff.estimate > 0 ? 'more' : 'less'} than ${baseline} (${ci}, ${formatP(pair.pAdjusted)}${pair.pAdjusted < 0.05 ? '' : ', not significant'}; ${basis})`,
    );
  }
  if (!pair.costDiff || costBaseline === null) parts.push('cost unknown');
  else if (costBaseline === 0)
    parts.push(pair.costDiff.estimate === 0 ? 'costs the same' : `costs $${pair.costDiff.estimate.toFixed(6)} more a request`);
  else {
    const share = Math.round((pair.costDiff.estimate / costBaseline) * 100);
    parts.push(share === 0 ? 'costs the same' : `costs ${Math.abs(share)}% ${share > 0 ? 'more' : 'less'}`);
  }
  // Cost and tokens are over the results that report them: when some did not, the sentence says so.
  if (coverage && coverage.known < coverage.total && parts.at(-1) !== 'cost unknown')
    parts[parts.length - 1] = `${parts.at(-1) ?? ''} (over the ${coverage.known} of ${coverage.total} results with a cost)`;
  if (pair.latencyP95Diff) {
    const ms = Math.round(pair.latencyP95Diff.estimate);
    parts.push(ms === 0 ? 'same p95 latency' : `p95 latency ${ms > 0 ? '+' : '−'}${Math.abs(ms)} ms`);
  }
  return `${parts.join(', ')}.`;
}

/** What the pass rates are computed over, in words: cases, each one verdict. */
/**
 * The sample-size hint, only where it helps: the difference is not significant and more cases
 * would let a 5-point drop show. A significant result, or a dataset already big enough, needs none.
 */
export function sampleSizeHint(pair: Pick<PairStats, 'pAdjusted' | 'sampleSize'>): string | null {
  if (pair.pAdjusted < 0.05 || pair.sampleSize.more === 0) return null;
  return `${pair.sampleSize.more} more cases needed to detect a 5-point drop (α = 0.05, power 0.8; ${pair.sampleSize.needed} in all)`;
}

function basisOf(pair: Pick<PairStats, 'ties' | 'sampleSize'>, repeat: number, flaky: number): string {
  const cases = pair.sampleSize.have;
  const over = `over ${cases} ${cases === 1 ? 'case' : 'cases'}${repeat > 1 ? `, each by the majority of its ${repeat} repeats` : ''}`;
  const left = pair.ties > 0 ? `, ${pair.ties} tied or missing left out` : '';
  return `${over}${left}${flaky > 0 ? `; ${flaky} flaky (passed some repeats, not all)` : ''}`;
}

/** How many results of the two sides reported a cost, of how many. */
function costCoverage(stats: readonly VersionStats[], candidate: number): { known: number; total: number } | null {
  const sides = [stats[0], stats[candidate]];
  if (sides.some((side) => !side?.known || !side.results)) return null;
  return {
    known: sides.reduce((sum, side) => sum + (side?.known?.cost ?? 0), 0),
    total: sides.reduce((sum, side) => sum + (side?.results?.total ?? 0), 0),
  };
}

/** A case's verdict over its repeats: pass or fail by the majority, a tie when as many passed as did not (documented in docs/cli.md). */
export function caseVerdictOf(results: readonly CaseResult[]): 'pass' | 'fail' | 'tie' | null {
  if (results.length === 0) return null;
  const passed = results.filter((result) => result.status === 'passed').length;
  return passed * 2 > results.length ? 'pass' : passed * 2 < results.length ? 'fail' : 'tie';
}

/** The mean of what is known, and how many that was. */
function knownMean(values: ReadonlyArray<number | null>): { mean: number | null; known: number } {
  const known = values.filter((value): value is number => value !== null);
  return { mean: mean(known), known: known.length };
}

/**
 * The aggregate of a comparison. `bySide[i]` holds version i's results by case id (every repeat);
 * version 0 is the baseline and every other is compared with it. Seeded: the same results and
 * seed give the same report.
 */
export function compareVersions(
  versions: string[],
  caseIds: string[],
  bySide: Array<Map<string, CaseResult[]>>,
  options: { seed: number; repeat: number; rounds?: number },
): { stats: ComparisonStats; rows: CaseRow[][] } {
  const all = (index: number) => caseIds.flatMap((caseId) => bySide[index]?.get(caseId) ?? []);
  const latencies = versions.map((_, index) => all(index).map((result) => result.latencyMs));
  const highest = Math.max(1, ...latencies.flat());
  const binEdges = Array.from({ length: BINS + 1 }, (_, index) => (highest * index) / BINS);
  // One set of cases for every pass-rate figure: those every version gave a verdict. A case one
  // version tied (or has no result for) is left out of all of them, so the rates and the paired
  // difference are always over the same cases.
  const verdictsBySide = versions.map((_, index) => caseIds.map((caseId) => caseVerdictOf(bySide[index]?.get(caseId) ?? [])));
  const common = caseIds.map((_, at) => verdictsBySide.every((verdicts) => verdicts[at] === 'pass' || verdicts[at] === 'fail'));
  const versionStats: VersionStats[] = versions.map((version, index) => {
    const results = all(index);
    const verdicts = (verdictsBySide[index] ?? []).filter((_, at) => common[at]);
    const passed = verdicts.filter((verdict) => verdict === 'pass').length;
    const judged = verdicts.length;
    const flaky = caseIds.filter((caseId) => {
      const passes = (bySide[index]?.get(caseId) ?? []).filter((result) => result.status === 'passed').length;
      return passes > 0 && passes < (bySide[index]?.get(caseId)?.length ?? 0);
    }).length;
    const tokens = knownMean(results.map(tokensOf));
    const cost = knownMean(results.map((result) => result.costUsd));
    const bins = new Array<number>(BINS).fill(0);
    for (const latency of latencies[index] ?? []) {
      const bin = Math.min(BINS - 1, Math.floor((latency / highest) * BINS));
      bins[bin] = (bins[bin] ?? 0) + 1;
    }
    return {
      version,
      passed,
      total: judged,
      ties: (verdictsBySide[index] ?? []).filter((verdict) => verdict === 'tie').length,
      flaky,
      passRate: judged ? passed / judged : 0,
      interval: wilson(passed, judged),
      results: { passed: results.filter((result) => result.status === 'passed').length, total: results.length },
      latencyP50: quantile(latencies[index] ?? [], 0.5),
      latencyP95: quantile(latencies[index] ?? [], 0.95),
      tokensPerRequest: tokens.mean,
      costPerRequest: cost.mean,
      known: { tokens: tokens.known, cost: cost.known },
      latencyBins: bins,
    };
  });

  const perCase = (index: number, pick: (results: CaseResult[]) => number | null) =>
    caseIds.map((caseId) => pick(bySide[index]?.get(caseId) ?? []));
  // Paired figures over the cases both sides know: an errored case's unknown tokens leave that case out, not the comparison.
  const complete = (a: Array<number | null>, b: Array<number | null>): [number[], number[]] | null => {
    const kept = a.flatMap((value, index) => (value !== null && b[index] !== null && b[index] !== undefined ? [index] : []));
    return kept.length ? [kept.map((index) => a[index] as number), kept.map((index) => b[index] as number)] : null;
  };
  const meanOf = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const p50 = (values: number[]) => quantile(values, 0.5) ?? 0;
  const p95 = (values: number[]) => quantile(values, 0.95) ?? 0;
  const bootstrap = { seed: options.seed, ...(options.rounds ? { rounds: options.rounds } : {}) };

  const checked = versions.some((_, index) => all(index).some((result) => result.status !== 'unchecked'));
  const rows: CaseRow[][] = [];
  const raw = versions.slice(1).map((_, offset) => {
    const candidate = offset + 1;
    rows.push(caseIds.map((caseId) => compareCase(caseId, bySide[0]?.get(caseId) ?? [], bySide[candidate]?.get(caseId) ?? [])));
    // One verdict a case and side; a case where either side tied (or has no result) is left out of every paired figure.
    const table = { both: 0, baselineOnly: 0, candidateOnly: 0, neither: 0 };
    let ties = 0;
    for (const [at] of caseIds.entries()) {
      const before = verdictsBySide[0]?.[at] ?? null;
      const after = verdictsBySide[candidate]?.[at] ?? null;
      if (!common[at]) {
        ties += 1;
        continue;
      }
      if (before === 'pass') table[after === 'pass' ? 'both' : 'baselineOnly'] += 1;
      else table[after === 'pass' ? 'candidateOnly' : 'neither'] += 1;
    }
    const b = table.baselineOnly;
    const c = table.candidateOnly;
    const paired = table.both + table.baselineOnly + table.candidateOnly + table.neither;
    const test = mcnemar(b, c);
    const latency = complete(
      perCase(0, (results) => mean(results.map((result) => result.latencyMs))),
      perCase(candidate, (results) => mean(results.map((result) => result.latencyMs))),
    );
    const tokens = complete(
      perCase(0, (results) => knownMean(results.map(tokensOf)).mean),
      perCase(candidate, (results) => knownMean(results.map(tokensOf)).mean),
    );
    const cost = complete(
      perCase(0, (results) => knownMean(results.map((result) => result.costUsd)).mean),
      perCase(candidate, (results) => knownMean(results.map((result) => result.costUsd)).mean),
    );
    const needed = mcnemarSampleSize(paired ? (b + c) / paired : 0, DETECT_DROP);
    const have = paired;
    const verdicts = { improved: 0, regressed: 0, same: 0, changed: 0 };
    const categories: Partial<Record<Category, number>> = {};
    for (const row of rows[offset] ?? []) {
      verdicts[row.verdict] += 1;
      for (const category of row.categories) categories[category] = (categories[category] ?? 0) + 1;
    }
    return {
      baseline: 0,
      candidate,
      table,
      ties,
      paired,
      mcnemar: { b, c, p: test.p, method: test.method },
      pAdjusted: test.p,
      latencyP50Diff: latency ? pairedBootstrap(latency[0], latency[1], p50, bootstrap) : null,
      latencyP95Diff: latency ? pairedBootstrap(latency[0], latency[1], p95, bootstrap) : null,
      tokensDiff: tokens ? pairedBootstrap(tokens[0], tokens[1], meanOf, bootstrap) : null,
      costDiff: cost ? pairedBootstrap(cost[0], cost[1], meanOf, bootstrap) : null,
      sampleSize: { needed, have, more: Math.max(0, needed - have) },
      verdicts,
      categories,
    };
  });
  const adjusted = raw.length > 1 ? holm(raw.map((pair) => pair.mcnemar.p)) : raw.map((pair) => pair.mcnemar.p);
  const levels = holmLevels(raw.map((pair) => pair.mcnemar.p));
  const pairs: PairStats[] = raw.map(({ table, paired, ...pair }, index) => {
    const confidence = levels[index] ?? 0.95;
    const pAdjusted = adjusted[index] ?? pair.mcnemar.p;
    const withP = {
      ...pair,
      passRateDiff: paired ? agreeingWithTest(newcombePaired(table, zFor(confidence)), pAdjusted) : null,
      confidence,
      pAdjusted,
      significantRegression: false,
    };
    withP.significantRegression = (withP.passRateDiff?.estimate ?? 0) < 0 && withP.pAdjusted < 0.05;
    return {
      ...withP,
      summary: describePair(
        versions[pair.candidate] ?? '',
        versions[0] ?? '',
        withP,
        versionStats[0]?.costPerRequest ?? null,
        checked,
        options.repeat,
        (versionStats[pair.candidate]?.flaky ?? 0) + (versionStats[0]?.flaky ?? 0),
        costCoverage(versionStats, pair.candidate),
      ),
    };
  });
  return {
    stats: { seed: options.seed, cases: caseIds.length, repeat: options.repeat, binEdges, versions: versionStats, pairs },
    rows,
  };
}
