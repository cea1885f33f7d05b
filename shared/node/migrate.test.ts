import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/workspace';
import { sha256Hex } from '../hash';
import { migrate, readMigrations, type Migration } from './migrate';
import { openDatabase, type Database } from './sqlite';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function setup(): { dir: string; db: Database; backups: string[] } {
  const { dir, cleanup } = tempDir();
  const db = openDatabase(join(dir, 'test.db'));
  cleanups.push(() => {
    db.close();
    cleanup();
  });
  return { dir, db, backups: [] };
}

function migration(id: number, name: string, sql: string): Migration {
  return { id, name: `${String(id).padStart(4, '0')}-${name}`, sql, sha256: sha256Hex(sql) };
}

const now = () => '2026-01-01T00:00:00.000Z';

describe('migration runner', () => {
  it('applies pending migrations in order and records each with its hash', () => {
    const { db } = setup();
    const list = [migration(10, 'a', 'CREATE TABLE a (x INTEGER);'), migration(20, 'b', 'ALTER TABLE a ADD COLUMN y TEXT;')];
    const backups: string[] = [];
    expect(migrate(db, list, { now, backup: (m) => backups.push(m.name) })).toEqual(['0010-a', '0020-b']);
    expect(db.prepare('SELECT id, name, sha256 FROM schema_migrations ORDER BY id').all()).toEqual(
      list.map(({ id, name, sha256 }) => ({ id, name, sha256 })),
    );
    expect(backups).toEqual([]);
    expect(migrate(db, list, { now, backup: (m) => backups.push(m.name) })).toEqual([]);
  });

  it('backs up an existing database before a new migration runs on it', () => {
    const { db } = setup();
    const first = [migration(10, 'a', 'CREATE TABLE a (x INTEGER);')];
    migrate(db, first, { now, backup: () => {} });
    const backups: string[] = [];
    migrate(db, [...first, migration(20, 'b', 'CREATE TABLE b (x INTEGER);')], { now, backup: (m) => backups.push(m.name) });
    expect(backups).toEqual(['0020-b']);
  });

  it('refuses an applied migration whose file was edited, and changes nothing', () => {
    const { db } = setup();
    migrate(db, [migration(10, 'a', 'CREATE TABLE a (x INTEGER);')], { now, backup: () => {} });
    const edited = [migration(10, 'a', 'CREATE TABLE a (x INTEGER, z TEXT);'), migration(20, 'b', 'CREATE TABLE b (x INTEGER);')];
    expect(() => migrate(db, edited, { now, backup: () => {} })).toThrowError(/migration 0010-a was edited after it was applied/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
  });

  it('refuses a database migrated by a newer Slipway', () => {
    const { db } = setup();
    migrate(db, [migration(10, 'a', 'SELECT 1;'), migration(20, 'b', 'SELECT 1;')], { now, backup: () => {} });
    expect(() => migrate(db, [migration(10, 'a', 'SELECT 1;')], { now, backup: () => {} })).toThrowError(
      /made by a newer Slipway/,
    );
  });

  it('rolls back every pending migration when one fails', () => {
    const { db } = setup();
    const list = [migration(10, 'a', 'CREATE TABLE a (x INTEGER);'), migration(20, 'b', 'THIS IS NOT SQL;')];
    expect(() => migrate(db, list, { now, backup: () => {} })).toThrowError();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'a'").get()).toBeUndefined();
  });

  it('reads numbered .sql files in order and ignores other files', () => {
    const { dir } = setup();
    writeFileSync(join(dir, '0020-second.sql'), 'SELECT 2;');
    writeFileSync(join(dir, '0010-first.sql'), 'SELECT 1;');
    writeFileSync(join(dir, 'notes.md'), '');
    expect(readMigrations(dir).map((m) => [m.id, m.name, m.sql])).toEqual([
      [10, '0010-first', 'SELECT 1;'],
      [20, '0020-second', 'SELECT 2;'],
    ]);
  });
});
