import type { AppEvent, Handlers } from '../../shared/contract/contract';
import type { TestedFiles } from '../../shared/contract/testing';
import type { PriceTable } from '../../shared/engine/prices';
import { runSuite, summarizeCases } from '../../shared/engine/runner';
import type { Platform } from '../../shared/engine/types';
import { canonicalManifest } from '../../shared/manifest';
import { nodeSha256 } from '../../shared/node/sha256';
import { countResults, gatePasses, toJsonReport, toJUnit } from '../../shared/run-report';
import { parseSuiteYaml } from '../../shared/suite-file';
import { parseAgentFiles } from '../../shared/validate-files';
import { NO_RESULTS, progressEvents } from './progress';

export interface FilesDeps {
  platform: () => Platform;
  prices: () => PriceTable;
  emit: (event: AppEvent) => void;
}

/**
 * `runs.testFiles` and `runs.cancelFiles`: a suite file against an agent's files with nothing
 * stored and no workspace opened (`slipway test --from DIR` in CI). The gate is the one a stored
 * run has; both reports come back for the caller to write.
 */
export function createFilesTestHandlers(deps: FilesDeps): Pick<Handlers['runs'], 'testFiles' | 'cancelFiles'> {
  const running = new Set<AbortController>();
  return {
    testFiles: async ({ name, files, suite: suiteFile, settings, reports }) => {
      const suite = parseSuiteYaml(suiteFile.content, suiteFile.fileName);
      const agent = parseAgentFiles(files);
      const versionHash = canonicalManifest(files, nodeSha256).hash;
      const progress = progressEvents(deps.emit, { agent: name, suite: suite.name, version: name });
      const controller = new AbortController();
      running.add(controller);
      const startedAt = new Date().toISOString();
      const runSettings = { concurrency: settings.concurrency, repeat: settings.repeat, maxCostUsd: settings.maxCostUsd };
      try {
        const outcome = await runSuite({
          agent,
          versionHash,
          suite,
          settings: runSettings,
          platform: deps.platform(),
          prices: deps.prices(),
          signal: controller.signal,
          onStart: (plan) => {
            progress.setEstimate(plan.estimateUsd);
            progress.send('running', { done: 0, total: plan.total, ...NO_RESULTS, costUsd: 0 });
          },
          onProgress: progress.onResult,
        });
        const { results } = outcome;
        const counts = countResults(results);
        const { passed, unchecked, unevaluated } = counts;
        const total = suite.cases.length * settings.repeat;
        const gatePassed = gatePasses({ status: outcome.status, total, minPassRate: settings.minPassRate, ...counts });
        progress.send(outcome.status, { done: results.length, total, ...counts, costUsd: outcome.costUsd });
        const run: TestedFiles['run'] = {
          agent: name,
          version: name,
          versionHash,
          suite: suite.name,
          status: outcome.status,
          passed,
          total,
          passRate: total ? passed / total : 0,
          gatePassed,
          unchecked,
          unevaluated,
          costUsd: outcome.costUsd,
        };
        const report = { ...run, id: null, suiteRevisionHash: '', startedAt, finishedAt: new Date().toISOString() };
        return {
          run,
          flaky: summarizeCases(results)
            .filter((summary) => summary.flaky)
            .map((summary) => summary.caseId),
          junit: reports.junit ? await toJUnit(report, results) : null,
          json: reports.json ? toJsonReport(report, results, null) : null,
        };
      } finally {
        running.delete(controller);
      }
    },
    cancelFiles: () => {
      const cancelled = running.size;
      for (const controller of running) controller.abort();
      return { cancelled };
    },
  };
}
