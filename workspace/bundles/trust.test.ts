import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { agentFiles, tempWorkspace, type TestWorkspace } from '../../test-support/workspace';
import { COMMAND_CONFIG, SMOKE_SUITE, strangersBundle } from '../../test-support/strangers-bundle';
import { importBundle } from './bundles';
import { trustKey } from './signing';

const made: TestWorkspace[] = [];
afterEach(() => made.splice(0).forEach((workspace) => workspace.cleanup()));

const ELSEWHERE_CONFIG =
  'provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\nbase_url: https://collector.example.net/v1\napi_key: OPENAI\n';

function workspace(): TestWorkspace {
  const t = tempWorkspace();
  made.push(t);
  return t;
}

describe('what comes from a bundle is not trusted to run', () => {
  it('refuses a run that would start a program and send a key until allowed or trusted; the allowed run runs', async () => {
    const target = workspace();
    await target.client.keys.set({ name: 'AGENT', value: 'sk-agent-key-123456' });
    const imported = await importBundle(target.ws, await strangersBundle(COMMAND_CONFIG));
    const check = await target.client.bundles.runCheck({ agent: 'agent', ref: 'agent@1.0.0', suite: 'smoke' });
    expect(check.origin).toMatchObject({ trusted: false, signedBy: null, versions: ['agent@1.0.0'], suites: ['agent/smoke#1'] });
    expect(check.needs.map((need) => need.kind).sort()).toEqual(['command', 'key']);
    await expect(target.client.runs.start({ agent: 'agent', ref: 'agent@1.0.0', suite: 'smoke' })).rejects.toThrow(
      /agent@1\.0\.0 with suite smoke#1 came from a bundle of .* \(.*, unsigned\) that this workspace does not trust, and would run .*command-agent\.mjs \(config\.yaml\); send the key AGENT \(config\.yaml\)\. Trust the bundle \(slipway bundle trust [0-9a-f]{64} -m WHY\) or allow this run \(--allow-command --allow-keys\)/,
    );
    await expect(target.client.try.run({ agent: 'agent', ref: 'agent@1.0.0', vars: { body: 'hi' } })).rejects.toThrow(
      /does not trust/,
    );
    // Half an allowance is not enough.
    await expect(
      target.client.runs.start({ agent: 'agent', ref: 'agent@1.0.0', suite: 'smoke', allow: { command: true } }),
    ).rejects.toThrow(/--allow-keys\)$/);
    const tried = await target.client.try.run({
      agent: 'agent',
      ref: 'agent@1.0.0',
      vars: { body: 'hi' },
      allow: { command: true, keys: true },
    });
    expect(tried).toMatchObject({ error: null, output: expect.stringContaining('saw: hi') as unknown as string });
    // Nor is it released: a runtime puts it in front of traffic (the local one lets it call anything).
    await target.client.targets.save({ name: 'prod', url: 'http://127.0.0.1:9', label: 'production', token: 'tok-123456' });
    await expect(
      target.client.release.command({ agent: 'agent', target: 'prod', action: { type: 'deploy', ref: '1.0.0' } }),
    ).rejects.toThrow(
      /A release puts it in front of traffic: trust the bundle first \(slipway bundle trust [0-9a-f]{64} -m WHY\)$/,
    );
    await target.client.agents.create({ name: 'helper' });
    await target.client.versions.snapshot({ agent: 'helper', message: 'ours', files: agentFiles() });
    await target.client.teams.create({ name: 'pair', members: ['agent', 'helper'] });
    const teamRelease = await target.client.teams.release({
      name: 'pair',
      pins: { agent: '1.0.0' },
      message: 'theirs with ours',
    });
    await expect(target.client.teams.promote({ name: 'pair', number: teamRelease.number, target: 'prod' })).rejects.toThrow(
      /A release puts it in front of traffic: trust the bundle first/,
    );
    // Trusted, it runs like the workspace's own: unasked, and the trust is in the audit log.
    const trusted = await target.client.bundles.trustOrigin({ manifestSha256: imported.manifestSha256, reason: 'Ana sent it' });
    expect(trusted).toMatchObject({ trusted: true, trustedBecause: expect.stringMatching(/^trusted on /) as unknown as string });
    expect((await target.client.bundles.runCheck({ agent: 'agent', ref: 'agent@1.0.0', suite: 'smoke' })).needs).toEqual([]);
    expect((await target.client.try.run({ agent: 'agent', ref: 'agent@1.0.0', vars: { body: 'hi' } })).error).toBeNull();
    expect((await target.client.audit.list({ action: 'bundle.trust' }))[0]).toMatchObject({ reason: 'Ana sent it' });
  });

  it('asks only about hosts the workspace’s own versions never call, and trusts what a trusted key signed', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const unsigned = workspace();
    await importBundle(unsigned.ws, await strangersBundle(ELSEWHERE_CONFIG));
    const needs = (await unsigned.client.bundles.runCheck({ agent: 'agent', ref: 'agent@1.0.0' })).needs;
    expect(needs).toEqual([
      { kind: 'key', what: 'OPENAI → collector.example.net', by: 'config.yaml' },
      { kind: 'host', what: 'collector.example.net', by: 'config.yaml' },
    ]);
    // Once a version of the workspace's own calls that host, it is not new.
    await unsigned.client.agents.create({ name: 'ours' });
    await unsigned.client.versions.snapshot({
      agent: 'ours',
      message: 'ours',
      files: agentFiles({ 'config.yaml': ELSEWHERE_CONFIG }),
    });
    expect(
      (await unsigned.client.bundles.runCheck({ agent: 'agent', ref: 'agent@1.0.0' })).needs.map((need) => need.kind),
    ).toEqual(['key']);
    const signedHere = workspace();
    trustKey(signedHere.ws, 'release team', publicKey.export({ type: 'spki', format: 'der' }).toString('base64'));
    await importBundle(signedHere.ws, await strangersBundle(ELSEWHERE_CONFIG, privateKey));
    expect(await signedHere.client.bundles.runCheck({ agent: 'agent', ref: 'agent@1.0.0' })).toEqual({ origin: null, needs: [] });
    expect((await signedHere.client.bundles.origins({}))[0]).toMatchObject({
      trusted: true,
      trustedBecause: 'signed by release team',
    });
  });

  it('holds a suite from an untrusted bundle to the same rule: its judge’s key and host need a yes', async () => {
    const mock = 'provider: mock\nmodel: m\nmock:\n  rules:\n    - reply: saw it\n';
    const judged = `${SMOKE_SUITE}judge: {provider: openai-compatible, model: grader, base_url: "https://judge.example.net/v1", api_key: JUDGE}\n`;
    const target = workspace();
    await importBundle(target.ws, await strangersBundle(mock, undefined, judged));
    expect((await target.client.bundles.runCheck({ agent: 'agent', ref: 'agent@1.0.0' })).needs).toEqual([]);
    expect((await target.client.bundles.runCheck({ agent: 'agent', ref: 'agent@1.0.0', suite: 'smoke' })).needs).toEqual([
      { kind: 'key', what: 'JUDGE → judge.example.net', by: "the suite's judge" },
      { kind: 'host', what: 'judge.example.net', by: "the suite's judge" },
    ]);
    await expect(target.client.runs.start({ agent: 'agent', ref: 'agent@1.0.0', suite: 'smoke' })).rejects.toThrow(
      /would send the key JUDGE → judge\.example\.net \(the suite's judge\); call judge\.example\.net \(the suite's judge\)/,
    );
  });

  it('holds a suite’s javascript and python from an untrusted bundle to the same rule: code is a program, asked first', async () => {
    const mock = 'provider: mock\nmodel: m\nmock:\n  rules:\n    - reply: saw it\n';
    const coded = [
      'name: smoke',
      'cases:',
      '  - id: c1',
      '    vars: {body: hi}',
      '    transform: output.trim()',
      '    assert: [{type: javascript, code: "output.includes(\'saw\')"}, {type: python, code: "\'saw\' in output"}]',
      '',
    ].join('\n');
    const target = workspace();
    await importBundle(target.ws, await strangersBundle(mock, undefined, coded));
    expect((await target.client.bundles.runCheck({ agent: 'agent', ref: 'agent@1.0.0', suite: 'smoke' })).needs).toEqual([
      { kind: 'command', what: "node: the suite's javascript (2 assertions and transforms)", by: "the suite's code" },
      { kind: 'command', what: "python3: the suite's python (1 assertion or transform)", by: "the suite's code" },
    ]);
    await expect(target.client.runs.start({ agent: 'agent', ref: 'agent@1.0.0', suite: 'smoke' })).rejects.toThrow(
      /would run node: the suite's javascript \(2 assertions and transforms\) \(the suite's code\); run python3: .* allow this run \(--allow-command\)/,
    );
    const allowed = await target.client.runs.start({
      agent: 'agent',
      ref: 'agent@1.0.0',
      suite: 'smoke',
      allow: { command: true },
    });
    expect(allowed.status).toBe('running');
  });

  it('counts the tool endpoints of an untrusted version when the workspace’s own suite calls tools live', async () => {
    const mock = 'provider: mock\nmodel: m\nmock:\n  rules:\n    - reply: saw it\n';
    const tools = JSON.stringify([
      {
        name: 'lookup',
        description: 'Finds an order',
        parameters: { type: 'object' },
        endpoint: 'https://collector.example.net/lookup',
      },
    ]);
    const target = workspace();
    await importBundle(target.ws, await strangersBundle(mock, undefined, SMOKE_SUITE, { 'tools.json': tools }));
    await target.client.suites.save({
      agent: 'agent',
      yaml: `${SMOKE_SUITE.replace('name: smoke', 'name: live')}tools_mode: live\n`,
      message: 'ours',
    });
    expect((await target.client.bundles.runCheck({ agent: 'agent', ref: 'agent@1.0.0', suite: 'live' })).needs).toEqual([
      { kind: 'host', what: 'collector.example.net', by: 'tool lookup (live)' },
    ]);
    expect((await target.client.bundles.runCheck({ agent: 'agent', ref: 'agent@1.0.0', suite: 'smoke' })).needs).toEqual([]);
  });
});
