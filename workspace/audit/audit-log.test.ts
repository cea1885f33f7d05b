import { afterEach, describe, expect, it } from 'vitest';
import { agentFiles, tempWorkspace, type TestWorkspace } from '../../test-support/workspace';

let t: TestWorkspace;
afterEach(() => t.cleanup());

describe('audit log', () => {
  it('records every state change with actor, time, reason, before and after', async () => {
    t = tempWorkspace({ clock: () => new Date('2026-03-01T12:00:00.000Z') });
    await t.client.agents.create({ name: 'triage' });
    await t.client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    const [snapshot] = await t.client.audit.list({ limit: 1 });
    expect(snapshot).toMatchObject({
      at: '2026-03-01T12:00:00.000Z',
      actor: 'Test Author <test@example.com>',
      action: 'version.snapshot',
      agent: 'triage',
      subject: 'triage@1.0.0',
      reason: 'first',
      before: { latest: null },
      after: { semver: '1.0.0', suggested: 'first version' },
    });
    expect(await t.client.audit.verify({})).toEqual({ ok: true, rows: 2, firstBadId: null, problem: null });
  });

  it('names the first row that was tampered with, even by someone who drops the triggers', async () => {
    t = tempWorkspace();
    await t.client.agents.create({ name: 'triage' });
    for (const prompt of ['a\n', 'b\n', 'c\n'])
      await t.client.versions.snapshot({ agent: 'triage', message: prompt, files: agentFiles({ 'prompt.md': prompt }) });
    t.ws.db.exec('DROP TRIGGER audit_append_only_update');
    t.ws.db.exec("UPDATE audit SET reason = 'nothing to see' WHERE id = 3");
    const result = await t.client.audit.verify({});
    expect(result).toMatchObject({ ok: false, rows: 3, firstBadId: 3 });
    expect(result.problem).toContain('row 3 was altered');
  });

  it('pages backwards through the log', async () => {
    t = tempWorkspace();
    for (const name of ['a', 'b', 'c', 'd']) await t.client.agents.create({ name });
    const first = await t.client.audit.list({ limit: 2 });
    expect(first.map((entry) => entry.subject)).toEqual(['d', 'c']);
    const next = await t.client.audit.list({ limit: 2, beforeId: first[1]!.id });
    expect(next.map((entry) => entry.subject)).toEqual(['b', 'a']);
  });
});
