import { afterEach, describe, expect, it } from 'vitest';
import { startFakeLlm, type Behaviour, type FakeLlm, type RecordedRequest } from '../../test-support/fake-llm';
import { nodePlatform } from '../node/platform';
import { Suite } from '../suite';
import { parseAgentFiles } from '../validate-files';
import { memorySecrets } from './secrets';
import { runSuite, type CaseResult } from './runner';
import { OPENING } from './simulated-user';

const AGENT_MODEL = 'gpt-4o-mini-2024-07-18';
const SIMULATOR_MODEL = 'user-sim-1';
let fake: FakeLlm | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

type Message = { role: string; content: string | null; tool_calls?: Array<{ function: { name: string } }> };

/** The loopback server's rules: the agent (by its model) and the simulated user answer by what they were last told. */
function byRule(request: RecordedRequest): Behaviour {
  const messages = request.body.messages as Message[];
  const last = messages.at(-1);
  const said = String(last?.content ?? '');
  if (request.body.model === SIMULATOR_MODEL) {
    if (said === OPENING) return { kind: 'reply', text: 'My order 42 arrived broken.' };
    if (/refund it\?/i.test(said)) return { kind: 'reply', text: 'Yes, refund it please.' };
    return { kind: 'reply', text: 'Hello? Order 42 is broken.' };
  }
  if (last?.role === 'tool') return { kind: 'reply', text: /refund/.test(said) ? 'Refunded order 42.' : 'Order 42 has shipped.' };
  if (/where is order 42/i.test(said))
    return { kind: 'reply', text: '', toolCalls: [{ name: 'lookup_order', arguments: { id: 42 } }] };
  if (/yes, refund it/i.test(said) || /^refund it/i.test(said))
    return { kind: 'reply', text: '', toolCalls: [{ name: 'refund', arguments: { id: 42, amount: 19.5 } }] };
  if (/stubborn/i.test(String(messages[0]?.content))) return { kind: 'reply', text: 'Please describe the problem again.' };
  if (/broken/i.test(said)) return { kind: 'reply', text: 'Sorry to hear it. Shall I refund it?' };
  return { kind: 'reply', text: 'I cannot help with that.' };
}

function agent(url: string, prompt = 'You help customers with orders.') {
  return parseAgentFiles({
    'prompt.md': `${prompt}\n`,
    'config.yaml': `provider: openai-compatible\nmodel: ${AGENT_MODEL}\nbase_url: ${url}/v1\nretries: 0\n`,
    'tools.json': JSON.stringify([
      {
        name: 'lookup_order',
        description: 'Finds an order',
        parameters: { type: 'object', properties: { id: { type: 'integer' } } },
      },
      {
        name: 'refund',
        description: 'Refunds an order',
        parameters: { type: 'object', properties: { id: { type: 'integer' } } },
      },
    ]),
  });
}

const TOOLS = [
  { name: 'lookup_order', result: { status: 'shipped' } },
  { name: 'refund', result: { refunded: true } },
];

async function run(suite: Suite, prompt?: string, cache?: Map<string, CaseResult>) {
  fake ??= await startFakeLlm(byRule);
  return runSuite({
    ...(cache ? { cache: { get: (_hash: string, caseId: string) => cache.get(caseId) } } : {}),
    agent: agent(fake.url, prompt),
    versionHash: 'h1',
    suite,
    settings: { concurrency: 2, repeat: 1 },
    platform: nodePlatform(memorySecrets({})),
    prices: {},
  });
}

describe('a scripted conversation against a loopback OpenAI server', () => {
  it('runs each turn through the tool loop on one conversation, judged per turn and as a whole', async () => {
    const suite = Suite.parse({
      name: 'orders',
      cases: [
        {
          id: 'where-then-refund',
          tools: TOOLS,
          turns: [
            {
              user: 'Where is order 42?',
              assert: [
                { type: 'tool-called', name: 'lookup_order', args: { id: 42 }, match: 'exact' },
                { type: 'contains', value: 'shipped' },
              ],
            },
            {
              user: 'Refund it',
              assert: [{ type: 'tool-called', name: 'refund', args: { amount: '^\\d+\\.\\d+$' }, match: 'regex' }],
            },
          ],
          assert: [
            { type: 'tool-sequence', names: ['lookup_order', 'refund'] },
            { type: 'step-count', max_turns: 4, max_tool_calls: 2 },
            { type: 'contains', value: 'Refunded' },
          ],
        },
      ],
    });
    const { results } = await run(suite);
    const [result] = results;
    expect(result?.status).toBe('passed');
    expect(result?.conversation).toEqual({ turns: [1, 5] });
    expect(result?.messages.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    expect(result?.verdicts.map((verdict) => verdict.turn ?? 'whole')).toEqual([1, 1, 2, 'whole', 'whole', 'whole']);
    expect(result?.toolCalls.map((call) => call.name)).toEqual(['lookup_order', 'refund']);
    expect(fake?.requests).toHaveLength(4);
    // The second turn's request carries the whole conversation so far.
    expect((fake?.requests[2]?.body.messages as Message[]).map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
    ]);
  });

  it('fails a turn whose check fails, saying which turn and what the agent did there', async () => {
    const suite = Suite.parse({
      name: 'orders',
      cases: [
        {
          id: 'wrong-tool',
          tools: TOOLS,
          turns: [{ user: 'Where is order 42?', assert: [{ type: 'tool-called', name: 'refund' }] }, { user: 'Thanks' }],
        },
      ],
    });
    const [result] = (await run(suite)).results;
    expect(result?.status).toBe('failed');
    expect(result?.verdicts[0]).toMatchObject({
      turn: 1,
      pass: false,
      reason: 'turn 1: expected a call of refund; the calls:\n1. lookup_order({"id":42}): another tool',
      steps: [2],
    });
  });
});

