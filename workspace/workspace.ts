import { z } from 'zod';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SlipwayError } from '../shared/errors';
import { backupBeforeMigration, migrate, readMigrations } from '../shared/node/migrate';
import { openDatabase, type Database } from '../shared/node/sqlite';
import { defaultIdentity, type Identity } from './identity';
import { DATABASE_FILE, migrationsDir } from './paths';
import { sql, typed } from './statements';

export { DATABASE_FILE };
export const BACKUPS_DIR = 'backups';
const AuthorRow = z.object({ value: z.string() });

export interface WorkspaceOptions {
  nativeBinding?: string;
  /** Where the numbered migrations are read from (default: workspace/migrations). */
  migrationsDir?: string;
  clock?: () => Date;
  /** Identity used when the workspace settings name no author. */
  identity?: () => Identity;
  /**
   * An empty workspace in memory that names `dir` but never touches it: what a query sees when
   * the folder holds no workspace yet (nothing is created to answer it).
   */
  inMemory?: boolean;
}

export interface Workspace {
  dir: string;
  db: Database;
  /** True when this open created the database. */
  created: boolean;
  now(): string;
  identity(): Identity;
  setAuthor(author: string): void;
  close(): void;
}

export function openWorkspace(dir: string, options: WorkspaceOptions = {}): Workspace {
  const clock = options.clock ?? (() => new Date());
  if (!options.inMemory) {
    try {
      mkdirSync(join(dir, BACKUPS_DIR), { recursive: true });
    } catch (error) {
      throw new SlipwayError('workspace', `cannot create workspace folder ${dir}: ${(error as Error).message}`);
    }
  }
  const file = options.inMemory ? ':memory:' : join(dir, DATABASE_FILE);
  const created = !options.inMemory && !existsSync(file);
  let db: Database;
  try {
    db = openDatabase(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    migrate(db, readMigrations(options.migrationsDir ?? migrationsDir()), {
      now: () => clock().toISOString(),
      backup: (first) => backupBeforeMigration(db, join(dir, BACKUPS_DIR), 'slipway', first.name, clock()),
    });
  } catch (error) {
    if (error instanceof SlipwayError) throw error;
    throw new SlipwayError('workspace', `cannot open workspace ${dir}: ${(error as Error).message}`);
  }
  let fallback: Identity | null = null;
  const identity = (): Identity => {
    const row = typed(db, AuthorRow, "SELECT value FROM settings WHERE key = 'author'").get();
    if (row) return { author: row.value, source: 'settings' };
    fallback ??= (options.identity ?? defaultIdentity)();
    return fallback;
  };
  return {
    dir,
    db,
    created,
    now: () => clock().toISOString(),
    identity,
    setAuthor: (author) => {
      sql(db, "INSERT INTO settings (key, value) VALUES ('author', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(
        author,
      );
    },
    close: () => db.close(),
  };
}
