import type { AppEvent } from '../../shared/contract/contract';
import type { RunAllow } from '../../shared/contract/bundles';
import { requireTrustedRun } from '../bundles/trust';
import { backgroundJobs } from '../background';
import type { PriceTable } from '../../shared/engine/prices';
import { estimateCost } from '../../shared/engine/runner';
import type { Platform, SecretStore } from '../../shared/engine/types';
import { SlipwayError } from '../../shared/errors';
import type { ParsedAgent } from '../../shared/validate-files';
import type { RunSummary } from '../../shared/contract/testing';
import { getRunSummary } from './runs';
import { NO_RESULTS, progressEvents } from './progress';
import { countResults } from '../../shared/run-report';
import { resolveTestTarget, testVersion } from './test-version';
import type { Workspace } from '../workspace';

export interface StartRun {
  agent: string;
  ref: string;
  suite: string;
  settings: { concurrency: number; repeat: number; maxCostUsd?: number | undefined; minPassRate: number | null; cache: boolean };
  allow: RunAllow;
}

export interface RunManager {
  estimate(
    agent: string,
    ref: string,
    suite: string,
    repeat: number,
  ): { calls: number; estimateUsd: number | null; version: string };
  /** Starts a run in the background and answers with its row; progress arrives as `run.progress` events. */
  start(input: StartRun): Promise<RunSummary>;
  /** Stops a run's calls; what finished is kept, and the run is stored as cancelled. */
  cancel(runId: number): Promise<RunSummary>;
  /** Cancels every run this process has going (the app is closing). */
  close(): Promise<void>;
}

/** Refuses before any call when the agent names a key that has no value, saying where to set it. */
export function requireKeys(agent: ParsedAgent, secrets: SecretStore): void {
  const name = agent.config.api_key;
  if (name && !secrets.get(name)) {
    throw new SlipwayError(
      'invalid_input',
      `the key ${name} has no value: add it in Settings ▸ Keys (or set SLIPWAY_KEY_${name} in the environment that starts Slipway)`,
    );
  }
}

/**
 * Runs suites for the app: each in the background of the Node process, results stored one by
 * one as they arrive (so a crash keeps them), progress pushed to every window.
 */
export function createRunManager(
  ws: Workspace,
  deps: { platform: () => Platform; prices: () => PriceTable; emit: (event: AppEvent) => void },
): RunManager {
  const jobs = backgroundJobs();

  const start = async ({ agent, ref, suite, settings, allow }: StartRun): Promise<RunSummary> => {
    const target = resolveTestTarget(ws, ref, suite, agent);
    const platform = deps.platform();
    requireKeys(target.agent, platform.secrets);
    requireTrustedRun(
      ws,
      { ...target, suite: { id: target.suite.id, suite: target.suite.suite, label: `suite ${suite}#${target.suite.revision}` } },
      allow,
    );
    const controller = new AbortController();
    let runId = 0;
    const progress = progressEvents(deps.emit, { agent: target.agentName, suite, version: target.label });
    const total = target.suite.suite.cases.length * settings.repeat;
    const work = testVersion(ws, target, {
      settings: { concurrency: settings.concurrency, repeat: settings.repeat, maxCostUsd: settings.maxCostUsd },
      minPassRate: settings.minPassRate,
      cache: settings.cache,
      platform,
      prices: deps.prices(),
      signal: controller.signal,
      onRun: (id) => progress.setRunId((runId = id)),
      onStart: (plan) => progress.setEstimate(plan.estimateUsd),
      onProgress: progress.onResult,
    });
    // testVersion makes the run's row before its first await: without an id it refused, and
    // awaiting it hands that refusal to the caller.
    if (!runId) {
      await work;
      throw new SlipwayError('invalid_input', `the run of ${suite} on ${target.label} could not start`);
    }
    const done = work.then(
      (outcome) => {
        const { run } = outcome;
        progress.send(run.status, {
          done: outcome.results.length,
          total,
          ...countResults(outcome.results),
          costUsd: run.costUsd ?? 0,
        });
      },
      (error: unknown) => {
        console.error(`run ${runId} stopped:`, error);
        progress.send('interrupted', { done: 0, total, ...NO_RESULTS, costUsd: 0 });
      },
    );
    jobs.track(runId, controller, done);
    progress.send('running', { done: 0, total, ...NO_RESULTS, costUsd: 0 });
    return getRunSummary(ws, runId);
  };

  return {
    estimate: (agent, ref, suite, repeat) => {
      const target = resolveTestTarget(ws, ref, suite, agent);
      return {
        calls: target.suite.suite.cases.length * repeat,
        estimateUsd: estimateCost(target.agent, target.suite.suite, { repeat }, deps.prices()),
        version: target.label,
      };
    },
    start,
    cancel: async (runId) => {
      if (!(await jobs.cancel(runId))) {
        const summary = getRunSummary(ws, runId);
        throw new SlipwayError(
          'invalid_input',
          summary.status === 'running'
            ? `run ${runId} is not running in this window's process (another Slipway runs it)`
            : `run ${runId} already ended (${summary.status})`,
        );
      }
      return getRunSummary(ws, runId);
    },
    close: () => jobs.close(),
  };
}
