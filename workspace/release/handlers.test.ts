import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../shared/contract/client';
import { createDispatch } from '../../shared/contract/dispatch';
import { startRuntimeProcess, type RuntimeProcess } from '../../test-support/runtime-process';
import { tempWorkspace, type TestWorkspace } from '../../test-support/workspace';
import { loadSamples } from '../agents/samples';
import { sessionVault } from '../keys/secret-vault';
import { createServices, type Services } from '../services';

let t: TestWorkspace;
let services: Services;
let client: Client;
let runtime: RuntimeProcess | null = null;

afterEach(async () => {
  await services?.close();
  await runtime?.stop();
  runtime = null;
  t.cleanup();
});

function setup() {
  t = tempWorkspace();
  loadSamples(t.ws);
  services = createServices(t.ws, { vault: sessionVault({}) });
  client = createClient(createDispatch(services.handlers));
}

describe('releasing from the app', () => {
  it('keeps a target with its token out of sight, drives a canary, moves the label on promotion and rollback, and pulls the runtime’s events into the audit', async () => {
    setup();
    runtime = await startRuntimeProcess();
    const saved = await client.targets.save({
      name: 'staging-box',
      url: runtime.url,
      label: 'staging',
      token: runtime.tokens.admin,
    });
    expect(saved).toEqual({
      name: 'staging-box',
      url: runtime.url,
      label: 'staging',
      tokenSet: true,
      tokenVariable: 'SLIPWAY_TOKEN_STAGING_BOX',
      local: false,
    });
    expect(JSON.stringify(await client.targets.list({}))).not.toContain(runtime.tokens.admin);

    await client.release.command({ agent: 'ticket-triage', target: 'staging-box', action: { type: 'deploy', ref: '1.0.0' } });
    const canary = await client.release.command({
      agent: 'ticket-triage',
      target: 'staging-box',
      action: { type: 'canary', ref: '1.1.1', weight: 5 },
    });
    expect(canary.state?.canary).toMatchObject({ semver: '1.1.1', weight: 5 });
    expect(
      (await client.release.command({ agent: 'ticket-triage', target: 'staging-box', action: { type: 'step', weight: 25 } }))
        .state?.canary?.weight,
    ).toBe(25);
    await client.release.command({ agent: 'ticket-triage', target: 'staging-box', action: { type: 'promote' } });
    expect((await client.labels.list({ agent: 'ticket-triage' })).find((label) => label.name === 'staging')?.semver).toBe(
      '1.1.1',
    );
    const rolledBack = await client.release.command({
      agent: 'ticket-triage',
      target: 'staging-box',
      action: { type: 'rollback', reason: 'refunds misrouted' },
    });
    expect(rolledBack.state?.stable?.semver).toBe('1.0.0');
    expect((await client.labels.list({ agent: 'ticket-triage' })).find((label) => label.name === 'staging')?.semver).toBe(
      '1.0.0',
    );

    const audit = await client.audit.list({ limit: 200 });
    expect(
      audit
        .filter((entry) => entry.action.startsWith('release.'))
        .map((entry) => entry.action)
        .reverse(),
    ).toEqual(['release.target', 'release.deploy', 'release.canary', 'release.step', 'release.promote', 'release.rollback']);
    const pulled = audit.filter((entry) => entry.actor === 'runtime:staging-box').map((entry) => entry.action);
    expect(pulled).toContain('runtime.rolled-back');
    expect(
      (await client.release.deployments({ agent: 'ticket-triage' })).map((deployment) => [deployment.action, deployment.semver]),
    ).toEqual([
      ['rollback', '1.0.0'],
      ['promote', '1.1.1'],
      ['step', '1.1.1'],
      ['canary', '1.1.1'],
      ['deploy', '1.0.0'],
    ]);

    await runtime.kill();
    const offline = await client.release.view({ agent: 'ticket-triage', target: 'staging-box' });
    expect(offline).toMatchObject({ reachable: false, state: { stable: { semver: '1.0.0' } } });
    expect(offline.lastContact).not.toBeNull();
    expect(offline.problem).toMatch(/cannot reach the runtime/);

    t.ws.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of readdirSync(t.dir).filter((name) => name.startsWith('slipway.db')))
      expect(readFileSync(join(t.dir, file)).includes(Buffer.from(runtime.tokens.admin)), file).toBe(false);
  });

  it('starts a local runtime, replays a dataset against it, and refuses a canary whose gate suite has no passing run, naming it', async () => {
    setup();
    const started = await client.local.start({});
    expect(started).toMatchObject({ running: true, traffic: null });
    expect((await client.targets.list({})).find((target) => target.name === 'local')).toMatchObject({
      tokenSet: true,
      local: true,
      label: 'production',
    });
    await client.release.command({ agent: 'ticket-triage', target: 'local', action: { type: 'deploy', ref: '1.1.0' } });
    await client.datasets.fromSuite({ agent: 'ticket-triage', suite: 'triage-basics', name: 'inbox' });
    await client.local.traffic({ agent: 'ticket-triage', dataset: 'inbox', ratePerSecond: 50 });
    // The generator has no events: its counts are read until it has sent a few (bounded by the test's timeout).
    let status = await client.local.status({});
    while ((status.traffic?.sent ?? 0) <= 5) {
      await new Promise((resolve) => setImmediate(resolve));
      status = await client.local.status({});
    }
    expect(status.traffic?.sent).toBeGreaterThan(5);
    expect(status.traffic?.failed).toBe(0);

    await client.release.setPlan({
      agent: 'ticket-triage',
      target: 'local',
      plan: {
        gate: { suites: ['triage-basics'], attestations: [] },
        steps: [{ weight: 5, holdMs: 60_000 }],
        autoAdvance: false,
        assertions: [],
      },
    });
    await expect(
      client.release.command({ agent: 'ticket-triage', target: 'local', action: { type: 'canary', ref: '1.1.1', weight: 5 } }),
    ).rejects.toThrow(/suite triage-basics has no passing attestation/);
    await client.release.setPlan({
      agent: 'ticket-triage',
      target: 'local',
      plan: {
        gate: { suites: [], attestations: [] },
        steps: [{ weight: 5, holdMs: 60_000 }],
        autoAdvance: false,
        assertions: [],
      },
    });
    expect(
      (await client.release.plans({ agent: 'ticket-triage' })).map((revision) => [revision.revision, revision.plan.gate.suites]),
    ).toEqual([
      [2, []],
      [1, ['triage-basics']],
    ]);
    expect((await client.audit.list({ action: 'release.plan' })).map((entry) => entry.subject)).toEqual([
      'ticket-triage plan revision 2',
      'ticket-triage plan revision 1',
    ]);
    const metrics = await client.release.metrics({ agent: 'ticket-triage', target: 'local' });
    expect(Object.values(metrics.versions)).toContain('1.1.0');
    expect(metrics.buckets.reduce((sum, bucket) => sum + bucket.requests, 0)).toBeGreaterThan(5);
    await client.local.stop({});
    expect((await client.local.status({})).running).toBe(false);
  });
});

