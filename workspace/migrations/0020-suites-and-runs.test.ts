import { afterEach, describe, expect, it } from 'vitest';
import { tempWorkspace, type TestWorkspace } from '../../test-support/workspace';
import { finishRun, recordResult } from '../testing/runs';
import { caseResult, startDraftRun } from '../../test-support/results';
import { saveSuite } from '../testing/suites';

let t: TestWorkspace;
afterEach(() => t.cleanup());

const SUITE = 'name: basics\ncases:\n  - id: one\n    vars: { q: x }\n';

describe('migration 0020-suites-and-runs', () => {
  it('keeps suite revisions and run results immutable, and a run immutable once it ends', async () => {
    t = tempWorkspace();
    await t.client.agents.create({ name: 'triage' });
    const revision = saveSuite(t.ws, 'triage', SUITE, 'first');
    const runId = startDraftRun(t.ws, revision.id);
    recordResult(t.ws, runId, caseResult('one', 'passed'));
    finishRun(t.ws, runId, {
      status: 'finished',
      total: 1,
      passed: 1,
      unchecked: 0,
      unevaluated: 0,
      minPassRate: null,
      costUsd: 0,
      costKnown: true,
    });
    const refused: Array<[string, RegExp]> = [
      ["UPDATE suite_revisions SET content = 'x'", /suite revisions are immutable/],
      ['DELETE FROM suite_revisions', /suite revisions are immutable/],
      ['DELETE FROM suites', /never deleted/],
      ["UPDATE run_results SET status = 'failed'", /run results are immutable/],
      ['DELETE FROM run_results', /run results are immutable/],
      ['UPDATE runs SET passed = 0', /a finished run is immutable/],
      ['DELETE FROM runs', /never deleted/],
    ];
    for (const [statement, message] of refused) expect(() => t.ws.db.exec(statement), statement).toThrowError(message);
    expect(() => saveSuite(t.ws, 'triage', SUITE, 'same again')).toThrowError(/already has this content \(revision 1\)/);
    expect(saveSuite(t.ws, 'triage', `${SUITE}  - id: two\n    vars: { q: y }\n`, 'second').revision).toBe(2);
  });
});
