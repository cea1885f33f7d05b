import { afterEach, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../../test-support/browser-host';
import { agentFiles } from '../../../test-support/workspace';
import { createAuditStore } from './store';

let t: TestHost;
afterEach(async () => t.close());

describe('audit store', () => {
  it('filters by agent, action prefix and actor, pages backwards, and verifies the chain', async () => {
    t = await startTestHost();
    await t.client.agents.create({ name: 'triage' });
    await t.client.agents.create({ name: 'refunds' });
    await t.client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    await t.client.labels.set({ agent: 'triage', label: 'production', ref: '1.0.0', reason: 'go' });
    const store = createAuditStore({ client: t.client, notify: () => {} });
    await store.getState().load();
    expect(store.getState().entries.map((entry) => entry.action)).toEqual([
      'label.move',
      'version.snapshot',
      'agent.create',
      'agent.create',
    ]);
    await store.getState().setFilters({ agent: 'triage' });
    expect(store.getState().entries.map((entry) => entry.subject)).toEqual(['triage@production', 'triage@1.0.0', 'triage']);
    await store.getState().setFilters({ action: 'label.' });
    expect(store.getState().entries.map((entry) => entry.action)).toEqual(['label.move']);
    await store.getState().setFilters({ action: '', agent: '', actor: 'nobody' });
    expect(store.getState().entries).toEqual([]);
    await store.getState().setFilters({ actor: 'test author', since: '2000-01-01', until: '2999-12-31' });
    expect(store.getState().entries).toHaveLength(4);
    await store.getState().verify();
    expect(store.getState().verification).toEqual({ ok: true, rows: 4, firstBadId: null, problem: null });
  });
});
