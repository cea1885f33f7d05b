import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/workspace';
import { migrationsDir } from '../paths';
import { connect } from '../connect';
import { getRunSummary, recordResult, resultRows, runResults } from '../testing/runs';
import { caseResult, startDraftRun } from '../../test-support/results';
import { saveSuite } from '../testing/suites';
import { openWorkspace, type Workspace } from '../workspace';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function open(dir: string, migrations: string): Workspace {
  const ws = openWorkspace(dir, { migrationsDir: migrations });
  cleanups.unshift(() => ws.close());
  return ws;
}

describe('migration 0100-unchecked-results', () => {
  it('keeps every stored result in its order, still immutable, and lets a result be unchecked from then on', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const before = join(dir, 'migrations-before');
    mkdirSync(before);
    for (const file of readdirSync(migrationsDir()).filter((name) => name.endsWith('.sql') && name < '0100'))
      copyFileSync(join(migrationsDir(), file), join(before, file));
    const old = open(join(dir, 'ws'), before);
    await connect(old).client.agents.create({ name: 'triage' });
    const revision = saveSuite(old, 'triage', 'name: basics\ncases:\n  - id: one\n    vars: { q: x }\n', 'first');
    const runId = startDraftRun(old, revision.id);
    for (const caseId of ['c', 'a', 'b']) recordResult(old, runId, caseResult(caseId, caseId === 'a' ? 'failed' : 'passed'));
    expect(() => recordResult(old, runId, caseResult('d', 'unchecked'))).toThrow(/CHECK constraint/);
    old.close();
    cleanups.shift();

    const ws = open(join(dir, 'ws'), migrationsDir());
    expect(runResults(ws, runId).map((stored) => [stored.caseId, stored.status])).toEqual([
      ['c', 'passed'],
      ['a', 'failed'],
      ['b', 'passed'],
    ]);
    expect(getRunSummary(ws, runId)).toMatchObject({ unchecked: null, unevaluated: null });
    recordResult(ws, runId, caseResult('d', 'unchecked'));
    expect(resultRows(ws, runId).at(-1)).toMatchObject({
      caseId: 'd',
      status: 'unchecked',
      problem: expect.stringMatching(/^no checks/),
    });
    expect(() => ws.db.prepare("UPDATE run_results SET status = 'passed'").run()).toThrow(/run results are immutable/);
    expect(
      ws.db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'comparison_results' ORDER BY name")
        .all(),
    ).toEqual([{ name: 'comparison_results_immutable_delete' }, { name: 'comparison_results_immutable_update' }]);
    expect(() => ws.db.prepare('DELETE FROM run_results').run()).toThrow(/run results are immutable/);
  });
});
