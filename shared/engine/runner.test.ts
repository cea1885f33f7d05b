import { afterEach, describe, expect, it } from 'vitest';
import { startFakeLlm, type Behaviour, type FakeLlm } from '../../test-support/fake-llm';
import { nodePlatform } from '../node/platform';
import { Suite } from '../suite';
import { parseAgentFiles } from '../validate-files';
import { memorySecrets } from './secrets';
import { runSuite, summarizeCases, type RunInput } from './runner';

const KEY = 'sk-test-0123456789abcdef';
const PRICES = {
  'openai-compatible': { 'gpt-4o-mini-2024-07-18': { input_per_mtok: 0.15, output_per_mtok: 0.6 } },
  anthropic: { 'claude-3-5-haiku-20241022': { input_per_mtok: 0.8, output_per_mtok: 4 } },
};
let fake: FakeLlm | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

function agent(config: string, extra: Record<string, string> = {}) {
  return parseAgentFiles({
    'prompt.md': 'You sort tickets for {{team}}.\n',
    'user.md': 'Ticket: {{body}}\n',
    'config.yaml': config,
    'tools.json': JSON.stringify([
      {
        name: 'lookup_order',
        description: 'Finds an order',
        parameters: { type: 'object', properties: { id: { type: 'string' } } },
      },
    ]),
    ...extra,
  });
}

function suite(cases: unknown[], extra: Record<string, unknown> = {}) {
  return Suite.parse({ name: 'basics', cases, ...extra });
}

function openAiConfig(url: string, more = '') {
  return `provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\nbase_url: ${url}/v1\napi_key: OPENAI\nretries: 2\ntimeout_ms: 400\n${more}`;
}

async function run(input: Partial<RunInput> & Pick<RunInput, 'agent' | 'suite'>) {
  return runSuite({
    versionHash: 'h1',
    settings: { concurrency: 4, repeat: 1 },
    platform: nodePlatform(memorySecrets({ OPENAI: KEY, ANTHROPIC: KEY })),
    prices: PRICES,
    ...input,
  });
}

const CASE = {
  id: 'refund',
  vars: { team: 'support', body: 'I was charged twice' },
  assert: [{ type: 'contains', value: 'billing' }],
};

