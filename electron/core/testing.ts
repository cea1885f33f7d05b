import { runSuite, type CaseResult } from '../../shared/engine/runner';
import { canonicalManifest } from '../../shared/manifest';
import { nodeSha256 } from '../../shared/node/sha256';
import { parseRef } from '../../shared/ref';
import { parseAgentFiles } from '../../shared/validate-files';
import { draftFiles } from './store/drafts';
import { requireAgent, resolveVersion, versionFiles } from './store/lookup';
import { attestationOf, cachedAnswer, finishRun, recordResult, startRun, type Attestation, type RunSummary } from './store/runs';
import { getSuite } from './store/suites';
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
  const version = ref.selector.kind === 'draft' ? null : resolveVersion(ws, ref).version;
  const files = version ? versionFiles(ws, version.id) : draftFiles(ws, agentRow.id);
  const label = version ? `${agentRow.name}@${version.semver}` : `${agentRow.name}@draft`;
  const agent = parseAgentFiles(files);
  const versionHash = version?.hash ?? canonicalManifest(files, nodeSha256).hash;
  const versionId = version?.id ?? null;
  const suite = getSuite(ws, ref.agent, suiteName);
  const runId = startRun(ws, {
    agentId: agentRow.id,
    versionId,
    versionLabel: label,
    versionHash,
    suiteRevisionId: suite.id,
    settings: { ...options.settings, minPassRate: options.minPassRate, cache: options.cache },
  });
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
    passed: outcome.results.filter((result) => result.status === 'passed').length,
    minPassRate: options.minPassRate,
    costUsd: outcome.costUsd,
    costKnown: outcome.costKnown,
  });
  return { run, results: outcome.results, attestation: attestationOf(run) };
}
