import { describe, expect, it } from 'vitest';
import { checkCompatibility, type Contract } from './compat';

const intakeOutput = {
  type: 'object',
  required: ['intent', 'ticket'],
  properties: {
    intent: { type: 'string' },
    ticket: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } },
    tags: { type: 'array', items: { type: 'string' } },
  },
};
const intake = (semver: string, output: Record<string, unknown> | null = intakeOutput, tools: string[] = ['lookup']) => ({
  agent: 'intake',
  semver,
  contract: { offers: { ...(output ? { output_schema: output } : {}), tools } } satisfies Contract,
});
const router = (requires: NonNullable<Contract['requires']>[string]) => ({
  agent: 'router',
  semver: '2.0.0',
  contract: { requires: { intake: requires } } satisfies Contract,
});
const consumes = {
  type: 'object',
  required: ['intent', 'ticket'],
  properties: {
    intent: { type: 'string' },
    ticket: { type: 'object', required: ['id'], properties: { id: { type: 'number' } } },
  },
};

describe('compatibility of contracts', () => {
  it('passes when every required path exists with a type the consumer takes and the range matches', () => {
    expect(checkCompatibility(router({ range: '>=1.2.0 <2.0.0', schema: consumes, tools: ['lookup'] }), intake('1.5.0'))).toEqual(
      { depends: true, ok: true, breaks: [], notChecked: [] },
    );
  });

  it('names a removed field, as the issue words it', () => {
    const { intent: _removed, ...properties } = intakeOutput.properties;
    const result = checkCompatibility(
      router({ schema: consumes }),
      intake('1.5.0', { ...intakeOutput, required: ['ticket'], properties }),
    );
    expect(result.breaks).toEqual([
      'router 2.0.0 requires intake output field `intent` (string); intake 1.5.0 no longer emits it',
    ]);
    expect(result.ok).toBe(false);
  });

  it('names a changed type, nested fields included, and a field the producer may leave out', () => {
    const changed = {
      ...intakeOutput,
      properties: {
        ...intakeOutput.properties,
        ticket: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      },
    };
    expect(checkCompatibility(router({ schema: consumes }), intake('1.6.0', changed)).breaks).toEqual([
      'router 2.0.0 requires intake output field `ticket.id` (number); intake 1.6.0 emits it as string',
    ]);
    const optional = { ...intakeOutput, required: ['ticket'] };
    expect(checkCompatibility(router({ schema: consumes }), intake('1.7.0', optional)).breaks).toEqual([
      'router 2.0.0 requires intake output field `intent` (string); intake 1.7.0 may leave it out (it is not in its required list)',
    ]);
  });

  it('refuses a version outside the range, a tool not offered, a missing output schema and a range that is not one', () => {
    expect(checkCompatibility(router({ range: '^1.2.0' }), intake('2.0.0')).breaks).toEqual([
      'router 2.0.0 requires intake ^1.2.0; 2.0.0 is outside it',
    ]);
    expect(checkCompatibility(router({ tools: ['escalate'] }), intake('1.5.0')).breaks).toEqual([
      "router 2.0.0 calls intake's tool `escalate`; intake 1.5.0 does not offer it",
    ]);
    expect(checkCompatibility(router({ schema: consumes }), intake('1.5.0', null)).breaks).toEqual([
      "router 2.0.0 consumes intake's output by a schema; intake 1.5.0 declares no output schema",
    ]);
    expect(checkCompatibility(router({ range: 'soon' }), intake('1.5.0')).breaks).toEqual([
      'router 2.0.0 requires intake "soon", which is not a semver range',
    ]);
  });

  it('lists the keywords it does not evaluate instead of passing them', () => {
    const strict = {
      ...consumes,
      additionalProperties: false,
      properties: { ...consumes.properties, intent: { type: 'string', enum: ['billing', 'technical'], pattern: '^[a-z]+$' } },
    };
    const result = checkCompatibility(router({ schema: strict }), intake('1.5.0'));
    expect(result).toMatchObject({ ok: true, breaks: [] });
    expect(result.notChecked).toEqual(['(the whole output): additionalProperties', 'intent: enum', 'intent: pattern']);
  });

  it('says when there is no dependency, and accepts an integer where a number is asked', () => {
    expect(checkCompatibility(intake('1.0.0'), router({}))).toEqual({ depends: false, ok: true, breaks: [], notChecked: [] });
    expect(checkCompatibility(router({ schema: consumes }), intake('1.5.0')).ok).toBe(true);
  });
});
