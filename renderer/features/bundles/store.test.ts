import { afterEach, describe, expect, it } from 'vitest';
import { loadSamples } from '../../../workspace/agents/samples';
import { startTestHost, type TestHost } from '../../../test-support/browser-host';
import { createBundlesStore } from './store';

const hosts: TestHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

async function host(): Promise<TestHost> {
  const made = await startTestHost();
  hosts.push(made);
  return made;
}

describe('bundles store over a real browser host', () => {
  it('signs an export with evidence; previews, trusts the signer, imports once; refuses a bundle other than the one previewed; shows the imported run', async () => {
    const source = await host();
    loadSamples(source.ws);
    const errors: string[] = [];
    const sending = createBundlesStore({ client: source.client, notify: (message) => errors.push(message) });
    expect(await sending.getState().generateKey()).toBe(true);
    const own = sending.getState().keys?.own;
    expect(own?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    const run = await source.client.runs.start({
      agent: 'ticket-triage',
      ref: 'ticket-triage@1.1.0',
      suite: 'triage-basics',
      settings: { concurrency: 4, repeat: 1, minPassRate: null },
    });
    await expect.poll(async () => (await source.client.runs.get({ runId: run.id })).status, { timeout: 20_000 }).toBe('finished');
    const made = await source.client.bundles.export({ refs: ['ticket-triage@1.1.0'], evidence: true, sign: true });
    expect(made).toMatchObject({
      fileName: 'ticket-triage-1.1.0.slipway',
      versions: ['ticket-triage@1.0.0', 'ticket-triage@1.1.0'],
      signed: true,
    });
    const unsigned = await source.client.bundles.export({ refs: ['refund-approval@1.0.0'], evidence: false, sign: false });

    const target = await host();
    const receiving = createBundlesStore({ client: target.client, notify: (message) => errors.push(message) });
    await receiving.getState().receive(new File(['just text'], 'notes.slipway'));
    expect(receiving.getState().incoming).toMatchObject({
      checking: false,
      preview: null,
      problem: expect.stringMatching(/^not a bundle/) as unknown as string,
    });

    await receiving.getState().receive(new File([Buffer.from(made.base64, 'base64')], made.fileName));
    expect(receiving.getState().incoming?.preview?.signature).toMatchObject({
      signed: true,
      trusted: false,
      fingerprint: own?.fingerprint,
    });
    await receiving.getState().trustSigner('Release bot');
    expect(receiving.getState().incoming?.preview?.signature).toMatchObject({
      signed: true,
      trusted: true,
      trustedAs: 'Release bot',
    });
    expect(receiving.getState().keys?.trusted.map((key) => key.name)).toEqual(['Release bot']);

    const previewed = receiving.getState().incoming;
    receiving.setState({ incoming: previewed ? { ...previewed, base64: unsigned.base64 } : null });
    expect(await receiving.getState().importIncoming()).toBeNull();
    expect(receiving.getState().incoming?.problem).toBe('this is not the bundle that was previewed: preview it again');
    expect(await target.client.agents.list({})).toEqual([]);

    receiving.setState({ incoming: previewed });
    const done = await receiving.getState().importIncoming();
    expect(done?.plan.add).toEqual(['ticket-triage@1.0.0', 'ticket-triage@1.1.0']);
    expect(receiving.getState().incoming).toBeNull();
    expect((await target.client.versions.list({ agent: 'ticket-triage' })).map((version) => version.semver)).toEqual([
      '1.1.0',
      '1.0.0',
    ]);

    await receiving.getState().loadEvidence('ticket-triage');
    const [imported] = receiving.getState().evidence;
    expect(imported).toMatchObject({ kind: 'run', versions: ['1.1.0'], source: { signedBy: own?.fingerprint } });
    expect(imported?.title).toMatch(/^triage-basics on 1\.1\.0: \d+\/\d+ passed/);
    const file = await target.client.bundles.evidenceFile({ id: imported?.id ?? 0 });
    expect(JSON.parse(file.content)).toMatchObject({ summary: { id: run.id, suite: 'triage-basics' } });

    await receiving.getState().receive(new File([Buffer.from(made.base64, 'base64')], made.fileName));
    expect(receiving.getState().incoming?.preview?.plan).toMatchObject({ add: [], labels: [], evidence: { add: [] } });

    expect(await receiving.getState().untrust(own?.fingerprint ?? '')).toBe(true);
    expect(receiving.getState().keys?.trusted).toEqual([]);
    expect(await receiving.getState().trust('someone', 'bm90IGEga2V5')).toBe(false);
    expect(errors).toEqual(['that is not an ed25519 public key (base64 of its SPKI DER, as `slipway keys generate` prints)']);
  }, 60_000);
});
