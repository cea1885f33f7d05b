import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../shared/node/sqlite';
import { tempDir } from '../test-support/workspace';
import { openAppWorkspace } from './app-workspace';
import { migrationsDir } from './paths';
import { connect } from './connect';
import { openWorkspace } from './workspace';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function folder() {
  const made = tempDir();
  cleanups.push(made.cleanup);
  return made.dir;
}

describe('workspace', () => {
  it('is a folder with slipway.db in WAL mode, synchronous NORMAL, foreign keys and a busy timeout', () => {
    const dir = folder();
    const ws = openWorkspace(dir);
    cleanups.unshift(() => ws.close());
    expect(ws.created).toBe(true);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['slipway.db', 'backups']));
    expect(ws.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(ws.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(ws.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(ws.db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('backs the database up to backups/ before a new migration runs on an existing workspace', async () => {
    const dir = folder();
    const migrations = join(folder(), 'migrations');
    cpSync(migrationsDir(), migrations, { recursive: true });
    const first = openWorkspace(dir, { migrationsDir: migrations });
    await connect(first).client.agents.create({ name: 'triage' });
    first.close();
    expect(readdirSync(join(dir, 'backups'))).toEqual([]);
    writeFileSync(join(migrations, '0900-notes.sql'), 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);');
    const second = openWorkspace(dir, { migrationsDir: migrations, clock: () => new Date('2026-05-01T10:00:00.000Z') });
    cleanups.unshift(() => second.close());
    expect(second.created).toBe(false);
    const backups = readdirSync(join(dir, 'backups'));
    expect(backups).toEqual(['slipway-2026-05-01T10-00-00-000Z-before-0900-notes.db']);
    const backup = openDatabase(join(dir, 'backups', backups[0]!), { readonly: true });
    cleanups.unshift(() => backup.close());
    expect(backup.prepare('SELECT name FROM agents').all()).toEqual([{ name: 'triage' }]);
    expect(backup.prepare("SELECT name FROM sqlite_master WHERE name = 'notes'").get()).toBeUndefined();
    expect(second.db.prepare("SELECT name FROM sqlite_master WHERE name = 'notes'").get()).toEqual({ name: 'notes' });
  });

  it('refuses to open when an applied migration was edited, with a clear error', () => {
    const dir = folder();
    const migrations = join(folder(), 'migrations');
    cpSync(migrationsDir(), migrations, { recursive: true });
    openWorkspace(dir, { migrationsDir: migrations }).close();
    writeFileSync(join(migrations, '0010-init.sql'), '-- edited\n', { flag: 'a' });
    expect(() => openWorkspace(dir, { migrationsDir: migrations })).toThrowError(
      /migration 0010-init was edited after it was applied/,
    );
  });

  it('takes the author from settings, else the identity it was given', async () => {
    const dir = folder();
    const ws = openWorkspace(dir, { identity: () => ({ author: 'Git User <git@example.com>', source: 'git' }) });
    cleanups.unshift(() => ws.close());
    const { client } = connect(ws);
    expect(await client.settings.get({})).toEqual({ author: 'Git User <git@example.com>', authorSource: 'git' });
    await client.settings.setAuthor({ author: 'Maya Chen <maya@example.com>' });
    await client.agents.create({ name: 'triage' });
    expect((await client.audit.list({ limit: 1 }))[0]?.actor).toBe('Maya Chen <maya@example.com>');
  });
});

describe('the app workspace', () => {
  it('arrives with the sample agents on first start only', async () => {
    const dir = folder();
    const first = openAppWorkspace(dir);
    const { client } = connect(first);
    expect((await client.agents.list({})).map((agent) => agent.name)).toEqual(['refund-approval', 'ticket-triage']);
    await client.agents.archive({ name: 'ticket-triage', reason: 'not needed' });
    first.close();
    const again = openAppWorkspace(dir);
    cleanups.unshift(() => again.close());
    expect((await connect(again).client.agents.list({})).map((agent) => agent.name)).toEqual(['refund-approval']);
  });
});
