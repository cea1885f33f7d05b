import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodePlatform } from '../../node/platform';
import { Suite } from '../../suite';
import { parseAgentFiles } from '../../validate-files';
import { runSuite } from '../runner';
import { memorySecrets } from '../secrets';
import { AgentRequest } from '../agent-protocol';
import { startJsonServer } from '../../../test-support/json-server';

const script = join(import.meta.dirname, '..', '..', '..', 'test-support', 'command-agent.mjs');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function agent(config: string) {
  return parseAgentFiles({ 'prompt.md': 'Be brief.\n', 'user.md': 'Q: {{q}}\n', 'config.yaml': config, 'tools.json': '[]' });
}

const suite = Suite.parse({
  name: 's',
  cases: [{ id: 'one', vars: { q: 'ping' }, assert: [{ type: 'contains', value: 'saw' }] }],
});
const run = (config: string) =>
  runSuite({
    agent: agent(config),
    versionHash: 'h',
    suite,
    settings: { concurrency: 1, repeat: 1 },
    platform: nodePlatform(memorySecrets({ SVC: 'svc-secret-123' })),
    prices: {},
  });

describe('the http provider', () => {
  it('posts slipway.agent/1 with the rendered messages, vars and a bearer key, and reads the answer', async () => {
    const server = await startJsonServer(() => ({ output: 'agent saw ping', usage: { input_tokens: 4, output_tokens: 2 } }));
    cleanups.push(server.close);
    const outcome = await run(`provider: http\nmodel: triage-svc-2\nbase_url: ${server.url}/agent\napi_key: SVC\n`);
    expect(outcome.results[0]).toMatchObject({ status: 'passed', output: 'agent saw ping', inputTokens: 4, outputTokens: 2 });
    const [request] = server.requests;
    expect(request?.headers.authorization).toBe('Bearer svc-secret-123');
    const parsed = AgentRequest.parse(request?.body);
    expect(parsed).toMatchObject({
      protocol: 'slipway.agent/1',
      model: 'triage-svc-2',
      vars: { q: 'ping' },
      config: { api_key: 'SVC' },
    });
    expect(parsed.messages.map((message) => message.content)).toEqual(['Be brief.\n', 'Q: ping\n']);
    expect(JSON.stringify(parsed)).not.toContain('svc-secret-123');
  });
});

describe('the command provider', () => {
  it('runs a local program with the request on stdin and reads its answer', async () => {
    const outcome = await run(
      `provider: command\nmodel: local-1\ncommand: [${JSON.stringify(process.execPath)}, ${JSON.stringify(script)}, reply]\n`,
    );
    expect(outcome.results[0]).toMatchObject({ status: 'passed', output: 'local-1 saw: Q: ping (vars: q)', inputTokens: 7 });
  });

  it('explains a hang past the timeout, garbage output and a failing program', async () => {
    const cases: Array<[string, string]> = [
      ['hang', 'no answer within 300 ms'],
      ['garbage', 'answered with text that is not JSON'],
      ['fail', 'exited with code 3: model file missing'],
    ];
    for (const [mode, message] of cases) {
      const outcome = await run(
        `provider: command\nmodel: local-1\ntimeout_ms: 300\nretries: 0\ncommand: [${JSON.stringify(process.execPath)}, ${JSON.stringify(script)}, ${mode}]\n`,
      );
      expect(outcome.results[0]?.error?.message, mode).toContain(message);
    }
  });
});
