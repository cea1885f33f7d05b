import { renderConversation } from '../../shared/engine/render';
import { estimateCost, runSuite, type CaseResult } from '../../shared/engine/runner';
import { canonicalManifest } from '../../shared/manifest';
import { nodeSha256 } from '../../shared/node/sha256';
import { parseRef } from '../../shared/ref';
import { parseAgentFiles } from '../../shared/validate-files';
import { requireAgent } from './store/lookup';
import { attestationOf, cachedAnswer, finishRun, recordResult, startRun, type Attestation, type RunSummary } from './store/runs';
import { getSuite } from './store/suites';
import { filesAt } from './store/versions';
import type { Workspace } from './workspace';
import type { TestOptions } from './test-files';

export interface TestOutcome {
  run: RunSummary;
  results: CaseResult[];
  attestation: Attestation | null;
}

/**
 * Runs a suite of the workspace against a version (or the draft) and stores the run: each
 * result as it arrives, the end with its attestation and an audit row.
 */
export async function testVersion(ws: Workspace, refText: string, suiteName: string, options: TestOptions): Promise<TestOutcome> {
  const ref = parseRef(refText);
  const agentRow = requireAgent(ws, ref.agent);
  const { files, label } = filesAt(ws, ref);
  const agent = parseAgentFiles(files);
  const versionHash = canonicalManifest(files, nodeSha256).hash;
  const versionId = ref.selector.kind === 'draft' ? null : ((ws.db.prepare('SELECT id FROM versions WHERE agent_id = ? AND hash = ? ORDER BY id DESC LIMIT 1').get(agentRow.id, versionHash) as { id: number } | undefined)?.id ?? null);
  const suite = getSuite(ws, ref.agent, suiteName);
  const runId = startRun(ws, {
    agentId: agentRow.id,
    versionId,
    versionLabel: label,
    versionHash,
    suiteRevisionId: suite.id,
    settings: { ...options.settings, minPassRate: options.minPassRate, cache: options.cache },
  });
  options.onStart?.({ total: suite.suite.cases.length * options.settings.repeat, estimateUsd: estimateCost(agent, suite.suite, options.settings, options.prices, (testCase) => renderConversation(agent, testCase.messages ? { messages: testCase.messages } : { vars: testCase.vars ?? {} })) });
  const outcome = await runSuite({
    agent,
    versionHash,
    suite: suite.suite,
    settings: options.settings,
    platform: options.platform,
    prices: options.prices,
    ...(options.signal ? { signal: options.signal } : {}),
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
    passed: outcome.results.filter((result) => result.status === 'passed').length,
    minPassRate: options.minPassRate,
    costUsd: outcome.costUsd,
    costKnown: outcome.costKnown,
  });
  return { run, results: outcome.results, attestation: attestationOf(run) };
}
