import { describe, expect, it } from 'vitest';
import { Assertion } from '../suite';
import { casePasses, evaluate, similarity, type Observation } from './assertions';

const seen = (output: string, more: Partial<Observation> = {}): Observation => ({
  output,
  toolCalls: [],
  latencyMs: 120,
  tokens: 50,
  costUsd: 0.001,
  ...more,
});
const check = async (assertion: unknown, observation: Observation) =>
  (await evaluate([Assertion.parse(assertion)], observation))[0];

describe('assertions', () => {
  it('judge text with a readable reason each way', async () => {
    expect(await check({ type: 'equals', value: 'billing' }, seen('billing'))).toMatchObject({ pass: true });
    expect(await check({ type: 'equals', value: 'billing' }, seen('Billing'))).toMatchObject({
      pass: false,
      reason: 'expected "billing", got "Billing"',
    });
    expect(await check({ type: 'contains', value: 'bill' }, seen('billing'))).toMatchObject({ pass: true });
    expect(await check({ type: 'icontains', value: 'BILL' }, seen('billing'))).toMatchObject({ pass: true });
    expect(await check({ type: 'not-contains', value: 'sorry' }, seen('I am sorry'))).toMatchObject({
      pass: false,
      reason: '"sorry" should not appear, but does',
    });
    expect(await check({ type: 'starts-with', value: '{' }, seen('{"a":1}'))).toMatchObject({ pass: true });
    expect(await check({ type: 'regex', value: '^p[123]$' }, seen('p2'))).toMatchObject({ pass: true });
    expect(await check({ type: 'regex', value: '(' }, seen('x'))).toMatchObject({
      pass: false,
      reason: expect.stringContaining('not a valid regular expression'),
    });
    expect(await check({ type: 'contains', value: 'x', not: true }, seen('abc'))).toMatchObject({
      type: 'not-contains',
      pass: true,
    });
  });

  it('judge JSON: validity, schema and paths', async () => {
    expect(await check({ type: 'is-json' }, seen('{"queue": "billing"}'))).toMatchObject({ pass: true });
    expect(await check({ type: 'is-json' }, seen('queue: billing'))).toMatchObject({
      pass: false,
      reason: expect.stringContaining('not JSON'),
    });
    const schema = { type: 'object', required: ['queue'], properties: { queue: { enum: ['billing', 'technical'] } } };
    expect(await check({ type: 'json-schema', value: schema }, seen('{"queue": "billing"}'))).toMatchObject({ pass: true });
    expect(await check({ type: 'json-schema', value: schema }, seen('{"queue": "sales"}'))).toMatchObject({
      pass: false,
      reason: expect.stringContaining('must be equal to one of the allowed values'),
    });
    expect(await check({ type: 'json-path', path: '$.queue', value: 'billing' }, seen('{"queue": "billing"}'))).toMatchObject({
      pass: true,
    });
    expect(await check({ type: 'json-path', path: '$.priority', value: 'p1' }, seen('{"queue": "billing"}'))).toMatchObject({
      pass: false,
      reason: '$.priority is missing, expected "p1"',
    });
  });

  it('judge similarity, bounds and tools', async () => {
    expect(similarity('the refund is approved', 'refund approved')).toBeGreaterThan(0.6);
    expect(
      await check({ type: 'similar', value: 'the refund is approved', threshold: 0.5 }, seen('refund approved')),
    ).toMatchObject({ pass: true });
    expect(await check({ type: 'latency', max_ms: 100 }, seen('x'))).toMatchObject({
      pass: false,
      reason: '120 ms against a bound of 100 ms',
    });
    expect(await check({ type: 'tokens', max: 100 }, seen('x'))).toMatchObject({ pass: true });
    expect(await check({ type: 'cost', max_usd: 0.01 }, seen('x', { costUsd: null }))).toMatchObject({
      pass: false,
      reason: expect.stringContaining('unknown'),
    });
    const calls = [
      { name: 'lookup', arguments: { id: 'o-1', verbose: true }, result: {} },
      { name: 'refund', arguments: { id: 'o-1' }, result: {} },
    ];
    expect(
      await check({ type: 'tool-called', name: 'lookup', args: { id: 'o-1' } }, seen('', { toolCalls: calls })),
    ).toMatchObject({ pass: true });
    expect(
      await check({ type: 'tool-called', name: 'lookup', args: { id: 'o-2' } }, seen('', { toolCalls: calls })),
    ).toMatchObject({
      pass: false,
      reason: expect.stringContaining('1. lookup({"id":"o-1","verbose":true}): id is "o-1", expected "o-2"'),
    });
    expect(await check({ type: 'tool-sequence', names: ['lookup', 'refund'] }, seen('', { toolCalls: calls }))).toMatchObject({
      pass: true,
    });
    expect(await check({ type: 'tool-sequence', names: ['refund'] }, seen('', { toolCalls: calls }))).toMatchObject({
      pass: false,
      reason: 'expected refund in this order; the agent called:\n1. lookup ✗ expected refund\n2. refund ✗ not expected',
    });
  });

  it('grade rubrics with the judge model, and refuse them without one', async () => {
    const judged = await evaluate([Assertion.parse({ type: 'rubric', value: 'is polite' })], seen('Thanks!'), {
      judge: async () => ({ score: 0.9, reason: 'courteous' }),
      embed: null,
    });
    expect(judged[0]).toMatchObject({ pass: true, score: 0.9, reason: 'judge: courteous (score 0.90)' });
    expect(await check({ type: 'rubric', value: 'is polite' }, seen('x'))).toMatchObject({
      pass: false,
      reason: expect.stringContaining('no judge model'),
    });
  });

  it('pass a case by weighted score when it sets a threshold', async () => {
    const assertions = [
      Assertion.parse({ type: 'contains', value: 'a', weight: 3 }),
      Assertion.parse({ type: 'contains', value: 'z', weight: 1 }),
    ];
    const verdicts = await evaluate(assertions, seen('abc'));
    expect(casePasses({}, assertions, verdicts)).toBe(false);
    expect(casePasses({ threshold: 0.7 }, assertions, verdicts)).toBe(true);
    expect(casePasses({ threshold: 0.8 }, assertions, verdicts)).toBe(false);
  });
});
