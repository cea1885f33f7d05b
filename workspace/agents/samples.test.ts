import { afterEach, describe, expect, it } from 'vitest';
import { tempWorkspace, type TestWorkspace } from '../../test-support/workspace';
import { loadSamples } from './samples';

let t: TestWorkspace;
afterEach(() => t.cleanup());

describe('sample workspace', () => {
  it('holds two realistic agents with three versions each, a production label and an audit trail by their authors', async () => {
    t = tempWorkspace();
    expect(loadSamples(t.ws)).toEqual(['ticket-triage', 'refund-approval']);
    const { client } = t;
    const triage = await client.versions.list({ agent: 'ticket-triage' });
    expect(triage.map((version) => [version.semver, version.bump, version.author.split(' <')[0]])).toEqual([
      ['1.1.1', 'patch', 'Jonas Berg'],
      ['1.1.0', 'minor', 'Maya Chen'],
      ['1.0.0', null, 'Maya Chen'],
    ]);
    const refunds = await client.versions.list({ agent: 'refund-approval' });
    expect(refunds.map((version) => [version.semver, version.bump])).toEqual([
      ['2.0.0', 'major'],
      ['1.1.0', 'minor'],
      ['1.0.0', null],
    ]);
    expect(
      (await client.labels.history({ agent: 'refund-approval', label: 'production' })).map((move) => [move.from, move.to]),
    ).toEqual([
      ['1.0.0', '1.1.0'],
      [null, '1.0.0'],
    ]);
    const audit = await client.audit.list({ limit: 100 });
    expect(audit.filter((entry) => entry.action === 'version.snapshot')).toHaveLength(6);
    expect(audit.filter((entry) => entry.action === 'label.move')).toHaveLength(4);
    expect(new Set(audit.map((entry) => entry.actor.split(' <')[0]))).toEqual(new Set(['Maya Chen', 'Jonas Berg', 'Priya Nair']));
    expect(await client.audit.verify({})).toMatchObject({ ok: true });
  });

  it('suggests for every sample version the bump its semver took, so the history is honest', async () => {
    t = tempWorkspace();
    loadSamples(t.ws);
    expect((await t.client.versions.diff({ from: 'ticket-triage@1.1.0', to: 'ticket-triage@1.1.1' })).reason).toBe(
      'mock changed, temperature changed (0.4 → 0.1) → patch',
    );
    expect((await t.client.versions.diff({ from: 'refund-approval@1.1.0', to: 'refund-approval@2.0.0' })).reason).toBe(
      'tool lookup_order added → major',
    );
    expect((await t.client.versions.diff({ from: 'ticket-triage@1.0.0', to: 'ticket-triage@1.1.0' })).reason).toBe(
      'examples added → minor',
    );
  });

  it('refuses to load over agents of the same names, changing nothing', async () => {
    t = tempWorkspace();
    await t.client.agents.create({ name: 'ticket-triage' });
    expect(() => loadSamples(t.ws)).toThrowError(
      'the workspace already has agents named ticket-triage: samples load only beside them, never over them',
    );
    expect((await t.client.agents.list({})).map((agent) => agent.name)).toEqual(['ticket-triage']);
  });
});
