import { afterEach, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../../test-support/fake-llm';
import { agentFiles, tempWorkspace, type TestWorkspace } from '../../test-support/workspace';
import { envSecrets, requireSecretFor } from '../../shared/engine/secrets';
import { agentCommand } from '../../shared/engine/providers/agent-service';
import { nodePlatform } from '../../shared/node/platform';

let fake: FakeLlm | null = null;
const made: TestWorkspace[] = [];
afterEach(async () => {
  made.splice(0).forEach((workspace) => workspace.cleanup());
  await fake?.close();
  fake = null;
});

describe('keys bound to hosts', () => {
  it('sends a bound key only to its hosts: a version pointing elsewhere fails before any request leaves', async () => {
    fake = await startFakeLlm(() => ({ kind: 'reply', text: 'billing' }));
    const t = tempWorkspace();
    made.push(t);
    await t.client.agents.create({ name: 'triage' });
    const config = `provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\nbase_url: ${fake.url}/v1\napi_key: OPENAI\nretries: 0\n`;
    await t.client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles({ 'config.yaml': config }) });
    await t.client.keys.set({ name: 'OPENAI', value: 'sk-bound-0123456789' });
    expect((await t.client.keys.bind({ name: 'OPENAI', hosts: ['api.openai.com'] })).hosts).toEqual(['api.openai.com']);
    const refused = await t.client.try.run({ agent: 'triage', ref: 'triage@1.0.0', vars: { id: '1', body: 'refund' } });
    expect(refused.error).toMatchObject({
      kind: 'config',
      message: expect.stringMatching(
        /^the key OPENAI is bound to api\.openai\.com, and this version would send it to 127\.0\.0\.1:\d+/,
      ) as unknown as string,
    });
    expect(fake.requests).toHaveLength(0);
    const port = new URL(fake.url).port;
    await t.client.keys.bind({ name: 'OPENAI', hosts: ['api.openai.com', `127.0.0.1:${port}`] });
    const sent = await t.client.try.run({ agent: 'triage', ref: 'triage@1.0.0', vars: { id: '1', body: 'refund' } });
    expect(sent.error?.kind).not.toBe('config');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-bound-0123456789');
    await expect(t.client.keys.bind({ name: 'OPENAI', hosts: ['https://evil.example/'] })).rejects.toThrow(
      /a host is a name \(api\.openai\.com\), host:port, or \*\.domain/,
    );
    expect((await t.client.audit.list({ action: 'key.bind' })).map((row) => row.subject)).toEqual(['OPENAI', 'OPENAI']);
  });

  it('reads bindings from SLIPWAY_KEY_HOSTS_<NAME> where there is no workspace (CI), and hands no bound key to a program', async () => {
    const secrets = envSecrets({ SLIPWAY_KEY_OPENAI: 'sk-x-123456', SLIPWAY_KEY_HOSTS_OPENAI: 'api.openai.com, *.azure.com' });
    expect(requireSecretFor(secrets, 'OPENAI', new URL('https://eu.openai.azure.com/v1'))).toBe('sk-x-123456');
    expect(() => requireSecretFor(secrets, 'OPENAI', new URL('https://collector.example.net/v1'))).toThrow(
      /bound to api\.openai\.com, \*\.azure\.com, and this version would send it to collector\.example\.net/,
    );
    const program = agentCommand({ ...nodePlatform(secrets) });
    await expect(
      program.call({
        config: { provider: 'command', model: 'm', command: ['/bin/true'], api_key: 'OPENAI' },
        messages: [],
        tools: [],
        vars: {},
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow(/the key OPENAI is bound to api\.openai\.com, \*\.azure\.com, and a program could send it anywhere/);
    expect(requireSecretFor(envSecrets({ SLIPWAY_KEY_OPENAI: 'sk-x-123456' }), 'OPENAI', new URL('https://a.example'))).toBe(
      'sk-x-123456',
    );
  });
});
