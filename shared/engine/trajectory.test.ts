import { describe, expect, it } from 'vitest';
import { Assertion, SuiteCase } from '../suite';
import { evaluate, gradeOutput, type Observation } from './assertions';
import { observationOf } from './execute';
import { trajectoryOf, trajectorySteps } from './trajectory';
import type { ChatMessage } from './types';

/** A conversation the agent had: the system prompt, one user turn, then its model turns and tool results. */
function conversation(calls: Array<Array<{ name: string; arguments: Record<string, unknown> }>>, reply = 'done'): ChatMessage[] {
  const messages: ChatMessage[] = [
    { role: 'system', content: 'You help with orders.' },
    { role: 'user', content: 'Refund order 42' },
  ];
  let id = 0;
  for (const turn of calls) {
    const toolCalls = turn.map((call) => ({ id: `c${(id += 1)}`, ...call }));
    messages.push({ role: 'assistant', content: '', toolCalls });
    for (const call of toolCalls)
      messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: JSON.stringify({ ok: call.name }) });
  }
  messages.push({ role: 'assistant', content: reply });
  return messages;
}

function observed(messages: ChatMessage[]): Observation {
  const toolCalls = messages.flatMap((message) =>
    (message.toolCalls ?? []).map((call) => ({ name: call.name, arguments: call.arguments, result: { ok: call.name } })),
  );
  return observationOf({ output: messages.at(-1)?.content ?? '', messages, toolCalls, latencyMs: 10, costUsd: 0, tokens: 5 });
}

const check = async (assertion: unknown, seen: Observation) => (await evaluate([Assertion.parse(assertion)], seen))[0];

const LOOKUP_THEN_REFUND = observed(
  conversation([
    [{ name: 'lookup_order', arguments: { id: 42, region: 'eu' } }],
    [{ name: 'refund', arguments: { id: 42, amount: 19.5 } }],
  ]),
);

describe('tool-called', () => {
  it('matches arguments as a subset by default, as stored suites expect', async () => {
    expect(await check({ type: 'tool-called', name: 'lookup_order', args: { id: 42 } }, LOOKUP_THEN_REFUND)).toMatchObject({
      pass: true,
      reason: 'called lookup_order with {"id":42}: step 1. lookup_order({"id":42,"region":"eu"})',
      steps: [2],
    });
  });

  it('matches exactly: an extra or a different argument fails, naming it', async () => {
    expect(
      await check({ type: 'tool-called', name: 'lookup_order', args: { id: 42 }, match: 'exact' }, LOOKUP_THEN_REFUND),
    ).toMatchObject({
      pass: false,
      reason:
        'expected a call of lookup_order with {"id":42} (exact); the calls:\n1. lookup_order({"id":42,"region":"eu"}): region ("eu") is not expected\n2. refund({"id":42,"amount":19.5}): another tool',
    });
    expect(
      await check(
        { type: 'tool-called', name: 'lookup_order', args: { id: 42, region: 'eu' }, match: 'exact' },
        LOOKUP_THEN_REFUND,
      ),
    ).toMatchObject({ pass: true });
  });

  it('matches each argument by a pattern over its text', async () => {
    expect(
      await check(
        { type: 'tool-called', name: 'refund', args: { amount: '^\\d+\\.\\d{2}$' }, match: 'regex' },
        LOOKUP_THEN_REFUND,
      ),
    ).toMatchObject({ pass: false, reason: expect.stringContaining('amount 19.5 does not match /^\\d+\\.\\d{2}$/') });
    expect(
      await check(
        { type: 'tool-called', name: 'refund', args: { amount: '^\\d+(\\.\\d+)?$', id: '^4' }, match: 'regex' },
        LOOKUP_THEN_REFUND,
      ),
    ).toMatchObject({ pass: true, steps: [4] });
    expect(
      await check({ type: 'tool-called', name: 'refund', args: { reason: '.' }, match: 'regex' }, LOOKUP_THEN_REFUND),
    ).toMatchObject({ pass: false, reason: expect.stringContaining('reason is missing') });
  });

  it('matches by a JSON schema: arguments that fit the schema pass where an exact match would fail', async () => {
    const schema = {
      type: 'object',
      required: ['id', 'amount'],
      properties: { id: { type: 'integer' }, amount: { type: 'number', maximum: 100 } },
    };
    expect(await check({ type: 'tool-called', name: 'refund', schema }, LOOKUP_THEN_REFUND)).toMatchObject({ pass: true });
    expect(
      await check({ type: 'tool-called', name: 'refund', args: { id: 42, amount: 20 }, match: 'exact' }, LOOKUP_THEN_REFUND),
    ).toMatchObject({ pass: false, reason: expect.stringContaining('amount is 19.5, expected 20') });
    expect(
      await check(
        { type: 'tool-called', name: 'refund', schema: { ...schema, properties: { amount: { maximum: 10 } } } },
        LOOKUP_THEN_REFUND,
      ),
    ).toMatchObject({ pass: false, reason: expect.stringContaining('schema: data/amount must be <= 10') });
    expect(await check({ type: 'tool-called', name: 'refund', schema: { type: 'objekt' } }, LOOKUP_THEN_REFUND)).toMatchObject({
      pass: false,
      error: true,
    });
  });

  it('says when no tool was called at all', async () => {
    expect(await check({ type: 'tool-called', name: 'refund' }, observed(conversation([])))).toMatchObject({
      pass: false,
      reason: 'expected a call of refund; the agent called no tool',
    });
  });

  it('refuses a pattern that is not one, and a match with nothing to match, when the suite is read', () => {
    expect(
      Assertion.safeParse({ type: 'tool-called', name: 'x', args: { id: '(' }, match: 'regex' }).error?.issues[0],
    ).toMatchObject({
      path: ['args', 'id'],
      message: expect.stringContaining('is not a valid regular expression'),
    });
    expect(Assertion.safeParse({ type: 'tool-called', name: 'x', args: { id: 4 }, match: 'regex' }).success).toBe(false);
    expect(Assertion.safeParse({ type: 'tool-called', name: 'x', match: 'exact' }).success).toBe(false);
  });
});

