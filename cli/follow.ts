import type { AppEvent } from '../shared/contract/contract';

/**
 * Follows one background job (a run, a comparison) by its progress events: `start` starts it and
 * answers with its id; every event of the job reaches `onProgress` (those that arrived before the
 * id was known too), and the promise ends with the job's last event (its status past 'running').
 * Ctrl-C while it goes cancels the job (`cancel`, given what `start` answered if it has), and the
 * job's finished results are kept.
 */
export async function follow<E extends { status: string }, S>(job: {
  subscribe: (listener: (event: AppEvent) => void) => Promise<() => void>;
  /** The job's events among all the services push, with the job's id. */
  pick: (event: AppEvent) => { id: number | null; payload: E } | null;
  start: () => Promise<S>;
  /** The id its events carry: known before it starts (null for a run of files), or read from what start answers. */
  idOf: ((started: S) => number | null) | { known: number | null };
  onProgress: (event: E) => void;
  cancel: (started: S | null) => Promise<unknown>;
}): Promise<{ started: S; last: E }> {
  const early: Array<{ id: number | null; payload: E }> = [];
  let id: number | null | undefined = 'known' in job.idOf ? job.idOf.known : undefined;
  let finish: (event: E) => void = () => undefined;
  const ended = new Promise<E>((resolve) => (finish = resolve));
  const take = (event: { id: number | null; payload: E }) => {
    if (event.id !== id) return;
    job.onProgress(event.payload);
    if (event.payload.status !== 'running') finish(event.payload);
  };
  const unsubscribe = await job.subscribe((event) => {
    const picked = job.pick(event);
    if (!picked) return;
    if (id === undefined) early.push(picked);
    else take(picked);
  });
  let known: S | null = null;
  const interrupt = () => void job.cancel(known);
  process.once('SIGINT', interrupt);
  try {
    const started = await job.start();
    known = started;
    if (typeof job.idOf === 'function') id = job.idOf(started);
    for (const event of early.splice(0)) take(event);
    // A job that answers only once it has ended (a run of files) has sent its last event by now.
    return { started, last: await ended };
  } finally {
    process.removeListener('SIGINT', interrupt);
    unsubscribe();
  }
}
