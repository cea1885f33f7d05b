import { afterEach, describe, expect, it } from 'vitest';
import { loadSamples } from '../../../electron/core/samples';
import { tempWorkspace, type TestWorkspace } from '../../../test-support/workspace';
import { createAgentsStore, selectAgents, selectVersions } from './store';

let t: TestWorkspace;
afterEach(() => t.cleanup());

describe('agents store', () => {
  it('loads agents through the contract and the history of the first one', async () => {
    t = tempWorkspace();
    loadSamples(t.ws);
    const store = createAgentsStore(t.client);
    await store.getState().load();
    expect(selectAgents(store.getState()).map((agent) => agent.name)).toEqual(['refund-approval', 'ticket-triage']);
    expect(store.getState().selected).toBe('refund-approval');
    expect(selectVersions(store.getState()).map((version) => version.semver)).toEqual(['2.0.0', '1.1.0', '1.0.0']);
    await store.getState().select('ticket-triage');
    expect(selectVersions(store.getState()).map((version) => version.labels)).toEqual([['staging'], ['production'], []]);
  });

  it('shows the message of a failed call', async () => {
    t = tempWorkspace();
    const store = createAgentsStore(t.client);
    await store.getState().select('ghost');
    expect(store.getState().error).toBe('no agent named "ghost" (the workspace has no agents yet)');
  });
});
