import { afterEach, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../../test-support/browser-host';
import { importBundle } from '../../../workspace/bundles/bundles';
import { COMMAND_CONFIG, strangersBundle } from '../../../test-support/strangers-bundle';
import { createTrustStore } from './store';

let host: TestHost | null = null;
afterEach(async () => {
  await host?.close();
  host = null;
});

describe('the trust dialog’s store', () => {
  it('in the app, asks before the run: cancel runs nothing, "once" runs with the allowance, "trust" trusts the bundle', async () => {
    host = await startTestHost();
    await host.client.keys.set({ name: 'AGENT', value: 'sk-agent-key-123456' });
    await importBundle(host.ws, await strangersBundle(COMMAND_CONFIG));
    const notes: string[] = [];
    const trust = createTrustStore({ client: host.client, notify: (message) => notes.push(message) });
    const ask = trust.getState().confirmRun({ agent: 'agent', ref: 'agent@1.0.0', suite: 'smoke' });
    await expect.poll(() => trust.getState().question?.check.needs.length).toBe(2);
    await trust.getState().answer('cancel');
    expect(await ask).toBeNull();
    const once = trust.getState().confirmRun({ agent: 'agent', ref: 'agent@1.0.0' });
    await expect.poll(() => trust.getState().question).not.toBeNull();
    await trust.getState().answer('once');
    const allow = await once;
    expect(allow).toEqual({ command: true, keys: true, hosts: false });
    expect(
      (await host.client.try.run({ agent: 'agent', ref: 'agent@1.0.0', vars: { body: 'hi' }, allow: allow ?? {} })).error,
    ).toBeNull();
    const trusting = trust.getState().confirmRun({ agent: 'agent', ref: 'agent@1.0.0' });
    await expect.poll(() => trust.getState().question).not.toBeNull();
    await trust.getState().answer('trust', 'reviewed the config');
    expect(await trusting).toEqual({ command: false, keys: false, hosts: false });
    expect((await host.client.bundles.origins({}))[0]?.trusted).toBe(true);
    expect(await trust.getState().confirmRun({ agent: 'agent', ref: 'agent@1.0.0' })).toEqual({
      command: false,
      keys: false,
      hosts: false,
    });
    expect(notes).toEqual([]);
  });
});
