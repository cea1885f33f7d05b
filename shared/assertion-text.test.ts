import { describe, expect, it } from 'vitest';
import { assertionFromText, assertionToText } from './assertion-text';
import type { Assertion } from './suite';

describe('an assertion on one line', () => {
  it('round-trips every kind a line can hold', () => {
    const kinds: Assertion[] = [
      { type: 'equals', value: 'billing p2' },
      { type: 'contains', value: 'billing', not: true },
      { type: 'icontains', value: 'Refund' },
      { type: 'not-contains', value: 'sorry' },
      { type: 'starts-with', value: '{' },
      { type: 'regex', value: '^p[12]$' },
      { type: 'is-json' },
      { type: 'similar', value: 'a refund is on its way', threshold: 0.8 },
      { type: 'rubric', value: 'is polite' },
      { type: 'latency', max_ms: 2000 },
      { type: 'tokens', max: 500 },
      { type: 'cost', max_usd: 0.01 },
      { type: 'tool-called', name: 'lookup' },
      { type: 'tool-sequence', names: ['lookup', 'refund'] },
      { type: 'json-path', path: '$.priority', value: 'p1' },
    ];
    for (const assertion of kinds) {
      const line = assertionToText(assertion);
      expect(line, assertion.type).not.toBeNull();
      expect(assertionFromText(line ?? ''), line ?? '').toEqual({ assertion });
    }
    expect(assertionToText({ type: 'contains', value: 'billing', not: true })).toBe('not contains: billing');
    expect(assertionToText({ type: 'json-path', path: '$.n', value: 3 })).toBe('json-path: $.n = 3');
  });

  it('leaves to YAML what a line cannot hold, and says what is wrong with a line', () => {
    expect(assertionToText({ type: 'json-schema', value: { type: 'object' } })).toBeNull();
    expect(assertionToText({ type: 'tool-called', name: 'lookup', args: { id: 1 } })).toBeNull();
    expect(assertionToText({ type: 'contains', value: 'x', weight: 2 })).toBeNull();
    expect(assertionFromText('contains billing')).toEqual({ problem: 'write TYPE: VALUE, for example contains: billing' });
    expect(assertionFromText('latency: soon')).toEqual({ problem: 'latency takes a number, for example latency: 2000' });
    expect(assertionFromText('json-path: $.priority = p1')).toEqual({
      problem: 'the value after = is not JSON: quote text ("p1")',
    });
    expect(assertionFromText('json-schema: {}')).toEqual({
      problem: 'a json-schema assertion holds a schema: edit it in the YAML view',
    });
    expect(assertionFromText('frobnicate: x')).toMatchObject({
      problem: expect.stringMatching(/^"frobnicate" is not an assertion type \(equals, contains, /) as unknown as string,
    });
  });
});