const TICKET = { ticket_id: 'T-9', customer_tier: 'pro', customer_name: 'Ada', subject: 'Help' };

describe('shadow samples', () => {
  it('turns what a shadow captured on the runtime into a dataset of the agent, each sample an item', async () => {
    setup();
    runtime = await startRuntimeProcess();
    await client.targets.save({ name: 'prod', url: runtime.url, token: runtime.tokens.admin });
    await client.release.command({ agent: 'ticket-triage', target: 'prod', action: { type: 'deploy', ref: '1.1.0' } });
    await expect(client.release.samplesToDataset({ agent: 'ticket-triage', target: 'prod', name: 'shadowed' })).rejects.toThrow(
      /captured no shadow samples of ticket-triage yet/,
    );
    await client.release.command({
      agent: 'ticket-triage',
      target: 'prod',
      action: { type: 'shadow', ref: '1.1.1', share: 100 },
    });
    const invoke = (body: string) =>
      fetch(`${runtime?.url ?? ''}/v1/agents/ticket-triage/invoke`, {
        method: 'POST',
        headers: { authorization: `Bearer ${runtime?.tokens.invoker ?? ''}`, 'content-type': 'application/json' },
        body: JSON.stringify({ vars: { ...TICKET, body } }),
      });
    expect((await invoke('charged twice')).status).toBe(200);
    expect((await invoke('the API is down')).status).toBe(200);
    // The shadow runs after the answer: its samples are there once the runtime says so.
    let samples = 0;
    while (samples < 2) {
      const response = await fetch(`${runtime.url}/v1/agents/ticket-triage/samples`, {
        headers: { authorization: `Bearer ${runtime.tokens.viewer}` },
      });
      samples = ((await response.json()) as { samples: unknown[] }).samples.length;
    }
    const dataset = await client.release.samplesToDataset({ agent: 'ticket-triage', target: 'prod', name: 'shadowed' });
    expect(dataset).toMatchObject({ name: 'shadowed', revision: 1, items: 2 });
    expect(dataset.list.map((item) => item.vars)).toEqual([
      { ...TICKET, body: 'charged twice' },
      { ...TICKET, body: 'the API is down' },
    ]);
  });
});
