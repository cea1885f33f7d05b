import type { AppEvent } from '../../shared/contract/contract';
import { MAX_FAILURES_PER_EVENT, type ProgressFailure, type RunProgressEvent } from '../../shared/contract/testing';
import type { RunProgress } from '../../shared/engine/runner';
import { firstProblem } from '../../shared/run-report';

/** The least time between two progress events of one run: enough for a smooth bar, few enough to be cheap. */
const PROGRESS_EVERY_MS = 100;

type Counts = Pick<RunProgress, 'done' | 'total' | 'passed' | 'failed' | 'errored' | 'unchecked' | 'costUsd'>;

/** The counts of a run with no result yet. */
export const NO_RESULTS = { passed: 0, failed: 0, errored: 0, unchecked: 0 } as const;

/**
 * The run.progress events of one run: at most one every 100 ms while it goes, one at its end,
 * each carrying the results that did not pass since the previous one (so a client printing
 * failures as they happen misses none).
 */
export function progressEvents(
  emit: (event: AppEvent) => void,
  run: { agent: string; suite: string; version: string },
  clock: () => number = Date.now,
) {
  const started = clock();
  let lastSent = 0;
  let runId: number | null = null;
  let estimateUsd: number | null = null;
  let pending: ProgressFailure[] = [];
  let more = 0;
  const send = (status: RunProgressEvent['status'], counts: Counts) => {
    lastSent = clock();
    const failures = pending;
    const moreFailures = more;
    pending = [];
    more = 0;
    emit({
      type: 'run.progress',
      payload: { runId, ...run, status, ...counts, estimateUsd, elapsedMs: lastSent - started, failures, moreFailures },
    });
  };
  return {
    setRunId: (id: number) => (runId = id),
    setEstimate: (usd: number | null) => (estimateUsd = usd),
    /** A result arrived: noted if it did not pass, and an event sent if the last is old enough. */
    onResult: (progress: RunProgress) => {
      const { last } = progress;
      if (last.status !== 'passed') {
        if (pending.length < MAX_FAILURES_PER_EVENT)
          pending.push({ caseId: last.caseId, repeat: last.repeat, status: last.status, problem: firstProblem(last) });
        else more += 1;
      }
      if (clock() - lastSent >= PROGRESS_EVERY_MS) send('running', progress);
    },
    send,
  };
}