describe('a simulated user', () => {
  const suite = (simulate: Record<string, unknown>, assert: unknown[] = [{ type: 'goal-reached' }]) =>
    Suite.parse({
      name: 'simulated',
      simulator: { provider: 'openai-compatible', model: SIMULATOR_MODEL, base_url: `${fake?.url ?? ''}/v1` },
      cases: [
        {
          id: 'broken-order',
          tools: TOOLS,
          simulate: {
            persona: 'A customer whose order 42 arrived broken.',
            goal: 'Get a refund for order 42.',
            goal_check: [{ type: 'tool-called', name: 'refund' }],
            give_up: [{ type: 'icontains', value: 'cannot help' }],
            ...simulate,
          },
          assert,
        },
      ],
    });

  it('talks until the goal check passes, and the conversation is judged as one case', async () => {
    fake = await startFakeLlm(byRule);
    const [result] = (
      await run(suite({ max_turns: 5 }, [{ type: 'goal-reached' }, { type: 'tool-sequence', names: ['refund'] }]))
    ).results;
    expect(result?.status).toBe('passed');
    expect(result?.conversation).toEqual({ turns: [1, 3], ended: 'goal' });
    expect(result?.messages.filter((message) => message.role === 'user').map((message) => message.content)).toEqual([
      'My order 42 arrived broken.',
      'Yes, refund it please.',
    ]);
    // The simulator sees itself as the assistant and the agent as the user; tool steps are not its business.
    const simulated = fake.requests.filter((request) => request.body.model === SIMULATOR_MODEL);
    expect(simulated).toHaveLength(2);
    const view = simulated[1]?.body.messages as Message[];
    expect(view.map((message) => [message.role, message.content])).toEqual([
      ['system', expect.stringContaining('Get a refund for order 42.')],
      ['user', OPENING],
      ['assistant', 'My order 42 arrived broken.'],
      ['user', 'Sorry to hear it. Shall I refund it?'],
    ]);
  });

  it('ends when the agent gives up, or after max_turns, and goal-reached says which', async () => {
    fake = await startFakeLlm(byRule);
    const gaveUp = (await run(suite({ first_message: 'Hi there' }))).results[0];
    expect(gaveUp?.conversation).toEqual({ turns: [1], ended: 'gave-up' });
    expect(gaveUp?.verdicts[0]).toMatchObject({ type: 'goal-reached', pass: false, reason: 'the agent gave up' });

    const outOfTurns = (await run(suite({ max_turns: 3 }), 'You are stubborn.')).results[0];
    expect(outOfTurns?.conversation).toEqual({ turns: [1, 3, 5], ended: 'max-turns' });
    expect(outOfTurns?.status).toBe('failed');
    expect(outOfTurns?.verdicts[0]?.reason).toBe('the turns ran out before the goal');
  });

  it('errors the case, naming it, when the goal check cannot be evaluated', async () => {
    fake = await startFakeLlm(byRule);
    const [result] = (await run(suite({ goal_check: [{ type: 'rubric', value: 'the refund was made' }] }))).results;
    expect(result?.status).toBe('errored');
    expect(result?.error).toEqual({
      kind: 'assertion',
      message: expect.stringContaining("the simulated user's check rubric: no judge model is configured"),
    });
  });

  it('is refused at load without a simulator in the suite', () => {
    const parsed = Suite.safeParse({
      name: 's',
      cases: [{ id: 'x', simulate: { persona: 'p', goal: 'g', goal_check: [{ type: 'contains', value: 'x' }] } }],
    });
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['cases', 0, 'simulate'],
      message: expect.stringContaining('add simulator: { provider, model } to the suite'),
    });
  });
});

describe('a cached conversation', () => {
  const scripted = (second: string) =>
    Suite.parse({
      name: 'orders',
      cases: [
        {
          id: 'flow',
          tools: TOOLS,
          turns: [{ user: 'Where is order 42?' }, { user: second }],
          assert: [{ type: 'tool-called', name: 'lookup_order' }],
        },
      ],
    });

  it('is graded again only while its script says the same; a simulated one or one cut short is held again', async () => {
    const first = (await run(scripted('Refund it'))).results[0] as CaseResult;
    const cache = new Map([['flow', first]]);
    const again = (await run(scripted('Refund it'), undefined, cache)).results[0];
    expect(again).toMatchObject({ cached: true, status: 'passed' });
    const requests = fake?.requests.length ?? 0;
    const changed = (await run(scripted('Cancel it instead'), undefined, cache)).results[0];
    expect(changed?.cached).toBe(false);
    expect(fake?.requests.length).toBeGreaterThan(requests);

    // A goal check that could not run left no conversation: its errored result is never graded as one.
    const cut: CaseResult = {
      ...first,
      status: 'errored',
      messages: [],
      output: '',
      conversation: undefined,
      error: { kind: 'assertion', message: 'x' },
    };
    const simulatedSuite = Suite.parse({
      name: 'simulated',
      simulator: { provider: 'openai-compatible', model: SIMULATOR_MODEL, base_url: `${fake?.url ?? ''}/v1` },
      cases: [
        {
          id: 'flow',
          tools: TOOLS,
          simulate: { persona: 'p', goal: 'a refund', goal_check: [{ type: 'tool-called', name: 'refund' }] },
          assert: [{ type: 'no-tool-called', names: ['cancel_order'] }],
        },
      ],
    });
    for (const stored of [cut, first]) {
      const held = (await run(simulatedSuite, undefined, new Map([['flow', stored]]))).results[0];
      expect(held?.cached).toBe(false);
      expect(held?.conversation?.ended).toBe('goal');
    }
  });
});
