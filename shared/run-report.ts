import type { CaseResult } from './engine/runner';

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

/** The gate: the run completed, and every result passed or the pass rate reaches the minimum. */
export function gatePasses(end: { status: string; total: number; passed: number; minPassRate: number | null }): boolean {
  if (end.status !== 'finished' || end.total === 0) return false;
  return end.minPassRate === null ? end.passed === end.total : end.passed / end.total >= end.minPassRate;
}

/** What went wrong with a result, in one line: its error, else its first failing assertion. */
export function firstProblem(result: CaseResult): string {
  if (result.error) return `${result.error.kind}: ${result.error.message}`;
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
  const failures = results.filter((result) => result.status === 'failed').length;
  const errors = results.filter((result) => result.status === 'errored').length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true, suppressEmptyNode: true });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({
    testsuites: {
      '@name': `slipway ${run.agent}`,
      '@tests': results.length,
      '@failures': failures,
      '@errors': errors,
      testsuite: {
        '@name': run.suite,
        '@tests': results.length,
        '@failures': failures,
        '@errors': errors,
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
        })),
      },
    },
  })}`;
}

export function toJsonReport(run: ReportRun, results: CaseResult[], attestation: unknown): string {
  return `${JSON.stringify({ run, attestation, results }, null, 2)}\n`;
}
