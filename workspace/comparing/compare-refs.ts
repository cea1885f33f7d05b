import type { PriceTable } from '../../shared/engine/prices';
import type { RunAllow } from '../../shared/contract/bundles';
import { requireTrustedRun } from '../bundles/trust';
import { runSuite } from '../../shared/engine/runner';
import type { Platform } from '../../shared/engine/types';
import { SlipwayError } from '../../shared/errors';
import { Suite } from '../../shared/suite';
import { requireKeys } from '../testing/run-manager';
import type { ComparisonSummary } from '../../shared/contract/comparing';
import { finishComparison, recordComparisonResult, startComparison } from './comparisons';
import { getDataset } from './datasets';
import { getSuite } from '../testing/suites';
import { resolveAgentRef } from '../versions/agent-ref';
import type { Workspace } from '../workspace';

export const MAX_REFS = 5;

export interface CompareInput {
  agent: string;
  /** The baseline first; 2 to 5 refs (versions, labels, latest, draft). */
  refs: string[];
  dataset: string;
  suite?: string | undefined;
  repeat: number;
  concurrency: number;
  /** Fixes the bootstrap, so the report can be reproduced; random when absent. */
  seed?: number | undefined;
  allow: RunAllow;
}

export interface CompareProgress {
  done: number;
  total: number;
  costUsd: number;
}

export interface CompareOptions {
  platform: Platform;
  prices: PriceTable;
  signal?: AbortSignal;
  /** Told the comparison's id as soon as its row exists (before the first call). */
  onComparison?: (id: number, total: number) => void;
  onProgress?: (progress: CompareProgress) => void;
}

/**
 * Runs every ref on every item of a dataset (with the suite's assertions for items whose id is a
 * case of it, and its defaults for all), `repeat` times, one ref after another, storing each
 * result; then stores each case's verdict and the statistics. Cancelled: what finished is kept
 * and compared.
 */
export async function compareRefs(ws: Workspace, input: CompareInput, options: CompareOptions): Promise<ComparisonSummary> {
  if (input.refs.length < 2 || input.refs.length > MAX_REFS)
    throw new SlipwayError(
      'invalid_input',
      `compare 2 to ${MAX_REFS} refs (the first is the baseline); got ${input.refs.length}`,
    );
  const suite = input.suite ? getSuite(ws, input.agent, input.suite) : null;
  const targets = input.refs.map((ref) => {
    const target = resolveAgentRef(ws, ref, input.agent);
    requireKeys(target.agent, options.platform.secrets);
    requireTrustedRun(
      ws,
      {
        ...target,
        ...(suite ? { suite: { id: suite.id, suite: suite.suite, label: `suite ${suite.name}#${suite.revision}` } } : {}),
      },
      input.allow,
    );
    return { ref, target };
  });
  const dataset = getDataset(ws, input.agent, input.dataset);
  const graded = suite?.suite;
  const cases = dataset.dataset.items.map((item) => {
    const testCase = graded?.cases.find((candidate) => candidate.id === item.id);
    // A suite case's conversation (its turns carry their checks; its simulated user today's goal
    // check) is the one run; an item's own is run only where the suite has none for it.
    const { messages, turns, simulate, ...rest } = item;
    const conversation = testCase?.turns
      ? { turns: testCase.turns }
      : testCase?.simulate
        ? { simulate: testCase.simulate }
        : turns
          ? { turns }
          : simulate
            ? { simulate }
            : messages
              ? { messages }
              : {};
    return {
      ...rest,
      ...conversation,
      assert: testCase?.assert ?? [],
      ...(testCase?.threshold !== undefined ? { threshold: testCase.threshold } : {}),
    };
  });
  const simulated = cases.filter((item) => item.simulate).map((item) => item.id);
  if (simulated.length > 0 && !graded?.simulator)
    throw new SlipwayError(
      'invalid_input',
      `${simulated.slice(0, 3).join(', ')}${simulated.length > 3 ? ` and ${simulated.length - 3} more` : ''} talk with a simulated user: compare with a suite whose simulator plays it (--suite)`,
    );
  const runnable = Suite.parse({
    name: dataset.name,
    cases,
    ...(graded
      ? {
          defaults: graded.defaults,
          tools_mode: graded.tools_mode,
          ...(graded.judge ? { judge: graded.judge } : {}),
          ...(graded.simulator ? { simulator: graded.simulator } : {}),
          ...(graded.embedding ? { embedding: graded.embedding } : {}),
        }
      : {}),
  });
  const total = cases.length * input.repeat * targets.length;
  const id = startComparison(ws, {
    agentId: targets[0]?.target.agentId ?? 0,
    datasetRevisionId: dataset.id,
    suiteRevisionId: suite?.id ?? null,
    refs: targets.map(({ ref, target }) => ({ ref, version: target.label, hash: target.versionHash })),
    settings: { repeat: input.repeat, concurrency: input.concurrency },
    seed: input.seed ?? Math.floor(Math.random() * 2 ** 31),
  });
  options.onComparison?.(id, total);
  let done = 0;
  let costUsd = 0;
  // Every side runs at the same time, sharing the concurrency, so a provider slowing down or
  // speeding up meanwhile weighs on each version alike: latency differences are the versions'.
  const perSide = Math.max(1, Math.ceil(input.concurrency / targets.length));
  await Promise.all(
    targets.map(({ target }, side) =>
      runSuite({
        agent: target.agent,
        versionHash: target.versionHash,
        suite: runnable,
        settings: { concurrency: perSide, repeat: input.repeat },
        platform: options.platform,
        prices: options.prices,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (progress) => {
          recordComparisonResult(ws, id, side, progress.last);
          done += 1;
          costUsd += progress.last.costUsd ?? 0;
          options.onProgress?.({ done, total, costUsd });
        },
      }),
    ),
  );
  return finishComparison(
    ws,
    id,
    options.signal?.aborted ? 'cancelled' : 'finished',
    cases.map((item) => item.id),
  );
}