describe('the runner over real protocol servers', () => {
  it('calls an OpenAI-compatible endpoint with the rendered conversation and the key, and grades the answer', async () => {
    fake = await startFakeLlm(() => ({ kind: 'reply', text: 'queue: billing', usage: { input: 1000, output: 500 } }));
    const outcome = await run({ agent: agent(openAiConfig(fake.url)), suite: suite([CASE]) });
    expect(outcome.status).toBe('finished');
    const [result] = outcome.results;
    expect(result).toMatchObject({
      caseId: 'refund',
      status: 'passed',
      output: 'queue: billing',
      inputTokens: 1000,
      outputTokens: 500,
      retries: 0,
    });
    expect(result?.costUsd).toBeCloseTo((1000 * 0.15 + 500 * 0.6) / 1e6, 12);
    expect(result?.verdicts).toEqual([{ type: 'contains', pass: true, score: 1, reason: 'contains "billing"' }]);
    const request = fake.requests[0];
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.body.messages).toEqual([
      { role: 'system', content: 'You sort tickets for support.\n' },
      { role: 'user', content: 'Ticket: I was charged twice\n' },
    ]);
  });

  it('answers tool calls from the case and records them, on OpenAI and Anthropic alike', async () => {
    for (const protocol of ['openai', 'anthropic'] as const) {
      fake = await startFakeLlm((request) => {
        const messages = request.body.messages as Array<{ role: string; content: unknown }>;
        const answered = JSON.stringify(messages).includes('amount');
        return answered
          ? { kind: 'reply', text: 'refund approved: billing' }
          : { kind: 'reply', text: '', toolCalls: [{ name: 'lookup_order', arguments: { id: 'o-1' } }] };
      });
      const config =
        protocol === 'openai'
          ? openAiConfig(fake.url)
          : `provider: anthropic\nmodel: claude-3-5-haiku-20241022\nbase_url: ${fake.url}\napi_key: ANTHROPIC\nmax_tokens: 200\n`;
      const toolCase = {
        ...CASE,
        tools: [{ name: 'lookup_order', result: { amount: 40 } }],
        assert: [...CASE.assert, { type: 'tool-called', name: 'lookup_order', args: { id: 'o-1' } }],
      };
      const outcome = await run({ agent: agent(config), suite: suite([toolCase]) });
      expect(outcome.results[0], protocol).toMatchObject({
        status: 'passed',
        toolCalls: [{ name: 'lookup_order', arguments: { id: 'o-1' }, result: { amount: 40 } }],
      });
      expect(fake.requests, protocol).toHaveLength(2);
      if (protocol === 'anthropic') {
        expect(JSON.stringify(fake.requests[0]?.headers)).toContain(KEY);
        expect(fake.requests[0]?.body.system).toBe('You sort tickets for support.\n');
      }
      await fake.close();
      fake = null;
    }
  });

  it('explains a missing variable, an unstubbed tool and a loop past the step limit on the case, not the run', async () => {
    fake = await startFakeLlm(() => ({ kind: 'reply', text: '', toolCalls: [{ name: 'lookup_order', arguments: { id: 'x' } }] }));
    const outcome = await run({
      agent: agent(openAiConfig(fake.url, 'max_steps: 3\n')),
      suite: suite([
        { id: 'no-var', vars: { team: 'a' } },
        { id: 'no-stub', vars: { team: 'a', body: 'b' } },
        { id: 'loop', vars: { team: 'a', body: 'b' }, tools: [{ name: 'lookup_order', result: {} }] },
      ]),
    });
    expect(outcome.results.map((result) => [result.caseId, result.status, result.error?.message])).toEqual([
      ['no-var', 'errored', 'user.md uses {{body}}, which the case does not give (it gives: team)'],
      [
        'no-stub',
        'errored',
        'the model called lookup_order({"id":"x"}), but the case gives no result for it: add tools: [{ name: lookup_order, result: … }] to case no-stub',
      ],
      ['loop', 'errored', 'the model kept calling tools: stopped after 3 steps (max_steps)'],
    ]);
  });

  it('waits out a 429 Retry-After and retries 500s, recording the retries', async () => {
    const script: Behaviour[] = [
      { kind: 'status', status: 429, retryAfter: '0.2' },
      { kind: 'status', status: 500 },
      { kind: 'reply', text: 'billing' },
    ];
    fake = await startFakeLlm((_request, index) => script[index] ?? { kind: 'reply', text: 'billing' });
    const started = Date.now();
    const outcome = await run({ agent: agent(openAiConfig(fake.url)), suite: suite([CASE]) });
    expect(outcome.results[0]).toMatchObject({ status: 'passed', retries: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('records every fault as an explained error on its case, never a crashed run or a lost result', async () => {
    const faults: Record<string, Behaviour> = {
      hang: { kind: 'hang' },
      malformed: { kind: 'malformed' },
      drop: { kind: 'drop' },
      cut: { kind: 'cut' },
      missing: { kind: 'json', body: { id: 'chatcmpl-x', choices: [{ index: 0 }] } },
      empty: { kind: 'json', body: { id: 'chatcmpl-x', choices: [] } },
      down: { kind: 'status', status: 503 },
      limited: { kind: 'status', status: 429, retryAfter: '0' },
      refused: { kind: 'status', status: 401 },
    };
    fake = await startFakeLlm((request) => {
      const content = JSON.stringify(request.body.messages);
      const name = Object.keys(faults).find((fault) => content.includes(`case ${fault}`));
      return name ? (faults[name] as Behaviour) : { kind: 'reply', text: 'billing' };
    });
    const cases = [...Object.keys(faults), 'fine'].map((name) => ({
      id: name,
      vars: { team: 't', body: `case ${name}` },
      assert: [{ type: 'contains', value: 'billing' }],
    }));
    const outcome = await run({
      agent: agent(openAiConfig(fake.url, '').replace('retries: 2', 'retries: 1')),
      suite: suite(cases),
    });
    const byId = Object.fromEntries(outcome.results.map((result) => [result.caseId, result]));
    expect(outcome.status).toBe('finished');
    expect(outcome.results).toHaveLength(10);
    expect(byId.fine?.status).toBe('passed');
    expect(byId.hang?.error).toEqual({ kind: 'timeout', message: 'no answer within 400 ms (timeout_ms) after 2 tries' });
    expect(byId.malformed?.error?.kind).toBe('malformed');
    expect(byId.drop?.error?.kind).toBe('network');
    expect(byId.cut?.error).toMatchObject({
      kind: 'network',
      message: expect.stringMatching(/answered, but the connection closed after \d+ bytes of the answer, before it was whole/),
    });
    expect(byId.cut?.error?.message).not.toContain('cannot be reached');
    expect(byId.missing?.error).toEqual({
      kind: 'malformed',
      message:
        'the openai-compatible endpoint answered a chat completion without a field Slipway reads: choices.0.message: Invalid input: expected object, received undefined',
    });
    expect(byId.empty?.error?.message).toContain('the chat completion has no choices');
    // Tried as often as it says, and timed as long as it took; what is not worth retrying was tried once.
    expect(byId.cut).toMatchObject({ retries: 1, error: { message: expect.stringMatching(/after 2 tries$/) } });
    expect(byId.hang?.retries).toBe(1);
    expect(byId.hang?.latencyMs).toBeGreaterThanOrEqual(800);
    for (const once of [byId.missing, byId.malformed, byId.refused]) {
      expect(once?.retries).toBe(0);
      expect(once?.error?.message).not.toMatch(/tries/);
    }
    expect(byId.down?.error).toMatchObject({ kind: 'http', message: expect.stringContaining('HTTP 503') });
    expect(byId.limited?.error).toMatchObject({ kind: 'rate_limited', message: expect.stringContaining('429') });
    expect(byId.refused?.error).toMatchObject({ kind: 'config', message: expect.stringContaining('refused the key') });
    expect(JSON.stringify(outcome)).not.toContain(KEY);
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    fake = await startFakeLlm(() => ({ kind: 'reply', text: 'billing' }), { delayMs: 30 });
    const cases = Array.from({ length: 12 }, (_, index) => ({ ...CASE, id: `c${index}` }));
    await run({ agent: agent(openAiConfig(fake.url)), suite: suite(cases), settings: { concurrency: 3, repeat: 1 } });
    expect(fake.peakInFlight()).toBe(3);
  });

  it('repeats cases, and calls one flaky when some but not all repeats pass', async () => {
    fake = await startFakeLlm((_request, index) => ({ kind: 'reply', text: index % 2 === 0 ? 'billing' : 'technical' }));
    const outcome = await run({
      agent: agent(openAiConfig(fake.url)),
      suite: suite([CASE]),
      settings: { concurrency: 1, repeat: 4 },
    });
    expect(summarizeCases(outcome.results)).toEqual([
      { caseId: 'refund', runs: 4, passed: 2, passRate: 0.5, passAll: false, flaky: true },
    ]);
  });

  it('stops in-flight calls on cancel and keeps what finished', async () => {
    fake = await startFakeLlm((request) =>
      JSON.stringify(request.body.messages).includes('slow') ? { kind: 'hang' } : { kind: 'reply', text: 'billing' },
    );
    const controller = new AbortController();
    const cases = [
      { ...CASE, id: 'quick' },
      { ...CASE, id: 'slow', vars: { team: 't', body: 'slow' } },
    ];
    let quickDone: () => void = () => undefined;
    const quick = new Promise<void>((resolve) => (quickDone = resolve));
    const pending = run({
      agent: agent(openAiConfig(fake.url, '').replace('timeout_ms: 400', 'timeout_ms: 60000')),
      suite: suite(cases),
      signal: controller.signal,
      settings: { concurrency: 2, repeat: 1 },
      onProgress: (progress) => progress.last.caseId === 'quick' && quickDone(),
    });
    // Cancel once the quick case has its result and the slow one's call is in flight.
    await Promise.all([quick, fake.received(2)]);
    controller.abort();
    const outcome = await pending;
    expect(outcome.status).toBe('cancelled');
    expect(outcome.results.map((result) => result.caseId)).toEqual(['quick']);
  });

  it('stops starting calls once the budget is spent, and says so', async () => {
    fake = await startFakeLlm(() => ({ kind: 'reply', text: 'billing', usage: { input: 100_000, output: 100_000 } }));
    const cases = Array.from({ length: 10 }, (_, index) => ({ ...CASE, id: `c${index}` }));
    const outcome = await run({
      agent: agent(openAiConfig(fake.url)),
      suite: suite(cases),
      settings: { concurrency: 1, repeat: 1, maxCostUsd: 0.1 },
    });
    expect(outcome.status).toBe('stopped_budget');
    expect(outcome.results).toHaveLength(2);
  });

  it('reuses a cached answer by version hash, case and repeat, and grades it again', async () => {
    fake = await startFakeLlm(() => ({ kind: 'reply', text: 'billing' }));
    const first = await run({ agent: agent(openAiConfig(fake.url)), suite: suite([CASE]) });
    const known = new Map(first.results.map((result) => [`h1/${result.caseId}/${result.repeat}`, result]));
    const cache = { get: (hash: string, id: string, repeat: number) => known.get(`${hash}/${id}/${repeat}`) };
    const stricter = { ...CASE, assert: [{ type: 'equals', value: 'technical' }] };
    const again = await run({ agent: agent(openAiConfig(fake.url)), suite: suite([stricter]), cache });
    expect(fake.requests).toHaveLength(1);
    expect(again.results[0]).toMatchObject({ status: 'failed', cached: true, output: 'billing', costUsd: 0 });
  });

  it("grades similar assertions with the suite's embedding model when it has one", async () => {
    fake = await startFakeLlm(() => ({ kind: 'reply', text: 'the refund is approved' }));
    const cases = [
      { ...CASE, id: 'close', assert: [{ type: 'similar', value: 'refund approved, the', threshold: 0.9 }] },
      { ...CASE, id: 'far', assert: [{ type: 'similar', value: 'xyz xyz xyz', threshold: 0.9 }] },
    ];
    const outcome = await run({
      agent: agent(openAiConfig(fake.url)),
      suite: suite(cases, {
        embedding: {
          provider: 'openai-compatible',
          model: 'text-embedding-3-small',
          base_url: `${fake.url}/v1`,
          api_key: 'OPENAI',
        },
      }),
    });
    expect(outcome.results.map((result) => [result.caseId, result.status])).toEqual([
      ['close', 'passed'],
      ['far', 'failed'],
    ]);
    expect(outcome.results[0]?.verdicts[0]?.reason).toMatch(/^embedding similarity 0\.9\d|^embedding similarity 1\.00/);
    expect(fake.requests.filter((request) => request.path.endsWith('/embeddings'))).toHaveLength(2);
  });

  it('runs the mock provider offline: rules, tool calls, echo, token counts', async () => {
    const config = `provider: mock\nmodel: mock-1\nmock:\n  rules:\n    - match: charged twice\n      tool_calls: [{ name: lookup_order, arguments: { id: o-9 } }]\n      reply: billing refund\n    - match: debug\n      echo: true\n    - reply: technical\n`;
    const outcome = await run({
      agent: agent(config),
      suite: suite([
        { ...CASE, tools: [{ name: 'lookup_order', result: { ok: true } }] },
        { id: 'echo', vars: { team: 't', body: 'debug me' }, assert: [{ type: 'contains', value: 'user: Ticket: debug me' }] },
        { id: 'other', vars: { team: 't', body: 'wifi down' }, assert: [{ type: 'equals', value: 'technical' }] },
      ]),
    });
    expect(outcome.results.map((result) => [result.caseId, result.status, result.costUsd])).toEqual([
      ['refund', 'passed', 0],
      ['echo', 'passed', 0],
      ['other', 'passed', 0],
    ]);
    expect(outcome.results[0]?.toolCalls).toEqual([{ name: 'lookup_order', arguments: { id: 'o-9' }, result: { ok: true } }]);
    expect(outcome.results[0]?.outputTokens).toBeGreaterThan(0);
  });
});