describe('no-tool-called', () => {
  it('passes with no call, and fails on any (or on a named one), marking the offending step', async () => {
    expect(await check({ type: 'no-tool-called' }, observed(conversation([])))).toMatchObject({ pass: true });
    expect(await check({ type: 'no-tool-called' }, LOOKUP_THEN_REFUND)).toMatchObject({ pass: false, steps: [2, 4] });
    expect(await check({ type: 'no-tool-called', names: ['refund', 'delete_account'] }, LOOKUP_THEN_REFUND)).toMatchObject({
      pass: false,
      reason:
        'expected none of refund, delete_account to be called; the agent called:\n1. lookup_order({"id":42,"region":"eu"})\n2. refund({"id":42,"amount":19.5}) ✗',
      steps: [4],
    });
    expect(await check({ type: 'no-tool-called', names: ['delete_account'] }, LOOKUP_THEN_REFUND)).toMatchObject({ pass: true });
  });
});

describe('tool-sequence', () => {
  const repeated = observed(
    conversation([
      [{ name: 'search', arguments: { q: 'a' } }],
      [
        { name: 'search', arguments: { q: 'b' } },
        { name: 'lookup_order', arguments: { id: 1 } },
      ],
      [{ name: 'refund', arguments: { id: 1 } }],
    ]),
  );

  it('is strict by default: the same calls in the same order, shown step by step', async () => {
    expect(await check({ type: 'tool-sequence', names: ['search', 'search', 'lookup_order', 'refund'] }, repeated)).toMatchObject(
      {
        pass: true,
      },
    );
    expect(await check({ type: 'tool-sequence', names: ['search', 'lookup_order', 'refund'] }, repeated)).toMatchObject({
      pass: false,
      reason:
        'expected search → lookup_order → refund in this order; the agent called:\n1. search ✓\n2. search ✗ expected lookup_order\n3. lookup_order ✗ expected refund\n4. refund ✗ not expected',
    });
  });

  it('unordered counts a repeated tool: each call as many times, in any order', async () => {
    expect(
      await check({ type: 'tool-sequence', names: ['refund', 'lookup_order', 'search', 'search'], mode: 'unordered' }, repeated),
    ).toMatchObject({ pass: true });
    expect(
      await check({ type: 'tool-sequence', names: ['refund', 'lookup_order', 'search'], mode: 'unordered' }, repeated),
    ).toMatchObject({
      pass: false,
      reason:
        'expected refund, lookup_order, search in any order; the agent called search → search → lookup_order → refund: not expected: search',
    });
  });

  it('superset allows extra calls; subset allows fewer, never others', async () => {
    expect(await check({ type: 'tool-sequence', names: ['refund', 'search'], mode: 'superset' }, repeated)).toMatchObject({
      pass: true,
    });
    expect(await check({ type: 'tool-sequence', names: ['refund', 'cancel'], mode: 'superset' }, repeated)).toMatchObject({
      pass: false,
      reason: expect.stringContaining('missing cancel'),
    });
    expect(
      await check(
        { type: 'tool-sequence', names: ['search', 'search', 'search', 'lookup_order', 'refund', 'cancel'], mode: 'subset' },
        repeated,
      ),
    ).toMatchObject({ pass: true });
    expect(
      await check({ type: 'tool-sequence', names: ['search', 'lookup_order', 'refund'], mode: 'subset' }, repeated),
    ).toMatchObject({
      pass: false,
      reason: expect.stringContaining('not expected: search'),
    });
  });
});

