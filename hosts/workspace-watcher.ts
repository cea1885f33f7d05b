import { z } from 'zod';
import { join } from 'node:path';
import { openDatabase } from '../shared/node/sqlite';
import { DATABASE_FILE } from '../workspace/workspace';

/** SQLite's count of commits by any connection: it moves when someone else writes. */
const DataVersion = z.int();

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
  const pragma = db.prepare('PRAGMA data_version').pluck();
  const read = () => DataVersion.parse(pragma.get());
  let last = read();
  const timer = setInterval(() => {
    const now = read();
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
