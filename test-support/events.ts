import type { AppEvent } from '../shared/contract/contract';

/**
 * The events services push, kept, and waited on: a test acts when the event that matters has
 * arrived (the first results of a run, its end), never after a guessed sleep.
 */
export function recordEvents() {
  const events: AppEvent[] = [];
  const waiters = new Set<(event: AppEvent) => boolean>();
  return {
    events,
    emit: (event: AppEvent) => {
      events.push(event);
      for (const waiter of [...waiters]) if (waiter(event)) waiters.delete(waiter);
    },
    /** What `pick` finds in the first event (already pushed, or the next) it finds something in. */
    until: <T>(pick: (event: AppEvent) => T | null | undefined): Promise<T> => {
      for (const event of events) {
        const found = pick(event);
        if (found !== null && found !== undefined) return Promise.resolve(found);
      }
      return new Promise<T>((resolve) =>
        waiters.add((event) => {
          const found = pick(event);
          if (found === null || found === undefined) return false;
          resolve(found);
          return true;
        }),
      );
    },
  };
}
