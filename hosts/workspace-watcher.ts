import { join } from 'node:path';
import { openDatabase } from '../shared/node/sqlite';
import { DATABASE_FILE } from '../workspace/workspace';

export interface WatchOptions {
  intervalMs?: number;
  nativeBinding?: string | undefined;
}

/**
 * Calls onChange within intervalMs of any commit to the workspace, by this process or another
 * (the CLI, a second window). It reads SQLite's data_version on a connection of its own, which
 * changes whenever any other connection commits.
 */
export function watchWorkspace(dir: string, onChange: (dataVersion: number) => void, options: WatchOptions = {}): () => void {
  const db = openDatabase(join(dir, DATABASE_FILE), {
    readonly: true,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  const read = db.prepare('PRAGMA data_version').pluck();
  let last = read.get() as number;
  const timer = setInterval(() => {
    const now = read.get() as number;
    if (now !== last) {
      last = now;
      onChange(now);
    }
  }, options.intervalMs ?? 500);
  timer.unref();
  return () => {
    clearInterval(timer);
    db.close();
  };
}
