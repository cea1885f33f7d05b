import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { pooledFetch } from '../shared/node/pooled-fetch';
import { openDatabase } from '../shared/node/sqlite';
import type { ReleaseState, RuntimeEvent, TokenInfo } from '../shared/release/protocol';
import { startFakeLlm, type FakeLlm } from '../test-support/fake-llm';
import { tempDir } from '../test-support/workspace';
import { migrate, readMigrations } from '../shared/node/migrate';
import { MIGRATIONS_DIR } from './store';
import { mockAgent, runtimeApi, startRuntimeProcess, type RuntimeProcess } from '../test-support/runtime-process';

const BIN = join(import.meta.dirname, '..', 'bin', 'slipway-runtime.js');
const COMMAND_AGENT = join(import.meta.dirname, '..', 'test-support', 'command-agent.mjs');
const LOOPBACK = ['--allow-host', '127.0.0.1', '--allow-private-network'];
/** The vars the test agents' user.md asks for. */
const QUESTION = { vars: { question: 'hello' } };

let runtime: RuntimeProcess | null = null;
let fake: FakeLlm | null = null;
afterEach(async () => {
  await runtime?.stop();
  runtime = null;
  await fake?.close();
  fake = null;
});

/** A runtime process with a role's API at hand, and one agent's upload, deploy and state. */
async function open(options: Parameters<typeof startRuntimeProcess>[0] = {}) {
  runtime = await startRuntimeProcess(options);
  const started = runtime;
  const as = (role: keyof RuntimeProcess['tokens']) => runtimeApi(started.url, started.tokens[role]);
  let keys = 0;
  const state = async (agent = 'triage') => (await as('viewer')<ReleaseState>('GET', `/v1/agents/${agent}/release`)).body;
  const upload = (agent: string, version: { files: Record<string, string>; hash: string }, semver = '1.0.0') =>
    as('deployer')<{ error?: { message: string; type: string } }>('PUT', `/v1/agents/${agent}/versions/${version.hash}`, {
      semver,
      files: version.files,
    });
  const command = async (agent: string, action: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    as('deployer')<{ state: ReleaseState; error?: { message: string; type: string } }>('POST', `/v1/agents/${agent}/commands`, {
      idempotencyKey: `key-${(keys += 1)}-${Date.now()}`,
      expectedGeneration: (await state(agent)).generation,
      action,
      ...extra,
    });
  const deploy = async (agent: string, version: { files: Record<string, string>; hash: string }) => {
    await upload(agent, version);
    return command(agent, { type: 'deploy', version: version.hash });
  };
  const events = async (agent?: string) =>
    (await as('admin')<{ events: RuntimeEvent[] }>('GET', `/v1/events?stream=false${agent ? `&agent=${agent}` : ''}`)).body
      .events;
  return { runtime: started, as, state, upload, command, deploy, events };
}

const overOpenAi = (baseUrl: string, extra = 'retries: 0\n') =>
  mockAgent('unused', {
    'config.yaml': `provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\nbase_url: ${baseUrl}\n${extra}`,
  });

describe('the runtime runs only what its operator allowed', () => {
  it("refuses a deployer's command-provider version at upload, and runs an allowed program without any key in its environment", async () => {
    const command = (program: string) =>
      mockAgent('unused', {
        'config.yaml': `provider: command\nmodel: local-1\ncommand: ${JSON.stringify([program, '-e', 'require("child_process").execSync("id")'])}\n`,
      });
    const closed = await open({ env: { SLIPWAY_KEY_OPENAI: 'sk-secret-value' } });
    const refused = await closed.upload('triage', command('/bin/bash'));
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toMatch(/the command provider is not allowed on this runtime.*--allow-command PATH/);
    expect(refused.body.error?.type).toBe('permission_error');
    expect((await closed.state()).stable).toBeNull();
    await runtime?.stop();

    const allowed = await open({
      env: { SLIPWAY_KEY_OPENAI: 'sk-secret-value' },
      flags: ['--allow-command', process.execPath],
    });
    expect((await allowed.upload('triage', command('/bin/bash'))).body.error?.message).toMatch(
      new RegExp(`may run only ${process.execPath.replace(/[/.]/g, '\\$&')}.*not /bin/bash`),
    );
    const envAgent = mockAgent('unused', {
      'config.yaml': `provider: command\nmodel: local-1\ncommand: ${JSON.stringify([process.execPath, COMMAND_AGENT, 'env'])}\n`,
    });
    expect((await allowed.deploy('triage', envAgent)).status).toBe(200);
    const served = await allowed.as('invoker')<{ output: string }>('POST', '/v1/agents/triage/invoke', {
      vars: { question: 'x' },
    });
    expect(served.body.output).toBe('no keys');
  });

  it('sends a key only to the host it is bound to, calls only allowed hosts, private ones only when said — at upload, deploy and on each call', async () => {
    fake = await startFakeLlm(() => ({ kind: 'reply', text: 'from the fake' }));
    const keyed = overOpenAi(`${fake.url}/v1`, 'retries: 0\napi_key: OPENAI\n');
    const env = { SLIPWAY_KEY_OPENAI: 'sk-bound-key' };

    const publicOnly = await open({ env, flags: ['--allow-host', '127.0.0.1'] });
    expect((await publicOnly.upload('triage', overOpenAi(`${fake.url}/v1`))).body.error?.message).toMatch(
      /127\.0\.0\.1:\d+ is a loopback or private address.*--allow-private-network/,
    );
    expect((await publicOnly.upload('triage', overOpenAi('https://attacker.example/v1'))).body.error?.message).toMatch(
      /host attacker\.example:443 is not allowed on this runtime.*--allow-host attacker\.example/,
    );
    await runtime?.stop();

    const unbound = await open({ env, flags: LOOPBACK });
    const refused = await unbound.upload('triage', keyed);
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toMatch(/key OPENAI is bound to no host on this runtime.*--bind-key OPENAI=127\.0\.0\.1/);
    await runtime?.stop();

    const bound = await open({ env, flags: [...LOOPBACK, '--bind-key', 'OPENAI=127.0.0.1'] });
    expect((await bound.deploy('triage', keyed)).status).toBe(200);
    expect((await bound.as('invoker')<{ output: string }>('POST', '/v1/agents/triage/invoke', QUESTION)).body.output).toBe(
      'from the fake',
    );
    expect(fake.requests.at(-1)?.headers.authorization).toBe('Bearer sk-bound-key');
    const other = overOpenAi(`${fake.url.replace('127.0.0.1', 'localhost')}/v1`, 'retries: 0\napi_key: OPENAI\n');
    expect((await bound.upload('intake', other)).body.error?.message).toMatch(/host localhost:\d+ is not allowed/);

    // The operator takes the binding away: what is on the runtime stops taking traffic, and cannot be deployed again.
    await bound.upload('router', keyed);
    const dir = bound.runtime.dir;
    await bound.runtime.kill();
    runtime = null;
    const tightened = await startRuntimeProcess({ env, flags: LOOPBACK, dir });
    runtime = tightened;
    const invoker = runtimeApi(tightened.url, tightened.tokens.invoker);
    const call = await invoker<{ error: { message: string } }>('POST', '/v1/agents/triage/invoke', QUESTION);
    // The operator's flags, not the caller, are why it cannot run: the runtime's trouble, 503.
    expect(call.status).toBe(503);
    expect(call.body.error.message).toMatch(/key OPENAI is bound to no host/);
    expect(call.headers.get('x-slipway-version')).toBe(`1.0.0 ${keyed.hash}`);
    const deployer = runtimeApi(tightened.url, tightened.tokens.deployer);
    const deploy = await deployer<{ error: { message: string } }>('POST', '/v1/agents/router/commands', {
      idempotencyKey: 'router-deploy-1',
      expectedGeneration: 0,
      action: { type: 'deploy', version: keyed.hash },
    });
    expect(deploy.status).toBe(403);
    expect(deploy.body.error.message).toMatch(/may not run on this runtime: key OPENAI is bound to no host/);
    expect(fake.requests).toHaveLength(1);
  });
});

describe('a token does only what its role says', () => {
  it('writes the token as the actor of a command and its event, whatever the body claims', async () => {
    const { deploy, command, events } = await open();
    await deploy('triage', mockAgent('stable'));
    await command(
      'triage',
      { type: 'rollback', to: mockAgent('stable').hash, reason: 'guardrail tripped' },
      { actor: 'runtime' },
    );
    const rolled = (await events('triage')).find((event) => event.type === 'rolled-back');
    expect(rolled?.actor).toMatch(/^token:test deployer \([0-9a-f]{12}\)$/);
    expect((await events('triage')).every((event) => event.actor !== 'runtime')).toBe(true);
  });

  it('binds an idempotency key to its agent and its command: reused for another, 409 naming the first', async () => {
    const { deploy, as, state } = await open();
    const stable = mockAgent('stable');
    await deploy('triage', stable);
    await deploy('intake', stable);
    const deployer = as('deployer');
    const canary = mockAgent('canary');
    await deployer('PUT', `/v1/agents/triage/versions/${canary.hash}`, { semver: '1.1.0', files: canary.files });
    const body = {
      idempotencyKey: 'release-1.1.0',
      expectedGeneration: 1,
      action: { type: 'canary', version: canary.hash, weight: 5 },
    };
    expect((await deployer('POST', '/v1/agents/triage/commands', body)).status).toBe(200);
    expect((await deployer<{ applied: boolean }>('POST', '/v1/agents/triage/commands', body)).body.applied).toBe(false);
    const otherAction = await deployer<{ error: { message: string } }>('POST', '/v1/agents/triage/commands', {
      ...body,
      action: { type: 'set-weight', weight: 50 },
    });
    expect(otherAction.status).toBe(409);
    expect(otherAction.body.error.message).toMatch(
      /idempotency key "release-1.1.0" was already used for another command \(agent:triage .*"canary"/,
    );
    const otherAgent = await deployer<{ error: { message: string } }>('POST', '/v1/agents/intake/commands', body);
    expect(otherAgent.status).toBe(409);
    expect((await state('intake')).canary).toBeNull();
    expect((await state('triage')).canary?.weight).toBe(5);
  });

  it('lists, expires and revokes tokens — from the CLI and over the API — refusing a revoked or expired one at once, each an event', async () => {
    const { as, events, runtime: started } = await open();
    const cli = (...args: string[]) =>
      execFileSync(process.execPath, [BIN, 'token', ...args, '--data', started.dir], { encoding: 'utf8' });
    const listed = JSON.parse(cli('list', '--json')) as TokenInfo[];
    expect(listed.map((info) => info.role).sort()).toEqual(['admin', 'deployer', 'invoker', 'viewer']);
    expect(JSON.stringify(listed)).not.toContain(started.tokens.viewer);

    const viewer = as('viewer');
    expect((await viewer('GET', '/v1/agents/triage/release')).status).toBe(200);
    const viewerId = listed.find((info) => info.role === 'viewer')?.id ?? '';
    expect(cli('revoke', viewerId.slice(0, 8))).toContain(`revoked ${viewerId}`);
    const afterRevoke = await viewer<{ error: { message: string } }>('GET', '/v1/agents/triage/release');
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.body.error.message).toContain(`token ${viewerId} ("test viewer") was revoked`);

    const admin = as('admin');
    const made = await admin<{ token: string; info: TokenInfo }>('POST', '/v1/tokens', {
      role: 'viewer',
      name: 'dashboard',
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    expect(made.status).toBe(201);
    const dashboard = runtimeApi(started.url, made.body.token);
    expect((await dashboard('GET', '/v1/agents/triage/release')).status).toBe(200);
    const brief = await admin<{ token: string }>('POST', '/v1/tokens', {
      role: 'viewer',
      name: 'brief',
      expiresAt: new Date(Date.now() + 300).toISOString(),
    });
    const briefApi = runtimeApi(started.url, brief.body.token);
    expect((await briefApi('GET', '/v1/agents/triage/release')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await briefApi<{ error: { message: string } }>('GET', '/v1/agents/triage/release')).body.error.message).toMatch(
      /expired at/,
    );
    // Token events name every token: a viewer does not see them.
    const seenByViewer = await as('deployer')<{ events: RuntimeEvent[] }>('GET', '/v1/events?stream=false');
    expect(seenByViewer.body.events.filter((event) => event.type.startsWith('token-'))).toEqual([]);
    const expired = execFileSync(
      process.execPath,
      [BIN, 'token', 'create', '--data', started.dir, '--role', 'viewer', '--expires', '2020-01-01T00:00:00Z'],
      {
        encoding: 'utf8',
      },
    ).trim();
    const old = await runtimeApi(started.url, expired)<{ error: { message: string } }>('GET', '/v1/agents/triage/release');
    expect(old.status).toBe(401);
    expect(old.body.error.message).toMatch(/expired at 2020-01-01/);
    expect((await as('deployer')('GET', '/v1/tokens')).status).toBe(403);
    const revoked = await admin<{ info: TokenInfo }>('POST', `/v1/tokens/${made.body.info.id}/revoke`);
    expect(revoked.body.info.revokedAt).not.toBeNull();
    expect((await dashboard('GET', '/v1/agents/triage/release')).status).toBe(401);
    expect((await admin('POST', '/v1/tokens/abcdef000000/revoke')).status).toBe(404);

    const tokenEvents = (await events()).filter((event) => event.type.startsWith('token-'));
    expect(tokenEvents.map((event) => [event.type, (event.detail.token as { name: string }).name])).toEqual([
      ['token-created', 'test invoker'],
      ['token-created', 'test viewer'],
      ['token-created', 'test deployer'],
      ['token-created', 'test admin'],
      ['token-revoked', 'test viewer'],
      ['token-created', 'dashboard'],
      ['token-created', 'brief'],
      ['token-created', 'unnamed'],
      ['token-revoked', 'dashboard'],
    ]);
    expect(tokenEvents[5]?.actor).toMatch(/^token:test admin/);
    expect(JSON.stringify(tokenEvents)).not.toContain(made.body.token);
  });
});

/** A request whose body is sent slowly (or never): what a hostile or broken client does. */
function slowBody(url: string, path: string, token: string, declared: number, first: Buffer) {
  return new Promise<{ status: number; body: string; abort: () => void }>((resolve, reject) => {
    const outgoing = httpRequest(`${url}${path}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': declared },
    });
    outgoing.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, abort: () => outgoing.destroy() }));
    });
    outgoing.on('error', (error) => reject(new Error(`slow body to ${path}: ${error.message}`)));
    outgoing.write(first);
  });
}

/** An upload whose Content-Length says `declared` bytes, of which only `sent` come: a body held open. */
const heldUpload = (started: RuntimeProcess, declared: number, sent: number) =>
  slowBody(
    started.url,
    `/v1/agents/triage/versions/${mockAgent('x').hash}`,
    started.tokens.deployer,
    declared,
    Buffer.alloc(sent, 32),
  );

describe('bodies are bounded', () => {
  it('refuses a body past its limit with 413 before reading it, and near-limit bodies in flight do not stall /health', async () => {
    const { runtime: started, as } = await open({ flags: ['--max-upload-body', '2000000'] });
    const hash = mockAgent('x').hash;
    // Content-Length says 3 MB: refused at once, with nothing more than its first bytes sent.
    const declared = await slowBody(
      started.url,
      `/v1/agents/triage/versions/${hash}`,
      started.tokens.deployer,
      3_000_000,
      Buffer.from('{"semver"'),
    );
    expect(declared.status).toBe(413);
    expect(declared.body).toContain('the body is over 2000000 bytes');
    // Chunked, with no length said: refused as soon as the bytes pass the limit (64 KiB for a command).
    const chunked = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
      let sent = 0;
      const outgoing = httpRequest(`${started.url}/v1/agents/triage/commands`, {
        method: 'POST',
        headers: { authorization: `Bearer ${started.tokens.deployer}`, 'content-type': 'application/json' },
      });
      let answered = false;
      outgoing.on('response', (response) => {
        answered = true;
        response.resume();
        resolve({ status: response.statusCode ?? 0, sent });
        outgoing.destroy();
      });
      outgoing.on('error', (error) => (answered ? undefined : reject(new Error(`chunked body: ${error.message}`))));
      const more = () => {
        if (answered) return;
        sent += 16_384;
        outgoing.write(' '.repeat(16_384), () => setImmediate(more));
      };
      more();
    });
    expect(chunked.status).toBe(413);
    // The stream never ends: an answer at all means the runtime stopped reading (what the client had
    // sent by then counts its socket's buffers too).
    expect(chunked.sent).toBeLessThan(8 * 1024 * 1024);

    // Eight uploads just under the limit, their bodies held back: /health and traffic still answer.
    const held = Array.from({ length: 8 }, () => heldUpload(started, 1_999_000, 1_000_000).catch(() => null));
    const health = await fetch(`${started.url}/health`);
    expect(health.status).toBe(200);
    expect((await as('viewer')('GET', '/v1/agents/triage/release')).status).toBe(200);
    // …while the eight are still being read, none answered yet.
    const settled = await Promise.race([
      Promise.all(held).then(() => 'answered'),
      new Promise((resolve) => setTimeout(() => resolve('still held'), 200)),
    ]);
    expect(settled).toBe('still held');
  });
});

describe('metrics stay cheap and see failures', () => {
  it("answers a viewer's metrics read over 40,000 requests from aggregates whose rows do not grow with the requests, while traffic and /health go on", async () => {
    const { deploy, as, runtime: started } = await open();
    const stable = mockAgent('fast');
    await deploy('triage', stable);
    const body = JSON.stringify({ vars: { question: 'q' } });
    const headers = { authorization: `Bearer ${started.tokens.invoker}`, 'content-type': 'application/json' };
    // Kept-alive connections over node:http: the cheapest client, so the runtime does most of the work.
    const post = pooledFetch();
    let sent = 0;
    const worker = async () => {
      while (sent < 40_000) {
        sent += 1;
        const response = await post(`${started.url}/v1/agents/triage/invoke`, { method: 'POST', headers, body });
        await response.text();
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const viewer = as('viewer');
    const [read, health, chat] = await Promise.all([
      viewer<{ buckets: Array<{ requests: number; version: string; partial: boolean; latencyP95: number | null }> }>(
        'GET',
        '/v1/agents/triage/metrics',
      ),
      fetch(`${started.url}/health`),
      as('invoker')('POST', '/v1/chat/completions', { model: 'triage', messages: [{ role: 'user', content: 'hi' }] }),
    ]);
    expect(health.status).toBe(200);
    expect(chat.status).toBe(200);
    expect(read.body.buckets.reduce((sum, bucket) => sum + bucket.requests, 0)).toBeGreaterThanOrEqual(40_000);
    expect(read.body.buckets.every((bucket) => bucket.latencyP95 !== null)).toBe(true);
    const db = openDatabase(join(started.dir, 'runtime.db'), { readonly: true });
    try {
      const { rows, seconds } = db
        .prepare(
          "SELECT count(*) AS rows, (max(start_ms) - min(start_ms)) / 1000 + 1 AS seconds FROM metric_buckets WHERE agent = 'triage' AND width_ms = 1000",
        )
        .get() as { rows: number; seconds: number };
      // One row per second's bucket (the tests' runtimes use 1 s buckets): bounded by time, not by the 40,000 requests.
      expect(rows).toBeLessThanOrEqual(seconds);
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'requests'").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  }, 120_000); // 40,000 real requests take seconds on two cores, more on a busy machine: timing is the benchmark's business.

  it('counts a failed request with its real duration: a canary whose upstream hangs trips a p95 guardrail', async () => {
    fake = await startFakeLlm(() => ({ kind: 'hang' }));
    const { deploy, upload, command, as, state, events } = await open({ flags: LOOPBACK });
    await deploy('triage', mockAgent('stable'));
    const hanging = overOpenAi(`${fake.url}/v1`, 'retries: 0\ntimeout_ms: 400\n');
    await upload('triage', hanging, '1.1.0');
    await as('admin')('PUT', '/v1/agents/triage/guardrails', { maxP95LatencyMs: 300, minRequests: 8, windowMs: 60_000 });
    await command('triage', { type: 'canary', version: hanging.hash, weight: 100 });
    const invoker = as('invoker');
    while ((await state()).canary !== null)
      await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          invoker('POST', '/v1/agents/triage/invoke', QUESTION, { 'x-slipway-routing-key': `k${index}` }),
        ),
      );
    const trip = (await events('triage')).find((event) => event.type === 'guardrail-tripped');
    expect(trip?.detail).toMatchObject({ metric: 'p95 latency', threshold: 300 });
    expect(Number(trip?.detail.value)).toBeGreaterThan(390);
  });
});

describe('upstream behaviour a client can rely on', () => {
  it.each([
    ['an OpenAI-compatible', (url: string) => overOpenAi(`${url}/v1`)],
    [
      'an Anthropic',
      (url: string) =>
        mockAgent('unused', {
          'config.yaml': `provider: anthropic\nmodel: claude-3-5-haiku-20241022\nbase_url: ${url}\napi_key: ANTHROPIC\nretries: 0\n`,
        }),
    ],
  ])(
    "passes %s upstream's stream through: the first chunk arrives while the upstream is still answering",
    async (_kind, version) => {
      let finish: () => void = () => undefined;
      const rest = new Promise<void>((resolve) => (finish = resolve));
      fake = await startFakeLlm(() => ({ kind: 'stream', pieces: ['Hel', 'lo', ' there'], rest }));
      const { deploy, runtime: started } = await open({
        flags: [...LOOPBACK, '--bind-key', 'ANTHROPIC=127.0.0.1'],
        env: { SLIPWAY_KEY_ANTHROPIC: 'sk-ant-test' },
      });
      await deploy('triage', version(fake.url));
      const client = new OpenAI({ baseURL: `${started.url}/v1`, apiKey: started.tokens.invoker, maxRetries: 0 });
      const { data: stream, response } = await client.chat.completions
        .create({ model: 'triage', stream: true, messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
      const seen: string[] = [];
      let id = '';
      for await (const chunk of stream) {
        id = chunk.id;
        const content = chunk.choices[0]?.delta.content;
        if (content) {
          seen.push(content);
          // The upstream holds the rest until the first piece is here: it was passed on, not gathered.
          if (seen.length === 1) finish();
        }
      }
      expect(seen).toEqual(['Hel', 'lo', ' there']);
      expect(id).toMatch(/^req_[0-9a-f]{32}$/);
      expect(response.headers.get('x-slipway-request-id')).toBe(id);
    },
  );

  it('answers an upstream 429 as 429 with Retry-After, errors OpenAI-shaped with the version and a request id, and retries no other 4xx', async () => {
    fake = await startFakeLlm((request) =>
      JSON.stringify(request.body).includes('limit')
        ? { kind: 'status', status: 429, retryAfter: '1' }
        : JSON.stringify(request.body).includes('slow')
          ? { kind: 'status', status: 408 }
          : { kind: 'status', status: 400, body: '{"error":{"message":"bad"}}' },
    );
    const { deploy, runtime: started } = await open({ flags: LOOPBACK });
    await deploy('triage', overOpenAi(`${fake.url}/v1`, 'retries: 1\n'));
    const chat = (content: string) =>
      fetch(`${started.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${started.tokens.invoker}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'triage', messages: [{ role: 'user', content }] }),
      });
    const limited = await chat('limit me');
    expect(limited.status).toBe(429);
    // The version's own retry first (after the upstream's Retry-After), then the 429 passed on.
    expect(fake.requests).toHaveLength(2);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('x-slipway-version')).toMatch(/^1\.0\.0 [0-9a-f]{64}$/);
    expect(limited.headers.get('x-slipway-request-id')).toMatch(/^req_/);
    expect(((await limited.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error');
    const before = fake.requests.length;
    const bad = await chat('bad');
    expect(bad.status).toBe(502);
    expect(((await bad.json()) as { error: { type: string; message: string } }).error).toMatchObject({ type: 'api_error' });
    expect(fake.requests.length - before).toBe(1);
    // A 408 is worth the version's retry.
    const timedOut = fake.requests.length;
    expect((await chat('slow')).status).toBe(502);
    expect(fake.requests.length - timedOut).toBe(2);
    const unauthorized = await fetch(`${started.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(((await unauthorized.json()) as { error: { type: string } }).error.type).toBe('authentication_error');
    expect(unauthorized.headers.get('x-slipway-request-id')).toMatch(/^req_/);
  });

  it('cancels the upstream call when the client disconnects', async () => {
    fake = await startFakeLlm(() => ({ kind: 'hang' }));
    const { deploy, as, runtime: started } = await open({ flags: LOOPBACK });
    await deploy('triage', overOpenAi(`${fake.url}/v1`, 'retries: 0\ntimeout_ms: 60000\n'));
    const controller = new AbortController();
    const call = fetch(`${started.url}/v1/agents/triage/invoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${started.tokens.invoker}`, 'content-type': 'application/json' },
      body: JSON.stringify(QUESTION),
      signal: controller.signal,
    }).catch(() => null);
    await fake.received(1);
    controller.abort();
    await call;
    await fake.abandoned(1);
    expect(fake.requests).toHaveLength(1);
    // A caller that hung up is not the version's failure: nothing is counted against it.
    const { body } = await as('viewer')<{ buckets: Array<{ errors: number }> }>('GET', '/v1/agents/triage/metrics');
    expect(body.buckets.reduce((sum, bucket) => sum + bucket.errors, 0)).toBe(0);
  });

  it("keeps a caller's system messages as system messages after the version's, refuses what it would ignore, and lists its models", async () => {
    fake = await startFakeLlm(() => ({ kind: 'reply', text: 'ok' }));
    const { deploy, as } = await open({ flags: LOOPBACK });
    await deploy('triage', overOpenAi(`${fake.url}/v1`));
    const invoker = as('invoker');
    const answered = await invoker<{ id: string }>('POST', '/v1/chat/completions', {
      model: 'triage',
      messages: [
        { role: 'developer', content: 'Answer in French.' },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(answered.body.id).toBe(answered.headers.get('x-slipway-request-id'));
    const roles = (fake.requests.at(-1)?.body.messages as Array<{ role: string; content: string }>).map((m) => [
      m.role,
      m.content,
    ]);
    expect(roles).toEqual([
      ['system', 'You answer support tickets.\n'],
      ['system', 'Answer in French.'],
      ['user', 'hi'],
    ]);
    for (const [field, value, said] of [
      ['tools', [{ type: 'function', function: { name: 'x' } }], /tools is refused: the served version declares its own tools/],
      ['n', 2, /n must be 1/],
      ['temperature', 0.9, /temperature is set by the served version's config\.yaml/],
      ['frobnicate', true, /frobnicate is not a field this runtime serves/],
      [
        'messages',
        [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }],
        /only text content parts are served/,
      ],
    ] as const) {
      const refused = await invoker<{ error: { message: string; type: string } }>('POST', '/v1/chat/completions', {
        model: 'triage',
        messages: [{ role: 'user', content: 'hi' }],
        [field]: value,
      });
      expect(refused.status, field).toBe(400);
      expect(refused.body.error.message, field).toMatch(said);
      expect(refused.body.error.type).toBe('invalid_request_error');
    }
    const models = await invoker<{ data: Array<{ id: string; object: string }> }>('GET', '/v1/models');
    expect(models.body.data.map((model) => [model.id, model.object])).toEqual([['triage', 'model']]);
  });
});

describe('versions and data', () => {
  it('deploys two agents whose files are identical: versions are keyed by agent and hash', async () => {
    const { deploy, as } = await open();
    const same = mockAgent('the same files');
    expect((await deploy('triage', same)).status).toBe(200);
    expect((await deploy('intake', same)).status).toBe(200);
    const invoker = as('invoker');
    for (const agent of ['triage', 'intake'])
      expect((await invoker<{ output: string }>('POST', `/v1/agents/${agent}/invoke`, QUESTION)).body.output).toBe(
        'the same files',
      );
  });

  it('migrates a database from before, copying it to backups/ first, and backs up on demand', async () => {
    const { dir, cleanup } = tempDir('slipway-runtime-migrate-');
    try {
      // A data folder as the release before left it: only the migrations it knew, with a version and a command in it.
      const before = join(dir, 'migrations-before');
      mkdirSync(before);
      for (const file of readdirSync(MIGRATIONS_DIR).filter((name) => name < '0030'))
        copyFileSync(join(MIGRATIONS_DIR, file), join(before, file));
      const db = openDatabase(join(dir, 'runtime.db'));
      migrate(db, readMigrations(before), { now: () => 'then', backup: () => undefined });
      const kept = mockAgent('kept');
      db.prepare("INSERT INTO versions (hash, agent, semver, files, uploaded_at) VALUES (?, 'triage', '1.0.0', ?, 'then')").run(
        kept.hash,
        JSON.stringify(kept.files),
      );
      db.prepare("INSERT INTO commands (idempotency_key, agent, answer, at) VALUES ('old-key-1', 'triage', '{}', 'then')").run();
      db.prepare(
        "INSERT INTO requests (agent, version, at_ms, latency_ms, error, input_tokens, output_tokens, cost_usd, tool_calls, assertion_failed) VALUES ('triage', ?, ?, 12, 1, 3, 2, 0.01, 0, 0)",
      ).run(kept.hash, Date.now() - 5000);
      db.close();

      const { runtime: started, as } = await open({ dir });
      expect(readdirSync(join(dir, 'backups'))).toEqual([expect.stringMatching(/^runtime-.*-before-0030-hardening\.db$/)]);
      const deployer = as('deployer');
      const deployed = await deployer('POST', '/v1/agents/triage/commands', {
        idempotencyKey: 'new-key-1',
        expectedGeneration: 0,
        action: { type: 'deploy', version: kept.hash },
      });
      expect(deployed.status).toBe(200);
      // The requests served before the upgrade still count: folded into buckets.
      const { body } = await as('viewer')<{ buckets: Array<{ requests: number; errors: number }> }>(
        'GET',
        '/v1/agents/triage/metrics',
      );
      expect(body.buckets.reduce((sum, bucket) => sum + bucket.requests, 0)).toBe(1);
      expect(body.buckets.reduce((sum, bucket) => sum + bucket.errors, 0)).toBe(1);
      const copy = join(tempDir('slipway-runtime-backup-').dir, 'copy.db');
      expect(
        execFileSync(process.execPath, [BIN, 'backup', '--data', started.dir, '--to', copy], { encoding: 'utf8' }),
      ).toContain('backed up');
      const restored = openDatabase(copy, { readonly: true });
      try {
        expect(restored.prepare('SELECT agent, semver FROM versions').all()).toEqual([{ agent: 'triage', semver: '1.0.0' }]);
        expect(restored.prepare('SELECT scope FROM commands ORDER BY at').all()).toEqual([
          { scope: 'agent:triage' },
          { scope: 'agent:triage' },
        ]);
      } finally {
        restored.close();
      }
    } finally {
      cleanup();
    }
  });
});

describe('what an attacker tried next', () => {
  it('refuses private addresses in IPv6 spellings, keys over plain http to public hosts, and mock patterns that backtrack without end', async () => {
    const { upload } = await open({ flags: ['--allow-host', '*', '--bind-key', 'OPENAI=*'] });
    for (const url of [
      'http://[::ffff:7f00:1]:9/v1',
      'http://[::ffff:127.0.0.1]:9/v1',
      'http://[64:ff9b::a9fe:a9fe]/v1',
      'http://[2002:7f00:1::]/v1',
    ])
      expect((await upload('triage', overOpenAi(url))).body.error?.message, url).toMatch(/loopback or private address/);
    expect((await upload('triage', overOpenAi('http://api.example.com/v1', 'api_key: OPENAI\n'))).body.error?.message).toMatch(
      /key OPENAI would cross the network unencrypted/,
    );
    const redos = mockAgent('x', {
      'config.yaml': 'provider: mock\nmodel: mock-1\nmock:\n  rules:\n    - match: "^user: (a+)+$"\n      reply: x\n',
    });
    expect((await upload('triage', redos)).body.error?.message).toMatch(/nests repetition/);
  });

  it('survives hostile bodies: deep nesting and __proto__ refused, a bad redact pattern refused, the shadow never crashing the runtime', async () => {
    const { deploy, upload, command, as, runtime: started } = await open();
    await deploy('triage', mockAgent('stable'));
    const shadow = mockAgent('shadow');
    await upload('triage', shadow, '1.1.0');
    await command('triage', { type: 'shadow', version: shadow.hash, share: 100 });
    const invoker = as('invoker');
    const deep = `{"vars":{"question":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    const refused = await invoker<{ error: { message: string } }>('POST', '/v1/agents/triage/invoke', deep);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/nested deeper than 64 levels/);
    const proto = await invoker<{ error: { message: string } }>(
      'POST',
      '/v1/chat/completions',
      '{"model":"triage","messages":[{"role":"user","content":"hi"}],"__proto__":{"tools":[1]}}',
    );
    expect(proto.status).toBe(400);
    expect(proto.body.error.message).toMatch(/__proto__/);
    expect((await as('admin')('PUT', '/v1/agents/triage/capture', { redact: ['('] })).status).toBe(400);
    expect((await invoker('POST', '/v1/agents/triage/invoke', { vars: { question: [[[['nested', 'but fine']]]] } })).status).toBe(
      200,
    );
    expect((await fetch(`${started.url}/health`)).status).toBe(200);
    expect((await fetch(`${started.url}/health`, { method: 'HEAD' })).status).toBe(200);
    expect((await as('viewer')('GET', '/v1/agents/%E0%A4%A/release')).status).toBe(404);
    expect((await as('viewer')('GET', '/v1/agents/triage/metrics?bucketMs=Infinity')).status).toBe(200);
  });

  it('keeps the eval gate on every way to put a version in front of traffic: rollback to a new version, a team release', async () => {
    const { deploy, upload, as, command, state } = await open();
    await deploy('triage', mockAgent('stable'));
    const untested = mockAgent('untested');
    await upload('triage', untested, '2.0.0');
    await as('admin')('PUT', '/v1/agents/triage/plan', { gate: { suites: ['smoke'], attestations: [] } });
    const rollback = await command('triage', { type: 'rollback', to: untested.hash, reason: 'not really a rollback' });
    expect(rollback.status).toBe(409);
    expect(rollback.body.error?.message).toMatch(/the eval gate refuses 2\.0\.0/);
    const team = await as('deployer')<{ error: { message: string } }>('POST', '/v1/teams/anyteam/release', {
      idempotencyKey: 'team-bypass-1',
      expectedGeneration: 0,
      members: { triage: untested.hash },
    });
    expect(team.status).toBe(409);
    expect(team.body.error.message).toMatch(/the eval gate refuses 2\.0\.0/);
    expect((await state()).stable?.semver).toBe('1.0.0');
    // Back to a version that served before is a rollback, gate or not.
    expect((await command('triage', { type: 'rollback', to: mockAgent('stable').hash, reason: 'same' })).status).toBe(200);
  });

  it('ends an open event stream when its token is revoked, and records a revocation once', async () => {
    const { as, upload, events, runtime: started } = await open();
    const response = await fetch(`${started.url}/v1/events`, { headers: { authorization: `Bearer ${started.tokens.viewer}` } });
    const reader = response.body?.getReader();
    const viewerId = (await as('admin')<{ tokens: TokenInfo[] }>('GET', '/v1/tokens')).body.tokens.find(
      (info) => info.role === 'viewer',
    )?.id;
    expect((await as('admin')('POST', `/v1/tokens/${viewerId}/revoke`)).status).toBe(200);
    expect((await as('admin')('POST', `/v1/tokens/${viewerId}/revoke`)).status).toBe(200);
    await upload('triage', mockAgent('after the revocation'));
    let text = '';
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    expect(text).not.toContain('event: uploaded');
    expect((await events()).filter((event) => event.type === 'token-revoked')).toHaveLength(1);
  });

  it("answers a key reused across a team and an agent with 409, and a team release's members in another order as the same release", async () => {
    const { deploy, as } = await open();
    const stable = mockAgent('stable');
    const other = mockAgent('other');
    await deploy('triage', stable);
    await deploy('intake', other);
    const deployer = as('deployer');
    const release = {
      idempotencyKey: 'shared-key-1',
      expectedGeneration: 0,
      members: { triage: stable.hash, intake: other.hash },
    };
    expect((await deployer('POST', '/v1/teams/support/release', release)).status).toBe(200);
    const reordered = await deployer<{ applied: boolean }>('POST', '/v1/teams/support/release', {
      ...release,
      members: { intake: other.hash, triage: stable.hash },
    });
    expect(reordered.status).toBe(200);
    expect(reordered.body.applied).toBe(false);
    const crossed = await deployer<{ error: { message: string } }>('POST', '/v1/agents/triage/commands', {
      idempotencyKey: 'shared-key-1',
      expectedGeneration: 2,
      action: { type: 'pause' },
    });
    expect(crossed.status).toBe(409);
    expect(crossed.body.error.message).toMatch(/already used for another command \(team:support/);
  });

  it('holds only so many request bodies at once: past the budget a body is refused with 503, and the runtime answers on', async () => {
    const { runtime: started } = await open({ flags: ['--max-held-bodies', '3000000'] });
    const held = [heldUpload(started, 2_000_000, 1_600_000), heldUpload(started, 2_000_000, 1_600_000)];
    const refused = await Promise.race(held);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatch(/holding as many request bodies as it may/);
    expect((await fetch(`${started.url}/health`)).status).toBe(200);
    for (const request of held) void request.then((answer) => answer.abort()).catch(() => null);
  });

  it('reads an uploaded version under the same limits as the CLI and the app: deep YAML and alias bombs refused, naming the limit', async () => {
    const { upload, runtime: started } = await open();
    const bomb = [
      '- &a {role: user, content: x}',
      ...'bcdefghij'.split('').map((name, index) => `- &${name} [${Array(10).fill(`*${'abcdefghij'[index]}`).join(', ')}]`),
    ].join('\n');
    const deep = await upload('triage', mockAgent('x', { 'examples.yaml': '['.repeat(1_000_000) }));
    expect(deep.status).toBe(400);
    expect(deep.body.error?.message).toMatch(/examples\.yaml is nested deeper than 64 levels/);
    expect(JSON.stringify(deep.body).length).toBeLessThan(2000);
    const aliased = await upload('triage', mockAgent('x', { 'examples.yaml': bomb }));
    expect(aliased.status).toBe(400);
    expect(aliased.body.error?.message).toMatch(/examples\.yaml resolves aliases past the limit of 100/);
    expect((await fetch(`${started.url}/health`)).status).toBe(200);
  });
});
