import { readdirSync, readFileSync } from 'node:fs';
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

  const command = (mode: string, extra = '') =>
    `provider: command\nmodel: local-1\nretries: 0\n${extra}command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(script)}, ${mode}]\n`;

  it('stops a program at its timeout even when a grandchild holds its output open, and kills the grandchild too', async () => {
    const outcome = await run(
      `provider: command\nmodel: local-1\ntimeout_ms: 500\nretries: 0\ncommand: [/bin/sh, -c, "sleep 61.25 & sleep 61.25; echo late"]\n`,
    );
    expect(outcome.results[0]?.error?.message).toContain('no answer within 500 ms');
    // Neither sleep is left running: the program's whole process group was killed (a killed
    // process may take a moment to be gone, and a zombie is not running).
    const alive = () =>
      readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry))
        .filter((pid) => {
          try {
            const state = /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
            return state !== 'Z' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').includes('sleep 61.25');
          } catch {
            return false;
          }
        });
    let running = alive();
    for (let tries = 0; running.length > 0 && tries < 40; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      running = alive();
    }
    expect(running).toEqual([]);
  });

  it('gives a program only the key its config names, decodes UTF-8 split across reads, and stops an output past its limit', async () => {
    process.env.SLIPWAY_KEY_SVC = 'svc-secret-123';
    process.env.SLIPWAY_KEY_OTHER = 'other-secret-456';
    cleanups.push(() => {
      delete process.env.SLIPWAY_KEY_SVC;
      delete process.env.SLIPWAY_KEY_OTHER;
    });
    expect((await run(command('env', 'api_key: SVC\n'))).results[0]?.output).toBe('SLIPWAY_KEY_SVC');
    expect((await run(command('env'))).results[0]?.output).toBe('no keys');
    const split = (await run(command('utf8'))).results[0];
    expect(split?.output).toBe('é'.repeat(150_000));
    const huge = (await run(command('huge', 'timeout_ms: 60000\n'))).results[0];
    expect(huge?.status).toBe('errored');
    expect(huge?.error?.message).toMatch(/wrote more than 16 MiB to stdout and was stopped/);
  });
});
