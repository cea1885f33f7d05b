import { z } from 'zod';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../hash';
import { SlipwayError } from '../errors';
import { writeTransaction, type Database } from './sqlite';

export interface Migration {
  id: number;
  name: string;
  sql: string;
  sha256: string;
}

const FILE_PATTERN = /^(\d{4})-([a-z0-9-]+)\.sql$/;

/** Reads `NNNN-name.sql` files from a folder, in order. */
export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((file) => FILE_PATTERN.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      const id = Number(FILE_PATTERN.exec(file)?.[1]);
      return { id, name: file.replace(/\.sql$/, ''), sql, sha256: sha256Hex(sql) };
    });
}

const AppliedRow = z.object({ id: z.int(), name: z.string(), sha256: z.string() });
type AppliedRow = z.infer<typeof AppliedRow>;

function applied(db: Database): AppliedRow[] {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  return z.array(AppliedRow).parse(db.prepare('SELECT id, name, sha256 FROM schema_migrations ORDER BY id').all());
}

function pending(db: Database, migrations: Migration[]): Migration[] {
  const done = new Map(applied(db).map((row) => [row.id, row]));
  for (const row of done.values()) {
    const known = migrations.find((migration) => migration.id === row.id);
    if (!known) {
      throw new SlipwayError(
        'workspace',
        `this workspace has migration ${row.name}, which this Slipway does not know: it was made by a newer Slipway`,
      );
    }
    if (known.sha256 !== row.sha256) {
      throw new SlipwayError(
        'workspace',
        `migration ${row.name} was edited after it was applied (applied sha256 ${row.sha256.slice(0, 12)}…, file ${known.sha256.slice(0, 12)}…); restore the file and add a new migration instead`,
      );
    }
  }
  return migrations.filter((migration) => !done.has(migration.id));
}

export interface MigrateOptions {
  now: () => string;
  /** Called once, before anything runs, when pending migrations meet an already-migrated database. */
  backup: (firstPending: Migration) => void;
}

/** Applies pending migrations in one immediate transaction; returns the names applied. */
export function migrate(db: Database, migrations: Migration[], options: MigrateOptions): string[] {
  const before = pending(db, migrations);
  if (before.length === 0) return [];
  const first = before[0];
  if (first && applied(db).length > 0) options.backup(first);
  return writeTransaction(db, () => {
    // Another process may have migrated while we were backing up; decide again under the lock.
    const todo = pending(db, migrations);
    const record = db.prepare('INSERT INTO schema_migrations (id, name, sha256, applied_at) VALUES (?, ?, ?, ?)');
    for (const migration of todo) {
      db.exec(migration.sql);
      record.run(migration.id, migration.name, migration.sha256, options.now());
    }
    return todo.map((migration) => migration.name);
  });
}

/**
 * A copy of the database before a migration touches it, as `<prefix>-<time>-before-<migration>.db`
 * in `folder` (VACUUM INTO: consistent, compact, while the database is open). Returns its path.
 */
export function backupBeforeMigration(db: Database, folder: string, prefix: string, migrationName: string, at: Date): string {
  mkdirSync(folder, { recursive: true });
  const target = join(folder, `${prefix}-${at.toISOString().replace(/[:.]/g, '-')}-before-${migrationName}.db`);
  db.prepare('VACUUM INTO ?').run(target);
  return target;
}
