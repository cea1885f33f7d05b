import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { tempWorkspace, type TestWorkspace } from '../../test-support/workspace';
import { endOrphanedRuns, getRunSummary, recordResult } from '../testing/runs';
import { saveSuite } from '../testing/suites';
import type { CaseResult } from '../../shared/engine/runner';
import { caseResult, startDraftRun } from '../../test-support/results';

let t: TestWorkspace;
afterEach(() => t.cleanup());

const result = (caseId: string, status: CaseResult['status']) => caseResult(caseId, status, { costUsd: 0.5 });

describe('migration 0030-run-owner', () => {
  it('ends as interrupted the runs whose process on this machine is gone, keeping their results', async () => {
    t = tempWorkspace();
    await t.client.agents.create({ name: 'triage' });
    const revision = saveSuite(t.ws, 'triage', 'name: basics\ncases:\n  - id: one\n    vars: { q: x }\n', 'first');
    const newRun = () => startDraftRun(t.ws, revision.id);
    const crashed = newRun();
    recordResult(t.ws, crashed, result('one', 'passed'));
    recordResult(t.ws, crashed, result('two', 'failed'));
    const mine = newRun();
    const elsewhere = newRun();
    // A pid far above any the kernel hands out, so no process has it.
    t.ws.db.prepare('UPDATE runs SET owner = ? WHERE id = ?').run(`${hostname()}:4194999`, crashed);
    t.ws.db.prepare('UPDATE runs SET owner = ? WHERE id = ?').run('another-laptop:1', elsewhere);

    expect(endOrphanedRuns(t.ws)).toEqual([crashed]);
    expect(getRunSummary(t.ws, crashed)).toMatchObject({
      status: 'interrupted',
      total: 2,
      passed: 1,
      gatePassed: false,
      costUsd: 1,
    });
    expect(getRunSummary(t.ws, mine).status).toBe('running');
    expect(getRunSummary(t.ws, elsewhere).status).toBe('running');
    expect((await t.client.audit.list({ action: 'run.finish' }))[0]).toMatchObject({
      after: expect.objectContaining({ status: 'interrupted' }) as unknown,
    });
    expect(endOrphanedRuns(t.ws)).toEqual([]);
  });
});
