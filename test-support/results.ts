import type { CaseResult } from '../shared/engine/runner';
import { startRun } from '../workspace/testing/runs';
import type { Workspace } from '../workspace/workspace';

/** A result as the runner stores one, of one case: what the tests of stored runs record. */
export function caseResult(caseId: string, status: CaseResult['status'], more: Partial<CaseResult> = {}): CaseResult {
  return {
    caseId,
    repeat: 0,
    status,
    output: 'x',
    messages: [],
    toolCalls: [],
    latencyMs: 1,
    inputTokens: 1,
    outputTokens: 1,
    costUsd: 0,
    retries: 0,
    error: null,
    verdicts: [],
    cached: false,
    ...more,
  };
}

/** A run of the first agent's draft against a suite revision, started as the run manager starts one. */
export function startDraftRun(ws: Workspace, suiteRevisionId: number): number {
  return startRun(ws, {
    agentId: 1,
    versionId: null,
    versionLabel: 'triage@draft',
    versionHash: 'h',
    suiteRevisionId,
    settings: {},
  });
}