describe('step-count', () => {
  it('bounds model turns and tool calls, saying each figure against its bound', async () => {
    expect(await check({ type: 'step-count', max_turns: 3, max_tool_calls: 2 }, LOOKUP_THEN_REFUND)).toMatchObject({
      pass: true,
      reason: '3 model turns (at most 3), 2 tool calls (at most 2); called lookup_order → refund',
    });
    expect(await check({ type: 'step-count', max_turns: 2, min_tool_calls: 1 }, LOOKUP_THEN_REFUND)).toMatchObject({
      pass: false,
      reason: '3 model turns (at most 2) ✗, 2 tool calls (at least 1); called lookup_order → refund',
      steps: [2, 4, 6],
    });
  });

  it('cannot count model turns where only the calls are known', async () => {
    const callsOnly: Observation = { output: '', toolCalls: [], latencyMs: 0, tokens: null, costUsd: null };
    expect(await check({ type: 'step-count', max_turns: 2 }, callsOnly)).toMatchObject({ pass: false, error: true });
    expect(await check({ type: 'step-count', max_tool_calls: 0 }, callsOnly)).toMatchObject({ pass: true });
    expect(Assertion.safeParse({ type: 'step-count' }).success).toBe(false);
  });
});

describe('a scripted conversation', () => {
  const testCase = SuiteCase.parse({
    id: 'refund-flow',
    turns: [
      {
        user: 'Where is order 42?',
        assert: [
          { type: 'tool-called', name: 'lookup_order' },
          { type: 'contains', value: 'shipped' },
        ],
      },
      { user: 'Refund it', assert: [{ type: 'no-tool-called', names: ['lookup_order'] }] },
    ],
    assert: [{ type: 'tool-sequence', names: ['lookup_order', 'refund'] }],
  });
  const messages: ChatMessage[] = [
    { role: 'system', content: 'You help.' },
    { role: 'user', content: 'Where is order 42?' },
    { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'lookup_order', arguments: { id: 42 } }] },
    { role: 'tool', toolCallId: 'a', name: 'lookup_order', content: '{"status":"shipped"}' },
    { role: 'assistant', content: 'It has shipped.' },
    { role: 'user', content: 'Refund it' },
    { role: 'assistant', content: '', toolCalls: [{ id: 'b', name: 'lookup_order', arguments: { id: 42 } }] },
    { role: 'tool', toolCallId: 'b', name: 'lookup_order', content: '{"status":"shipped"}' },
    { role: 'assistant', content: 'I looked again; no refund.' },
  ];

  it('is judged per turn on that turn, and as a whole on every step', async () => {
    const seen = observationOf({
      output: 'I looked again; no refund.',
      messages,
      toolCalls: [],
      latencyMs: 5,
      costUsd: null,
      tokens: null,
      conversation: { turns: [1, 5] },
    });
    const graded = await gradeOutput(testCase, testCase.assert, seen, { judge: null, embed: null });
    expect(graded.status).toBe('failed');
    expect(graded.verdicts.map((verdict) => [verdict.turn, verdict.type, verdict.pass])).toEqual([
      [1, 'tool-called', true],
      [1, 'contains', true],
      [2, 'no-tool-called', false],
      [undefined, 'tool-sequence', false],
    ]);
    expect(graded.verdicts[2]).toMatchObject({
      reason: expect.stringMatching(/^turn 2: expected none of lookup_order/),
      steps: [6],
    });
    expect(graded.verdicts[3]?.reason).toContain('1. lookup_order ✓\n2. lookup_order ✗ expected refund');
  });

  it('refuses a measure of the whole case inside a turn, and goal-reached outside a simulated one', () => {
    const turn = SuiteCase.safeParse({ id: 'x', turns: [{ user: 'hi', assert: [{ type: 'latency', max_ms: 10 }] }] });
    expect(turn.error?.issues[0]).toMatchObject({
      path: ['turns', 0, 'assert', 0],
      message: "latency measures the whole conversation: put it in the case's assert, not a turn's",
    });
    expect(SuiteCase.safeParse({ id: 'x', vars: {}, assert: [{ type: 'goal-reached' }] }).error?.issues[0]?.message).toContain(
      'goal-reached judges a simulated conversation',
    );
    expect(SuiteCase.safeParse({ id: 'x', turns: [{ user: 'hi' }], messages: [{ role: 'user', content: 'a' }] }).success).toBe(
      false,
    );
  });
});

