import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandAnswer, ReleaseState, RuntimeEvent, TeamAnswer, TeamState } from '../shared/release/protocol';
import { startFakeLlm, type FakeLlm } from '../test-support/fake-llm';
import { mockAgent, runtimeApi, startRuntimeProcess, type RuntimeProcess } from '../test-support/runtime-process';

let runtime: RuntimeProcess | null = null;
let fake: FakeLlm | null = null;
afterEach(async () => {
  await runtime?.stop();
  runtime = null;
  await fake?.close();
  fake = null;
});

/** Lets a test wait until its traffic has reached a point (so many answers), checked as each answer arrives. */
function progressOf() {
  const waiters = new Set<() => void>();
  return {
    answered: () => {
      for (const waiter of [...waiters]) waiter();
    },
    until: (condition: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!condition()) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
  };
}

const stable = mockAgent('stable answer');
const candidate = mockAgent('canary answer');
let keys = 0;

async function setup(options: Parameters<typeof startRuntimeProcess>[0] = {}) {
  runtime = await startRuntimeProcess(options);
  const admin = runtimeApi(runtime.url, runtime.tokens.admin);
  const deployer = runtimeApi(runtime.url, runtime.tokens.deployer);
  const invoker = runtimeApi(runtime.url, runtime.tokens.invoker);
  const upload = async (agent: { files: Record<string, string>; hash: string }, semver: string) =>
    deployer('PUT', `/v1/agents/triage/versions/${agent.hash}`, { semver, files: agent.files });
  const state = async () => (await deployer<ReleaseState>('GET', '/v1/agents/triage/release')).body;
  const command = async (action: Record<string, unknown>, expectedGeneration?: number) => {
    keys += 1;
    return deployer<CommandAnswer & { error?: { message: string }; state?: ReleaseState }>('POST', '/v1/agents/triage/commands', {
      idempotencyKey: `key-${keys}-${Date.now()}`,
      expectedGeneration: expectedGeneration ?? (await state()).generation,
      action,
    });
  };
  const invoke = (key: string) =>
    invoker<{ output: string; version: { semver: string } }>(
      'POST',
      '/v1/agents/triage/invoke',
      { vars: { question: 'hello' } },
      { 'x-slipway-routing-key': key },
    );
  return { admin, deployer, invoker, upload, state, command, invoke };
}

