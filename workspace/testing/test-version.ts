import type { PriceTable } from '../../shared/engine/prices';
import { runSuite, type CaseResult, type RunProgress, type RunSettings } from '../../shared/engine/runner';
import type { Platform } from '../../shared/engine/types';
import { countResults } from '../../shared/run-report';
import type { RunSummary } from '../../shared/contract/testing';
import type { Attestation } from '../../shared/release/protocol';
import { cachedAnswer, finishRun, recordResult, startRun } from './runs';
import { getSuite } from './suites';
import { resolveAgentRef } from '../versions/agent-ref';
import type { Workspace } from '../workspace';

export interface TestOptions {
  settings: RunSettings;
  minPassRate: number | null;
  cache: boolean;
  platform: Platform;
  prices: PriceTable;
  signal?: AbortSignal;
  onStart?: (plan: { total: number; estimateUsd: number | null }) => void;
  onProgress?: (progress: RunProgress) => void;
}

export interface TestOutcome {
  run: RunSummary;
  results: CaseResult[];
  attestation: Attestation | null;
}

/** What a ref and a suite name come to: the files to run, parsed, and the suite revision. */
export function resolveTestTarget(ws: Workspace, refText: string, suiteName: string, agent?: string) {
  const target = resolveAgentRef(ws, refText, agent);
  return { ...target, suite: getSuite(ws, target.agentName, suiteName) };
}
export type TestTarget = ReturnType<typeof resolveTestTarget>;

/**
 * Runs a suite of the workspace against a version (or the draft) and stores the run: each
 * result as it arrives, the end with its attestation and an audit row. The run's row exists
 * (and `onRun` has been told its id) before this returns its promise.
 */
export async function testVersion(
  ws: Workspace,
  target: TestTarget,
  options: TestOptions & { onRun?: (runId: number) => void },
): Promise<TestOutcome> {
  const { agentId, versionId, label, agent, versionHash, suite } = target;
  const runId = startRun(ws, {
    agentId,
    versionId,
    versionLabel: label,
    versionHash,
    suiteRevisionId: suite.id,
    settings: { ...options.settings, minPassRate: options.minPassRate, cache: options.cache },
  });
  options.onRun?.(runId);
  const outcome = await runSuite({
    agent,
    versionHash,
    suite: suite.suite,
    settings: options.settings,
    platform: options.platform,
    prices: options.prices,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onStart ? { onStart: options.onStart } : {}),
    ...(options.cache ? { cache: { get: (hash, caseId, repeat) => cachedAnswer(ws, hash, caseId, repeat) } } : {}),
    onProgress: (progress) => {
      recordResult(ws, runId, progress.last);
      options.onProgress?.(progress);
    },
  });
  const total = suite.suite.cases.length * options.settings.repeat;
  const run = finishRun(ws, runId, {
    status: outcome.status,
    total,
    ...countResults(outcome.results),
    minPassRate: options.minPassRate,
    costUsd: outcome.costUsd,
    costKnown: outcome.costKnown,
  });
  return { run, results: outcome.results, attestation: run.attestation };
}