describe('reading a trajectory', () => {
  it('pairs each call with the result right after its turn, though providers reuse call ids across turns', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'mock_1', name: 'lookup', arguments: {} }] },
      { role: 'tool', toolCallId: 'mock_1', name: 'lookup', content: '{"a":1}' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'mock_1', name: 'refund', arguments: {} }] },
      { role: 'tool', toolCallId: 'mock_1', name: 'refund', content: '{"b":2}' },
      { role: 'assistant', content: 'ok' },
    ];
    expect(trajectoryOf(messages, 1).calls.map((call) => [call.name, call.result, call.at, call.answeredAt])).toEqual([
      ['lookup', { a: 1 }, 1, 2],
      ['refund', { b: 2 }, 3, 4],
    ]);
  });

  it('marks on the reply only the verdicts that looked at it: a trajectory verdict with no step marks none', async () => {
    const seen = observed(conversation([]));
    const verdicts = await evaluate(
      [Assertion.parse({ type: 'no-tool-called' }), Assertion.parse({ type: 'contains', value: 'done' })],
      seen,
    );
    expect(verdicts[0]?.steps).toEqual([]);
    const { steps } = trajectorySteps(conversation([]), undefined, verdicts);
    expect(steps.map((step) => [step.kind, step.verdicts])).toEqual([
      ['user', []],
      ['model', [1]],
    ]);
  });

  it('errors a no-tool-called that names a tool the version does not have: a typo never passes', async () => {
    const tools = [{ name: 'delete_account', description: 'x', parameters: { type: 'object' as const } }];
    const [verdict] = await evaluate(
      [Assertion.parse({ type: 'no-tool-called', names: ['delete_acount'] })],
      LOOKUP_THEN_REFUND,
      {
        judge: null,
        embed: null,
        tools,
      },
    );
    expect(verdict).toMatchObject({
      pass: false,
      error: true,
      reason: expect.stringContaining('delete_acount is not a tool of this version'),
    });
  });

  it('refuses bounds no conversation could meet, and goal-reached as what ends a conversation', () => {
    expect(Assertion.safeParse({ type: 'step-count', min_turns: 5, max_turns: 1 }).error?.issues[0]?.message).toBe(
      'min_turns is above max_turns: no conversation could pass',
    );
    const simulated = SuiteCase.safeParse({
      id: 'x',
      simulate: { persona: 'p', goal: 'g', goal_check: [{ type: 'goal-reached' }] },
    });
    expect(simulated.error?.issues[0]).toMatchObject({ path: ['simulate', 'goal_check', 0] });
  });
});
