/** Long work of this process (runs, comparisons) by id: cancel one, or all when the app closes. */
export interface BackgroundJobs {
  track(id: number, controller: AbortController, done: Promise<unknown>): void;
  /** Aborts the job and waits for it to store its end; false when this process has no such job. */
  cancel(id: number): Promise<boolean>;
  close(): Promise<void>;
}

export function backgroundJobs(): BackgroundJobs {
  const active = new Map<number, { controller: AbortController; done: Promise<unknown> }>();
  return {
    track: (id, controller, done) => {
      active.set(id, { controller, done: done.finally(() => active.delete(id)) });
    },
    cancel: async (id) => {
      const job = active.get(id);
      if (!job) return false;
      job.controller.abort();
      await job.done;
      return true;
    },
    close: async () => {
      const jobs = [...active.values()];
      for (const job of jobs) job.controller.abort();
      await Promise.all(jobs.map((job) => job.done));
    },
  };
}