describe('the reference runtime, as a real process', () => {
  it('takes uploads by hash, serves the stable version, runs a canary 5 → 100 and promotes it', async () => {
    const { upload, command, invoke, state, deployer } = await setup();
    expect((await upload(stable, '1.0.0')).status).toBe(201);
    expect((await upload(stable, '1.0.0')).body).toMatchObject({ created: false });
    const wrong = await deployer('PUT', `/v1/agents/triage/versions/${'0'.repeat(64)}`, { semver: '1.0.1', files: stable.files });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toContain(`hash to ${stable.hash}`);
    expect((await command({ type: 'deploy', version: stable.hash })).status).toBe(200);
    const served = await invoke('user-1');
    expect(served.body).toMatchObject({ output: 'stable answer', version: { semver: '1.0.0' } });
    expect(served.headers.get('x-slipway-version')).toBe(`1.0.0 ${stable.hash}`);

    await upload(candidate, '1.1.0');
    for (const weight of [5, 25, 50]) {
      const step =
        weight === 5
          ? await command({ type: 'canary', version: candidate.hash, weight })
          : await command({ type: 'set-weight', weight });
      expect(step.body.state.canary).toMatchObject({ semver: '1.1.0', weight });
    }
    const outputs = await Promise.all(Array.from({ length: 200 }, (_, index) => invoke(`user-${index}`)));
    const canaryShare = outputs.filter((response) => response.body.output === 'canary answer').length / outputs.length;
    expect(canaryShare).toBeGreaterThan(0.35);
    expect(canaryShare).toBeLessThan(0.65);
    expect((await invoke('user-7')).body.output).toBe((await invoke('user-7')).body.output);
    await command({ type: 'set-weight', weight: 100 });
    expect((await command({ type: 'promote' })).body.state).toMatchObject({
      stable: { semver: '1.1.0' },
      canary: null,
      history: [{ semver: '1.0.0' }],
    });
    expect((await invoke('anyone')).body.output).toBe('canary answer');
    const events = (await deployer<{ events: RuntimeEvent[] }>('GET', '/v1/events?stream=false&agent=triage')).body.events.map(
      (event) => event.type,
    );
    expect(events).toEqual([
      'uploaded',
      'deployed',
      'uploaded',
      'canary-started',
      'weight-set',
      'weight-set',
      'weight-set',
      'promoted',
    ]);
    expect((await state()).generation).toBe(6);
  });

  it('applies a retried idempotency key once, refuses a stale generation with the current state, and checks roles and bodies', async () => {
    const { upload, command, deployer, invoker, admin, state } = await setup();
    await upload(stable, '1.0.0');
    await command({ type: 'deploy', version: stable.hash });
    await upload(candidate, '1.1.0');
    const body = {
      idempotencyKey: 'canary-1.1.0-try',
      expectedGeneration: 1,
      action: { type: 'canary', version: candidate.hash, weight: 5 },
    };
    const first = await deployer<CommandAnswer>('POST', '/v1/agents/triage/commands', body);
    const again = await deployer<CommandAnswer>('POST', '/v1/agents/triage/commands', body);
    expect(first.body.applied).toBe(true);
    expect(again.body).toMatchObject({ applied: false, state: { generation: 2 } });
    expect((await state()).generation).toBe(2);
    const stale = await command({ type: 'set-weight', weight: 50 }, 1);
    expect(stale.status).toBe(409);
    expect(stale.body.error?.message).toMatch(/generation 2, not 1/);
    expect(stale.body.state?.canary?.weight).toBe(5);

    const viewer = runtimeApi(runtime?.url ?? '', runtime?.tokens.viewer ?? '');
    expect((await viewer('POST', '/v1/agents/triage/commands', { ...body, idempotencyKey: 'viewer-try' })).status).toBe(403);
    expect((await viewer('GET', '/v1/agents/triage/release')).status).toBe(200);
    expect((await invoker('GET', '/v1/agents/triage/release')).status).toBe(403);
    expect((await runtimeApi(runtime?.url ?? '', 'nope')('GET', '/v1/agents/triage/release')).status).toBe(401);
    const malformed = await deployer<{ error: { message: string } }>(
      'POST',
      '/v1/agents/triage/commands',
      '{"idempotencyKey": "x"',
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/not JSON/);
    const invalid = await deployer<{ error: { message: string } }>('POST', '/v1/agents/triage/commands', {
      idempotencyKey: 'short',
      expectedGeneration: -1,
      action: { type: 'fly' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toMatch(/idempotencyKey.*8 characters/);
    expect((await admin('PUT', '/v1/agents/triage/guardrails', { maxErrorRate: 2 })).status).toBe(400);
    expect((await deployer('PUT', '/v1/agents/triage/guardrails', { maxErrorRate: 0.1 })).status).toBe(403);
  });

  it('refuses a canary the eval gate does not let through, until its attestation comes with the plan', async () => {
    const { upload, command, admin } = await setup();
    await upload(stable, '1.0.0');
    await command({ type: 'deploy', version: stable.hash });
    await upload(candidate, '1.1.0');
    await admin('PUT', '/v1/agents/triage/plan', {
      gate: { suites: ['triage-basics'], attestations: [] },
      steps: [{ weight: 5, holdMs: 1000 }],
    });
    const refused = await command({ type: 'canary', version: candidate.hash, weight: 5 });
    expect(refused.status).toBe(409);
    expect(refused.body.error?.message).toBe(
      "the eval gate refuses 1.1.0: suite triage-basics has no passing attestation for this version's hash (run it and push the plan again with the attestation)",
    );
    const attestation = {
      versionHash: candidate.hash,
      suite: 'triage-basics',
      suiteRevisionHash: 'r1',
      passed: true,
      total: 3,
      passRate: 1,
      minPassRate: null,
      runId: 4,
      finishedAt: new Date().toISOString(),
    };
    await admin('PUT', '/v1/agents/triage/plan', {
      gate: { suites: ['triage-basics'], attestations: [attestation] },
      steps: [{ weight: 5, holdMs: 1000 }],
    });
    expect((await command({ type: 'canary', version: candidate.hash, weight: 5 })).status).toBe(200);
  });

  it('advances a plan on its own — shadow phase, steps held healthy — and promotes at the end', async () => {
    const { upload, command, admin, state, invoke } = await setup({ evaluationIntervalMs: 50 });
    await upload(stable, '1.0.0');
    await command({ type: 'deploy', version: stable.hash });
    await upload(candidate, '1.1.0');
    await admin('PUT', '/v1/agents/triage/plan', {
      shadow: { share: 100, durationMs: 200 },
      steps: [
        { weight: 5, holdMs: 200 },
        { weight: 50, holdMs: 200 },
        { weight: 100, holdMs: 200 },
      ],
      autoAdvance: true,
    });
    const started = await command({ type: 'canary', version: candidate.hash, weight: 5 });
    expect(started.body.state).toMatchObject({
      canary: { weight: 0 },
      shadow: { semver: '1.1.0', share: 100 },
      plan: { step: -1 },
    });
    await invoke('during-shadow');
    const deadline = Date.now() + 10_000;
    while ((await state()).canary !== null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await state()).toMatchObject({ stable: { semver: '1.1.0' }, canary: null, shadow: null });
    const deployer = runtimeApi(runtime?.url ?? '', runtime?.tokens.deployer ?? '');
    const events = (await deployer<{ events: RuntimeEvent[] }>('GET', '/v1/events?stream=false&agent=triage')).body.events;
    expect(events.filter((event) => event.type === 'step-advanced').map((event) => event.detail.weight)).toEqual([5, 50, 100]);
    expect(events.at(-1)).toMatchObject({ type: 'promoted', actor: 'runtime' });
    const samples = (
      await deployer<{ samples: Array<{ shadow: { status: string; output: string } }> }>('GET', '/v1/agents/triage/samples')
    ).body.samples;
    expect(samples[0]?.shadow).toMatchObject({ status: 'ok', output: 'canary answer' });
  });

  it('rolls back by itself when a guardrail trips: a 10% error rate injected into the canary', async () => {
    fake = await startFakeLlm((_request, index) =>
      index % 10 === 3 ? { kind: 'status', status: 500 } : { kind: 'reply', text: 'canary over http' },
    );
    const flaky = mockAgent('unused', {
      'config.yaml': `provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\nbase_url: ${fake.url}/v1\nretries: 0\n`,
    });
    const { upload, command, admin, invoke, state, deployer } = await setup({
      evaluationIntervalMs: 100,
      flags: ['--allow-host', '127.0.0.1', '--allow-private-network'],
    });
    await upload(stable, '1.0.0');
    await command({ type: 'deploy', version: stable.hash });
    expect((await upload(flaky, '1.1.0')).status).toBe(201);
    await admin('PUT', '/v1/agents/triage/guardrails', { maxErrorRate: 0.05, minRequests: 20, windowMs: 60_000 });
    await command({ type: 'canary', version: flaky.hash, weight: 50 });
    let index = 0;
    const deadline = Date.now() + 15_000;
    while ((await state()).canary !== null && Date.now() < deadline) {
      await Promise.all(Array.from({ length: 10 }, () => invoke(`load-${(index += 1)}`)));
    }
    expect((await state()).canary).toBeNull();
    const events = (await deployer<{ events: RuntimeEvent[] }>('GET', '/v1/events?stream=false')).body.events;
    const trip = events.find((event) => event.type === 'guardrail-tripped');
    expect(trip?.detail).toMatchObject({ metric: 'error rate', threshold: 0.05 });
    expect(Number(trip?.detail.value)).toBeGreaterThan(0.05);
    expect(events.at(-1)).toMatchObject({ type: 'rolled-back', actor: 'runtime' });
  });

  it('resumes mid-canary after kill -9 with the same state and nothing acknowledged lost', async () => {
    const { upload, command, state, invoke } = await setup();
    await upload(stable, '1.0.0');
    await command({ type: 'deploy', version: stable.hash });
    await upload(candidate, '1.1.0');
    await command({ type: 'canary', version: candidate.hash, weight: 25 });
    const before = await state();
    await runtime?.kill();
    await runtime?.restart();
    expect(await state()).toEqual(before);
    expect((await invoke('after-restart')).status).toBe(200);
    expect((await command({ type: 'promote' })).body.state.stable?.semver).toBe('1.1.0');
  });

  it('serves the official openai client on its chat-completions endpoint, streaming too, and exposes Prometheus metrics', async () => {
    const { upload, command, deployer } = await setup();
    const chat = mockAgent('', {
      'config.yaml':
        'provider: mock\nmodel: mock-1\nmock:\n  rules:\n    - match: "refund"\n      reply: "sent to billing"\n    - echo: true\n',
    });
    await upload(chat, '2.0.0');
    await command({ type: 'deploy', version: chat.hash });
    const client = new OpenAI({ apiKey: runtime?.tokens.invoker, baseURL: `${runtime?.url}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'triage',
      messages: [{ role: 'user', content: 'I want a refund' }],
    });
    expect(completion.choices[0]?.message.content).toBe('sent to billing');
    expect(completion.model).toBe('triage');
    const stream = await client.chat.completions.create({
      model: 'triage',
      messages: [{ role: 'user', content: 'refund please' }],
      stream: true,
    });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed).toBe('sent to billing');
    await expect(client.chat.completions.create({ model: 'nobody', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow(
      /no stable version/,
    );
    const metrics = await fetch(`${runtime?.url}/metrics`, { headers: { authorization: `Bearer ${runtime?.tokens.viewer}` } });
    const text = await metrics.text();
    expect(text).toMatch(
      /gen_ai_client_operation_duration_seconds_count\{agent="triage",version="[0-9a-f]{12}",gen_ai_request_model="mock-1",gen_ai_system="mock"\} 2/,
    );
    expect(
      (await deployer<{ buckets: Array<{ requests: number }> }>('GET', '/v1/agents/triage/metrics')).body.buckets.reduce(
        (sum, bucket) => sum + bucket.requests,
        0,
      ),
    ).toBe(2);
  });

  it('rolls back under steady load with no failed request, and routes nothing to the canary after the ack', async () => {
    const { upload, command, invoke } = await setup();
    await upload(stable, '1.0.0');
    await command({ type: 'deploy', version: stable.hash });
    await upload(candidate, '1.1.0');
    await command({ type: 'canary', version: candidate.hash, weight: 50 });
    let acknowledged = false;
    let stop = false;
    const afterAck: string[] = [];
    const statuses: number[] = [];
    let sequence = 0;
    const traffic = progressOf();
    const worker = async () => {
      while (!stop) {
        const sentAfterAck = acknowledged;
        const response = await invoke(`steady-${(sequence += 1)}`);
        statuses.push(response.status);
        if (sentAfterAck) afterAck.push(response.body.output);
        traffic.answered();
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await traffic.until(() => statuses.length >= 40);
    const rolledBack = await command({ type: 'rollback', reason: 'operator saw a spike' });
    acknowledged = true;
    expect(rolledBack.body.state.canary).toBeNull();
    await traffic.until(() => afterAck.length >= 40);
    stop = true;
    await Promise.all(workers);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(afterAck.length).toBeGreaterThan(20);
    expect(afterAck.filter((output) => output !== 'stable answer')).toEqual([]);
  });

  it('switches a whole team in one generation and rolls it back in one step, with traffic flowing: after each ack every member serves its new version', async () => {
    const { deployer, invoker } = await setup();
    const versions = {
      intake: [mockAgent('intake v1'), mockAgent('intake v2')],
      router: [mockAgent('router v1'), mockAgent('router v2')],
    };
    for (const [agent, [first, second]] of Object.entries(versions)) {
      await deployer('PUT', `/v1/agents/${agent}/versions/${first?.hash ?? ''}`, { semver: '1.0.0', files: first?.files });
      await deployer('PUT', `/v1/agents/${agent}/versions/${second?.hash ?? ''}`, { semver: '2.0.0', files: second?.files });
    }
    const team = async () => (await deployer<TeamState>('GET', '/v1/teams/support')).body;
    const release = async (which: 0 | 1, name: string) => {
      keys += 1;
      return deployer<TeamAnswer & { error?: { message: string } }>('POST', '/v1/teams/support/release', {
        idempotencyKey: `team-${keys}-${Date.now()}`,
        expectedGeneration: (await team()).generation,
        release: name,
        members: { intake: versions.intake[which]?.hash, router: versions.router[which]?.hash },
      });
    };
    const first = await release(0, 'support#1');
    expect(first.body).toMatchObject({
      applied: true,
      team: { generation: 1, release: 'support#1', members: { intake: { semver: '1.0.0' }, router: { semver: '1.0.0' } } },
    });
    // The release that already serves, sent again with a new key, is not applied again.
    const eventCount = async () =>
      (await deployer<{ events: RuntimeEvent[] }>('GET', '/v1/events?stream=false')).body.events.length;
    const before = await eventCount();
    expect((await release(0, 'support#1')).body).toMatchObject({ applied: false, team: { generation: 1, history: [] } });
    expect(await eventCount()).toBe(before);

    let acknowledged: 'none' | 'release' | 'rollback' = 'none';
    // A request sent after the release's ack but answered after the rollback was sent may see either.
    let rollingBack = false;
    let stop = false;
    const seen: Array<{ phase: string; output: string; status: number; beforeRollback: boolean }> = [];
    let sequence = 0;
    const worker = async () => {
      while (!stop) {
        const phase = acknowledged;
        sequence += 1;
        const agent = sequence % 2 === 0 ? 'intake' : 'router';
        const response = await invoker<{ output: string }>(
          'POST',
          `/v1/agents/${agent}/invoke`,
          { vars: { question: 'hi' } },
          { 'x-slipway-routing-key': `k-${sequence}` },
        );
        seen.push({ phase, output: response.body.output, status: response.status, beforeRollback: !rollingBack });
        traffic.answered();
      }
    };
    const traffic = progressOf();
    const inPhase = (phase: string) => seen.filter((request) => request.phase === phase).length;
    const workers = Array.from({ length: 6 }, worker);
    await traffic.until(() => inPhase('none') >= 20);
    const second = await release(1, 'support#2');
    acknowledged = 'release';
    expect(second.body.team).toMatchObject({ generation: 2, release: 'support#2', history: [{ release: 'support#1' }] });
    expect(second.body.members.map((member) => [member.agent, member.stable?.semver, member.generation])).toEqual([
      ['intake', '2.0.0', 2],
      ['router', '2.0.0', 2],
    ]);
    await traffic.until(() => inPhase('release') >= 20);
    keys += 1;
    const stale = await deployer<{ error: { message: string }; state: TeamState }>('POST', '/v1/teams/support/rollback', {
      idempotencyKey: `team-rb-stale-${keys}`,
      expectedGeneration: 1,
      reason: 'late',
    });
    expect(stale.status).toBe(409);
    expect(stale.body.state.generation).toBe(2);
    const rollbackBody = {
      idempotencyKey: `team-rb-${keys}-${Date.now()}`,
      expectedGeneration: 2,
      reason: 'router v2 misroutes refunds',
    };
    rollingBack = true;
    const rolledBack = await deployer<TeamAnswer>('POST', '/v1/teams/support/rollback', rollbackBody);
    acknowledged = 'rollback';
    expect(rolledBack.body.team).toMatchObject({
      generation: 3,
      release: 'support#1',
      history: [],
      members: { intake: { semver: '1.0.0' }, router: { semver: '1.0.0' } },
    });
    expect((await deployer<TeamAnswer>('POST', '/v1/teams/support/rollback', rollbackBody)).body).toMatchObject({
      applied: false,
      team: { generation: 3 },
    });
    await traffic.until(() => inPhase('rollback') >= 20);
    stop = true;
    await Promise.all(workers);

    expect(seen.every((request) => request.status === 200)).toBe(true);
    const after = (phase: string) =>
      seen
        .filter((request) => request.phase === phase && (phase !== 'release' || request.beforeRollback))
        .map((request) => request.output);
    expect(after('release').length).toBeGreaterThan(10);
    expect(after('release').filter((output) => !output.endsWith('v2'))).toEqual([]);
    expect(after('rollback').length).toBeGreaterThan(10);
    expect(after('rollback').filter((output) => !output.endsWith('v1'))).toEqual([]);
    const events = (await deployer<{ events: RuntimeEvent[] }>('GET', '/v1/events?stream=false')).body.events.filter((event) =>
      event.type.startsWith('team-'),
    );
    expect(events.map((event) => [event.type, event.agent, event.detail.release])).toEqual([
      ['team-released', 'intake', 'support#1'],
      ['team-released', 'router', 'support#1'],
      ['team-released', 'intake', 'support#2'],
      ['team-released', 'router', 'support#2'],
      ['team-rolled-back', 'intake', 'support#1'],
      ['team-rolled-back', 'router', 'support#1'],
    ]);
    const noPrevious = await deployer<{ error: { message: string } }>('POST', '/v1/teams/support/rollback', {
      idempotencyKey: `team-rb-none-${Date.now()}`,
      expectedGeneration: 3,
      reason: 'again',
    });
    expect(noPrevious.status).toBe(400);
    expect(noPrevious.body.error.message).toBe('team support has no previous team release to roll back to');
  });

  it('mirrors a share to the shadow: tool calls answered from the primary request, a mismatch marked, secrets redacted', async () => {
    const { upload, command, admin, deployer } = await setup();
    const tools = JSON.stringify([{ name: 'lookup', description: 'Finds an order', parameters: { type: 'object' } }]);
    const withTools = (reply: string) =>
      mockAgent(reply, {
        'tools.json': tools,
        'config.yaml': `provider: mock\nmodel: mock-1\nmock:\n  rules:\n    - match: "order 7"\n      reply: "answered ${reply}"\n      tool_calls: [{ name: lookup, arguments: { id: "${reply === 'primary' ? 'o-7' : 'o-8'}" } }]\n    - reply: "${reply} says done"\n`,
      });
    const primary = withTools('primary');
    const shadow = withTools('shadow');
    await upload(primary, '1.0.0');
    await command({ type: 'deploy', version: primary.hash });
    await upload(shadow, '1.1.0');
    await admin('PUT', '/v1/agents/triage/capture', { retentionDays: 1, retentionCount: 10, redact: ['sk-[A-Za-z0-9]+'] });
    await command({ type: 'shadow', version: shadow.hash, share: 100 });
    const invoker = runtimeApi(runtime?.url ?? '', runtime?.tokens.invoker ?? '');
    const chat = (messages: unknown[]) => invoker('POST', '/v1/chat/completions', { model: 'triage', messages });
    await chat([{ role: 'user', content: 'where is order 7? my key is sk-abc123' }]);
    const deadline = Date.now() + 5000;
    let samples: Array<{ shadow: { status: string; detail: string | null; output: string }; input: unknown }> = [];
    while (samples.length < 1 && Date.now() < deadline) {
      samples = (await deployer<{ samples: typeof samples }>('GET', '/v1/agents/triage/samples')).body.samples;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(samples[0]?.shadow).toMatchObject({
      status: 'tool-mismatch',
      detail: 'the shadow called lookup({"id":"o-8"}), which the primary request did not',
    });
    expect(JSON.stringify(samples[0]?.input)).toContain('[redacted]');
    expect(JSON.stringify(samples)).not.toContain('sk-abc123');
    const dir = runtime?.dir ?? '';
    const { readFileSync, readdirSync } = await import('node:fs');
    for (const file of readdirSync(dir).filter((name) => name.startsWith('runtime.db')))
      expect(readFileSync(`${dir}/${file}`).includes(Buffer.from('sk-abc123')), file).toBe(false);

    // A conversation whose earlier turn already called the tool: the shadow's same call is answered
    // from that result (the tool itself is never called for a shadow), and the shadow replies.
    await chat([
      { role: 'user', content: 'where is order 7?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"id":"o-8"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"at":"the depot"}' },
      { role: 'user', content: 'and order 7 now?' },
    ]);
    while (samples.length < 2 && Date.now() < deadline + 5000)
      samples = (await deployer<{ samples: typeof samples }>('GET', '/v1/agents/triage/samples')).body.samples;
    expect(samples[1]?.shadow).toMatchObject({ status: 'ok', detail: null, output: 'answered shadow' });
  });

  it('streams events as server-sent events, resumable from a cursor, and posts webhooks in Slack form', async () => {
    const hooks = await import('../test-support/json-server').then(({ startJsonServer }) =>
      startJsonServer(() => ({ ok: true })),
    );
    try {
      const { upload, command, admin } = await setup();
      await admin('PUT', '/v1/agents/triage/webhooks', { hooks: [{ url: `${hooks.url}/slack`, format: 'slack' }] });
      await upload(stable, '1.0.0');
      await command({ type: 'deploy', version: stable.hash });
      await upload(candidate, '1.1.0');
      await command({ type: 'canary', version: candidate.hash, weight: 5 });
      await command({ type: 'promote' });
      const viewer = runtimeApi(runtime?.url ?? '', runtime?.tokens.viewer ?? '');
      const ids = (await viewer<{ events: RuntimeEvent[] }>('GET', '/v1/events?stream=false&agent=triage')).body.events.map(
        (event) => event.id,
      );
      const response = await fetch(`${runtime?.url}/v1/events?agent=triage`, {
        headers: { authorization: `Bearer ${runtime?.tokens.viewer}`, 'last-event-id': String(ids[2]) },
      });
      const reader = response.body?.getReader();
      let text = '';
      while (!text.includes('event: promoted')) text += new TextDecoder().decode((await reader?.read())?.value);
      await reader?.cancel();
      expect(text.match(/^id: (\d+)$/gm)).toEqual([`id: ${ids[3]}`, `id: ${ids[4]}`]);
      expect(text).toContain('event: canary-started');
      const deadline = Date.now() + 3000;
      while (hooks.requests.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(hooks.requests[0]?.body).toEqual({
        text: expect.stringMatching(/^triage: 1\.1\.0 promoted to stable by token:test deployer \([0-9a-f]{12}\)$/),
      });
    } finally {
      await hooks.close();
    }
  });

  it('says on every answer and every event the generation of the release state, so one generation a request can be checked', async () => {
    const { upload, command, invoke, deployer } = await setup();
    await upload(stable, '1.0.0');
    await command({ type: 'deploy', version: stable.hash });
    const first = await invoke('a');
    expect(first.headers.get('x-slipway-generation')).toBe('1');
    expect(first.body).toMatchObject({ generation: 1 });
    await upload(candidate, '1.1.0');
    await command({ type: 'canary', version: candidate.hash, weight: 50 });
    const second = await invoke('b');
    expect(second.headers.get('x-slipway-generation')).toBe('2');
    expect(second.body).toMatchObject({ generation: 2 });
    const events = (await deployer<{ events: RuntimeEvent[] }>('GET', '/v1/events?stream=false&agent=triage')).body.events;
    expect(events.filter((event) => event.type !== 'uploaded').map((event) => [event.type, event.detail.generation])).toEqual([
      ['deployed', 1],
      ['canary-started', 2],
    ]);
  });

  it('judges live trajectory assertions on the conversation the caller sent and the answer', async () => {
    const caller = mockAgent('', {
      'config.yaml': [
        'provider: mock',
        'model: mock-1',
        'retries: 0',
        'mock:',
        '  rules:',
        '    - match: close my account',
        '      tool_calls: [{ name: delete_account, arguments: { id: 7 } }]',
        '    - reply: Here is your order.',
        '',
      ].join('\n'),
      // The agent's own examples are not the caller's conversation: they count for no step.
      'examples.yaml': '- role: user\n  content: Where is order 1?\n- role: assistant\n  content: It shipped.\n',
    });
    const { upload, command, admin, deployer, invoker } = await setup();
    await upload(caller, '1.0.0');
    await command({ type: 'deploy', version: caller.hash });
    await admin('PUT', '/v1/agents/triage/guardrails', {
      assertions: [
        { type: 'no-tool-called', names: ['delete_account'] },
        { type: 'step-count', max_turns: 2 },
      ],
    });
    const ask = (messages: Array<Record<string, unknown>>) => invoker('POST', '/v1/agents/triage/invoke', { messages });
    // Forbidden tool: fails. A plain answer: passes. A third model turn in one conversation: fails step-count.
    await ask([{ role: 'user', content: 'Please close my account' }]);
    await ask([{ role: 'user', content: 'Where is my order?' }]);
    await ask([
      { role: 'user', content: 'Where is my order?' },
      { role: 'assistant', content: 'Which one?' },
      { role: 'user', content: 'The blue one' },
      { role: 'assistant', content: 'Looking.' },
      { role: 'user', content: 'Well?' },
    ]);
    const buckets = (
      await deployer<{ buckets: Array<{ requests: number; assertionFailures: number }> }>('GET', '/v1/agents/triage/metrics')
    ).body.buckets;
    expect(buckets.reduce((sum, bucket) => sum + bucket.requests, 0)).toBe(3);
    expect(buckets.reduce((sum, bucket) => sum + bucket.assertionFailures, 0)).toBe(2);
  });

  it("rolls back when live responses fail the plan's assertions more often than allowed", async () => {
    const json = mockAgent('{"queue": "billing"}');
    const { upload, command, admin, invoke, state, deployer } = await setup({ evaluationIntervalMs: 100 });
    await upload(json, '1.0.0');
    await command({ type: 'deploy', version: json.hash });
    await upload(candidate, '1.1.0');
    await admin('PUT', '/v1/agents/triage/plan', { steps: [{ weight: 50, holdMs: 60_000 }], assertions: [{ type: 'is-json' }] });
    await admin('PUT', '/v1/agents/triage/guardrails', { maxAssertionFailureRate: 0.2, minRequests: 10, windowMs: 60_000 });
    await command({ type: 'canary', version: candidate.hash, weight: 50 });
    let index = 0;
    const deadline = Date.now() + 15_000;
    while ((await state()).canary !== null && Date.now() < deadline)
      await Promise.all(Array.from({ length: 10 }, () => invoke(`json-${(index += 1)}`)));
    const trip = (await deployer<{ events: RuntimeEvent[] }>('GET', '/v1/events?stream=false')).body.events.find(
      (event) => event.type === 'guardrail-tripped',
    );
    expect(trip?.detail).toMatchObject({ metric: 'live assertion failure rate', threshold: 0.2, value: 1 });
  });
});
