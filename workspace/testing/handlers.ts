import type { AppEvent, Handlers } from '../../shared/contract/contract';
import type { RunSummary, SuiteDetail, SuiteSummary } from '../../shared/contract/testing';
import { toJsonReport, toJUnit, type ReportRun } from '../../shared/run-report';
import type { PriceTable } from '../../shared/engine/prices';
import { nodePlatform } from '../../shared/node/platform';
import { importSuite, suiteNameFromFile } from '../../shared/suite-import';
import { caseShown } from '../../shared/engine/render';
import { parseSuiteYaml } from '../../shared/suite-file';
import type { Suite } from '../../shared/suite';
import {
  compareRuns,
  getRunSummary,
  listRuns,
  previousRun,
  resultRows,
  runResult,
  runResults,
  runSuiteContent,
  runTrend,
} from './runs';
import { getSuite, listSuites, saveSuite, suiteHistory, suiteToYaml, type SuiteRevision } from './suites';
import { createFilesTestHandlers } from './test-files';
import { createRunManager, type RunManager } from './run-manager';
import type { SecretVault } from '../keys/secret-vault';
import { tryRef } from './try-run';
import type { Workspace } from '../workspace';

export interface TestingDeps {
  vault: SecretVault;
  prices: () => PriceTable;
  emit: (event: AppEvent) => void;
}

type TestingHandlers = Pick<Handlers, 'suites' | 'runs' | 'try'>;

function summaryOf(revision: SuiteRevision): SuiteSummary {
  return {
    agent: revision.agent,
    name: revision.name,
    revision: revision.revision,
    hash: revision.hash,
    cases: revision.suite.cases.length,
    author: revision.author,
    message: revision.message,
    createdAt: revision.createdAt,
  };
}

function detailOf(revision: SuiteRevision): SuiteDetail {
  return {
    ...summaryOf(revision),
    content: revision.content,
    caseList: revision.suite.cases.map((testCase) => ({
      id: testCase.id,
      description: testCase.description ?? '',
      vars: testCase.vars ?? {},
      // What judges the case: its own and its turns' (a simulated user's checks only end the conversation).
      assertions: testCase.assert.length + (testCase.turns ?? []).reduce((sum, turn) => sum + turn.assert.length, 0),
    })),
  };
}

/** A stored run as its reports name it. */
function reportOf(run: RunSummary): ReportRun {
  return {
    id: run.id,
    agent: run.agent,
    version: run.version,
    versionHash: run.versionHash,
    suite: run.suite,
    suiteRevisionHash: run.suiteRevisionHash,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    passed: run.passed ?? 0,
    total: run.total ?? 0,
    passRate: run.passRate ?? 0,
    gatePassed: run.gatePassed ?? false,
    costUsd: run.costUsd ?? 0,
  };
}

/** Parsed suite revisions by id: a drawer opened on a run of a 10,000-case suite parses it once. */
function suiteCache(limit: number) {
  const parsed = new Map<number, Suite>();
  return (revisionId: number, name: string, content: string): Suite => {
    const hit = parsed.get(revisionId);
    if (hit) return hit;
    const suite = parseSuiteYaml(content, `${name}.yaml`);
    if (parsed.size >= limit) parsed.delete(parsed.keys().next().value as number);
    parsed.set(revisionId, suite);
    return suite;
  };
}

/** Suites, runs and the Try panel over one workspace: the app's side of testing. */
export function createTestingHandlers(ws: Workspace, deps: TestingDeps): TestingHandlers & { runManager: RunManager } {
  const platform = () => nodePlatform(deps.vault);
  const runManager = createRunManager(ws, { platform, prices: deps.prices, emit: deps.emit });
  const suiteOf = suiteCache(4);

  return {
    runManager,
    suites: {
      list: ({ agent }) => listSuites(ws, agent).map(summaryOf),
      get: ({ agent, name, revision }) => detailOf(getSuite(ws, agent, name, revision)),
      history: ({ agent, name }) =>
        suiteHistory(ws, agent, name).map(({ revision, hash, author, message, createdAt }) => ({
          revision,
          hash,
          author,
          message,
          createdAt,
        })),
      save: ({ agent, yaml, message }) => detailOf(saveSuite(ws, agent, yaml, message)),
      previewImport: ({ fileName, content, name, files }) => {
        const imported = importSuite(fileName, content, name ?? suiteNameFromFile(fileName), files);
        // A name given here wins over one the file carries (a Slipway suite names itself).
        const suite = name ? { ...imported.suite, name } : imported.suite;
        return { name: suite.name, yaml: suiteToYaml(suite), report: imported.report };
      },
    },
    runs: {
      estimate: ({ agent, ref, suite, repeat }) => runManager.estimate(agent, ref, suite, repeat),
      start: (input) => runManager.start(input),
      cancel: ({ runId }) => runManager.cancel(runId),
      list: ({ agent, suite }) => listRuns(ws, agent, suite),
      get: ({ runId }) => getRunSummary(ws, runId),
      results: ({ runId }) => resultRows(ws, runId),
      result: ({ runId, caseId, repeat }) => {
        const result = runResult(ws, runId, caseId, repeat);
        const { revisionId, name, content } = runSuiteContent(ws, runId);
        const testCase = suiteOf(revisionId, name, content).cases.find((candidate) => candidate.id === caseId);
        return { ...result, input: testCase ? caseShown(testCase) : null };
      },
      compare: ({ earlier, later }) => compareRuns(ws, earlier, later),
      previous: ({ runId }) => previousRun(ws, runId),
      trend: ({ agent, suite }) => runTrend(ws, agent, suite),
      report: async ({ runId, format }) => {
        const run = getRunSummary(ws, runId);
        const results = runResults(ws, runId);
        const report = reportOf(run);
        const base = `${run.agent}-run-${run.id}`;
        return format === 'junit'
          ? { fileName: `${base}.xml`, content: await toJUnit(report, results) }
          : { fileName: `${base}.json`, content: toJsonReport(report, results, run.attestation) };
      },
      ...createFilesTestHandlers({ platform, prices: deps.prices, emit: deps.emit }),
    },
    try: {
      run: (input) => tryRef(ws, input, { platform: platform(), prices: deps.prices() }),
    },
  };
}
