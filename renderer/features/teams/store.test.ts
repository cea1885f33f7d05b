import { afterEach, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../../test-support/browser-host';
import { TEAM_VERSIONS } from '../../../test-support/team-agents';
import { createTeamsStore } from './store';

let t: TestHost;
afterEach(async () => t.close());

describe('teams store over a real browser host', () => {
  it("loads the open agent's team with its matrix, saves team releases with their checks, and keeps a refused promotion's reason", async () => {
    t = await startTestHost();
    for (const [agent, versions] of Object.entries(TEAM_VERSIONS)) {
      await t.client.agents.create({ name: agent });
      for (const version of versions)
        await t.client.versions.snapshot({
          agent,
          message: version.message,
          version: version.semver,
          files: { ...version.files },
        });
    }
    const errors: string[] = [];
    const store = createTeamsStore({ client: t.client, notify: (message) => errors.push(message) });
    await store.getState().load('router');
    expect(store.getState().teams).toEqual([]);
    expect(await store.getState().create('support', ['router', 'intake'])).toBe(true);
    expect(store.getState()).toMatchObject({ selected: 'support', teams: [{ name: 'support', members: ['intake', 'router'] }] });
    const edge = store.getState().matrix?.edges[0];
    expect(edge).toMatchObject({
      consumer: 'router',
      producer: 'intake',
      consumerVersions: ['2.0.0', '1.0.0'],
      producerVersions: ['1.1.0', '1.0.0'],
    });
    expect(edge?.cells.filter((cell) => !cell.ok).map((cell) => `${cell.consumer}×${cell.producer}`)).toEqual(['1.0.0×1.1.0']);

    expect(await store.getState().release({ router: 'router@1.0.0', intake: 'intake@1.1.0' }, 'old router, new intake')).toBe(
      true,
    );
    expect(store.getState().teams[0]?.releases[0]).toMatchObject({ name: 'support#1', check: { ok: false } });
    expect(await store.getState().promote(1, 'nowhere')).toBe(false);
    expect(store.getState().refusal).toBe(
      'support#1 cannot be promoted: router 1.0.0 requires intake output field `intent` (string); intake 1.1.0 no longer emits it',
    );

    expect(await store.getState().release({}, 'both latest')).toBe(true);
    expect(store.getState().teams[0]?.releases[0]).toMatchObject({
      name: 'support#2',
      check: { ok: true },
      pins: [
        { agent: 'intake', semver: '1.1.0' },
        { agent: 'router', semver: '2.0.0' },
      ],
    });
    expect(await store.getState().promote(2, 'nowhere')).toBe(false);
    expect(store.getState().refusal).toMatch(/no target named "nowhere"/);
    expect(await store.getState().release({ billing: 'billing@1.0.0' }, 'a stranger')).toBe(false);
    expect(errors).toEqual(['billing is not in team support (members: intake, router)']);
  });
});
