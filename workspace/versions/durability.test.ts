import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalManifest } from '../../shared/manifest';
import { integrityCheck } from '../../shared/node/sqlite';
import { tempDir } from '../../test-support/workspace';
import { connect } from '../connect';
import { openWorkspace } from '../workspace';
import { versionFiles } from '../lookup';

const loop = join(import.meta.dirname, '..', '..', 'test-support', 'snapshot-loop.ts');
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function startLoop(
  dir: string,
  agent: string,
  count: number,
): { child: ChildProcess; committed: () => number; done: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', loop, dir, agent, String(count)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let committed = 0;
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const matches = chunk.toString().match(/committed (\d+)/g) ?? [];
    for (const match of matches) committed = Number(match.split(' ')[1]);
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) console.error(stderr);
      resolve(code);
    }),
  );
  cleanups.push(() => child.kill('SIGKILL'));
  return { child, committed: () => committed, done };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for the child process');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function reopenAndCheck(dir: string) {
  const ws = openWorkspace(dir);
  cleanups.unshift(() => ws.close());
  const versions = ws.db.prepare('SELECT id, hash, manifest FROM versions').all() as Array<{
    id: number;
    hash: string;
    manifest: string;
  }>;
  const halfWritten = versions.filter((version) => canonicalManifest(versionFiles(ws, version.id)).hash !== version.hash);
  const snapshots = (ws.db.prepare("SELECT count(*) AS n FROM audit WHERE action = 'version.snapshot'").get() as { n: number }).n;
  return { ws, versions: versions.length, halfWritten, snapshots, integrity: integrityCheck(ws.db), client: connect(ws).client };
}

describe('durability', () => {
  it('loses nothing committed and leaves nothing half-written when a writer is killed mid-loop', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const writer = startLoop(dir, 'triage', 100_000);
    await until(() => writer.committed() >= 40, 60_000);
    writer.child.kill('SIGKILL');
    await writer.done;
    const reported = writer.committed();
    const state = reopenAndCheck(dir);
    expect(state.integrity).toEqual(['ok']);
    expect(await state.client.audit.verify({})).toMatchObject({ ok: true });
    expect(state.halfWritten).toEqual([]);
    expect(state.versions).toBeGreaterThanOrEqual(reported);
    expect(state.snapshots).toBe(state.versions);
  });

  it('lets two processes snapshot into one workspace at once without forking the audit chain', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    openWorkspace(dir).close();
    const writers = [startLoop(dir, 'alpha', 60), startLoop(dir, 'beta', 60)];
    expect(await Promise.all(writers.map((writer) => writer.done))).toEqual([0, 0]);
    const state = reopenAndCheck(dir);
    expect(state.versions).toBe(120);
    expect(await state.client.audit.verify({})).toEqual({ ok: true, rows: 122, firstBadId: null, problem: null });
    const agents = await state.client.agents.list({});
    expect(agents.map((agent) => [agent.name, agent.latest?.semver])).toEqual([
      ['alpha', '1.59.0'],
      ['beta', '1.59.0'],
    ]);
  });
});
