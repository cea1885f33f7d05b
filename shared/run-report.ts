import type { CaseResult } from './engine/runner';
import { NO_CHECKS_REASON } from './result-status';

export interface ReportRun {
  id: number | null;
  agent: string;
  version: string;
  versionHash: string;
  suite: string;
  suiteRevisionHash: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  passed: number;
  total: number;
  passRate: number;
  gatePassed: boolean;
  costUsd: number;
}

export interface ResultCounts {
  passed: number;
  failed: number;
  errored: number;
  /** Results of cases with no assertions. */
  unchecked: number;
  /** Results with an assertion that could not be evaluated (counted among the errored too). */
  unevaluated: number;
}

export function countResults(results: ReadonlyArray<Pick<CaseResult, 'status' | 'error'>>): ResultCounts {
  const counts: ResultCounts = { passed: 0, failed: 0, errored: 0, unchecked: 0, unevaluated: 0 };
  for (const result of results) {
    counts[result.status] += 1;
    if (result.error?.kind === 'assertion') counts.unevaluated += 1;
  }
  return counts;
}

/**
 * The gate: the run completed, nothing in it went unchecked or unevaluated, and every result
 * passed or the pass rate reaches the minimum. A minimum pass rate never lets a case nobody
 * checked through.
 */
export function gatePasses(end: {
  status: string;
  total: number;
  passed: number;
  minPassRate: number | null;
  unchecked: number;
  unevaluated: number;
}): boolean {
  if (end.status !== 'finished' || end.total === 0 || end.unchecked > 0 || end.unevaluated > 0) return false;
  return end.minPassRate === null ? end.passed === end.total : end.passed / end.total >= end.minPassRate;
}

/** The gate as `--allow-unchecked` reads it: cases with no checks left out, everything else as gatePasses. */
export function gateAllowingUnchecked(end: Parameters<typeof gatePasses>[0]): boolean {
  return gatePasses({ ...end, total: end.total - end.unchecked, unchecked: 0 });
}

/** What went wrong with a result, in one line: its error, else its first failing assertion. */
export function firstProblem(result: CaseResult): string {
  if (result.error) return `${result.error.kind}: ${result.error.message}`;
  if (result.status === 'unchecked') return NO_CHECKS_REASON;
  const failed = result.verdicts.find((verdict) => !verdict.pass);
  return failed ? `${failed.type}: ${failed.reason}` : 'failed';
}

function failureText(result: CaseResult): string {
  if (result.error) return `${result.error.kind}: ${result.error.message}`;
  return result.verdicts
    .filter((verdict) => !verdict.pass)
    .map((verdict) => `${verdict.type}: ${verdict.reason}`)
    .join('\n');
}

/** JUnit XML, as CI systems read it: one testcase per case and repeat. */
export async function toJUnit(run: ReportRun, results: CaseResult[]): Promise<string> {
  const { XMLBuilder } = await import('fast-xml-parser');
  const { failed: failures, errored: errors, unchecked: skipped } = countResults(results);
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true, suppressEmptyNode: true });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({
    testsuites: {
      '@name': `slipway ${run.agent}`,
      '@tests': results.length,
      '@failures': failures,
      '@errors': errors,
      '@skipped': skipped,
      testsuite: {
        '@name': run.suite,
        '@tests': results.length,
        '@failures': failures,
        '@errors': errors,
        '@skipped': skipped,
        '@time': seconds(results.reduce((sum, result) => sum + result.latencyMs, 0)),
        properties: {
          property: [
            { '@name': 'version', '@value': run.version },
            { '@name': 'versionHash', '@value': run.versionHash },
            { '@name': 'suiteRevisionHash', '@value': run.suiteRevisionHash },
            { '@name': 'status', '@value': run.status },
          ],
        },
        testcase: results.map((result) => ({
          '@name': result.repeat === 0 ? result.caseId : `${result.caseId} #${result.repeat + 1}`,
          '@classname': `${run.agent}.${run.suite}`,
          '@time': seconds(result.latencyMs),
          ...(result.status === 'failed'
            ? { failure: { '@message': failureText(result).split('\n')[0], '#text': failureText(result) } }
            : {}),
          ...(result.status === 'errored'
            ? { error: { '@message': result.error?.message ?? 'error', '@type': result.error?.kind ?? 'error' } }
            : {}),
          ...(result.status === 'unchecked' ? { skipped: { '@message': NO_CHECKS_REASON } } : {}),
        })),
      },
    },
  })}`;
}

export function toJsonReport(run: ReportRun, results: CaseResult[], attestation: unknown): string {
  return `${JSON.stringify({ run, attestation, results }, null, 2)}\n`;
}
