import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/workspace';
import { migrationsDir } from '../paths';
import { connect } from '../connect';
import { latestPlan, planRevisions, savePlan } from '../release/plans';
import { writeSetting } from '../settings/values';
import { openWorkspace, type Workspace } from '../workspace';
import { writeTransaction } from '../../shared/node/sqlite';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

const plan = {
  gate: { suites: ['basics'], attestations: [] },
  steps: [
    { weight: 5, holdMs: 600_000 },
    { weight: 100, holdMs: 0 },
  ],
  autoAdvance: false,
  assertions: [],
};

function open(dir: string, migrations: string): Workspace {
  const ws = openWorkspace(dir, { migrationsDir: migrations });
  cleanups.unshift(() => ws.close());
  return ws;
}

describe('migration 0080-release-plans', () => {
  it('turns a plan saved before revisions into revision 1 and leaves no copy in settings; each save after is the next revision, the same plan none', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const before = join(dir, 'migrations-before');
    mkdirSync(before);
    for (const file of readdirSync(migrationsDir()).filter((name) => name.endsWith('.sql') && name < '0080'))
      copyFileSync(join(migrationsDir(), file), join(before, file));
    const old = open(join(dir, 'ws'), before);
    await connect(old).client.agents.create({ name: 'triage' });
    writeTransaction(old.db, () => writeSetting(old, 'plan:triage', plan));
    old.close();
    cleanups.shift();

    const ws = open(join(dir, 'ws'), migrationsDir());
    expect(latestPlan(ws, 'triage')).toMatchObject({ revision: 1, plan, author: '(saved before plans had revisions)' });
    expect(ws.db.prepare("SELECT count(*) AS n FROM settings WHERE key LIKE 'plan:%'").get()).toEqual({ n: 0 });
    writeTransaction(ws.db, () => savePlan(ws, 'triage', { ...plan, autoAdvance: true }));
    writeTransaction(ws.db, () => savePlan(ws, 'triage', { ...plan, autoAdvance: true }));
    expect(planRevisions(ws, 'triage').map((revision) => [revision.revision, revision.plan.autoAdvance])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(() => ws.db.prepare('DELETE FROM release_plans').run()).toThrow(/immutable/);
  });
});
