import { describe, expect, it } from 'vitest';
import type { AuditEntry } from './contract/audit';
import { areaOf } from './audit-areas';
import { auditRows, changesOf } from './audit-view';

let nextId = 1;
const entry = (action: string, subject: string, before: unknown, after: unknown, agent = 'triage'): AuditEntry => ({
  id: nextId++,
  at: '2026-12-02T10:00:00.000Z',
  actor: 'ana',
  action,
  agent,
  subject,
  reason: '',
  before,
  after,
  hash: 'h',
});

describe('the audit as a person reads it', () => {
  it('lists the fields that changed as text, clipped at a word, never JSON cut mid-token', () => {
    const long = `${'refunds above the limit need a second approval '.repeat(6)}end`;
    const { changes, files } = changesOf({
      before: { from: '1.0.0', note: 'same', nested: { weight: 5, list: [1, 2] } },
      after: { to: '1.1.0', note: 'same', nested: { weight: 25, list: [1, 2] }, message: long },
    });
    expect(changes).toEqual([
      { field: 'from', before: '1.0.0', after: null },
      { field: 'nested.weight', before: '5', after: '25' },
      { field: 'to', before: null, after: '1.1.0' },
      { field: 'message', before: null, after: expect.stringMatching(/ the…$/) as unknown as string },
    ]);
    expect(changes[3]?.after?.length).toBeLessThanOrEqual(161);
    expect(files).toEqual([]);
  });

  it('shows files as a diff: the draft a restore replaced', () => {
    const { changes, files } = changesOf({
      before: { parent: '1.0.0', changedFiles: ['prompt.md'], files: { 'prompt.md': 'old idea\n', 'user.md': 'same\n' } },
      after: { parent: '1.1.0' },
    });
    expect(changes.map((change) => change.field)).toEqual(['parent', 'changedFiles']);
    expect(files.map((file) => [file.name, file.status])).toEqual([
      ['prompt.md', 'removed'],
      ['user.md', 'removed'],
    ]);
    expect(files[0]?.patch).toContain('-old idea');
  });

  it('joins the runtime’s event to the release action it answers, and keeps events nobody here caused', () => {
    const canary = entry('release.canary', 'triage on prod', null, { generation: 4, canary: { semver: '1.1.0' } });
    const answer = entry('runtime.canary-started', 'triage on prod (event 9)', null, { generation: 4, by: 'deployer' });
    const elsewhere = entry('runtime.canary-started', 'triage on staging (event 3)', null, { generation: 4 });
    const tripped = entry('runtime.guardrail-tripped', 'triage on prod (event 10)', null, { generation: 5 });
    const rows = auditRows([tripped, answer, elsewhere, canary]);
    expect(rows.map((row) => row.entry.action)).toEqual([
      'runtime.guardrail-tripped',
      'runtime.canary-started',
      'release.canary',
    ]);
    expect(rows[2]?.answers.map((row) => row.id)).toEqual([answer.id]);
    expect(rows[1]?.entry.id).toBe(elsewhere.id);
  });

  it('puts every action in one area', () => {
    expect(
      ['draft.reset', 'label.move', 'run.finish', 'team.promote', 'runtime.rolled-back', 'bundle.import'].map(areaOf),
    ).toEqual(['versions', 'labels', 'runs', 'releases', 'runtime', 'bundles']);
    expect(areaOf('key.set')).toBe('settings');
  });
});
