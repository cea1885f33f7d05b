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
      { type: 'tool-called', name: 'lookup', args: { id: 42 } },
      { type: 'tool-called', name: 'lookup', args: { id: 42, region: 'eu' }, match: 'exact' },
      { type: 'tool-called', name: 'lookup', args: { id: '^o-\\d+$' }, match: 'regex' },
      { type: 'no-tool-called' },
      { type: 'no-tool-called', names: ['delete_account', 'refund'] },
      { type: 'tool-sequence', names: ['lookup', 'lookup', 'refund'], mode: 'unordered' },
      { type: 'tool-sequence', names: ['lookup'], mode: 'superset' },
      { type: 'step-count', max_turns: 3 },
      { type: 'step-count', min_turns: 1, max_turns: 3, min_tool_calls: 2 },
      { type: 'goal-reached' },
      { type: 'json-path', path: '$.priority', value: 'p1' },
    ];
    for (const assertion of kinds) {
      const line = assertionToText(assertion);
      expect(line, assertion.type).not.toBeNull();
      expect(assertionFromText(line ?? ''), line ?? '').toEqual({ assertion });
    }
    expect(assertionToText({ type: 'contains', value: 'billing', not: true })).toBe('not contains: billing');
    expect(assertionToText({ type: 'json-path', path: '$.n', value: 3 })).toBe('json-path: $.n = 3');
    expect(assertionToText({ type: 'step-count', max_turns: 3, min_tool_calls: 1, max_tool_calls: 4 })).toBe(
      'step-count: turns <= 3, tool calls 1..4',
    );
    expect(assertionToText({ type: 'tool-sequence', names: ['a', 'b'], mode: 'subset' })).toBe('tool-sequence(subset): a, b');
  });

  it('says what is wrong with a trajectory line', () => {
    expect(assertionFromText('step-count: turns < 3')).toEqual({
      problem: 'write step-count: turns <= 3, tool calls 1..4 ("turns < 3" is neither)',
    });
    expect(assertionFromText('tool-called: lookup {id: 42}')).toEqual({
      problem: 'the arguments after lookup are not JSON: write tool-called: lookup {"id": 42}',
    });
    expect(assertionFromText('contains(exact): x')).toEqual({
      problem: '(exact) is a mode of tool-called and tool-sequence, not of contains',
    });
    expect(assertionFromText('tool-sequence(sideways): a')).toMatchObject({ problem: expect.stringContaining('mode') });
    expect(assertionFromText('tool-called(regex): lookup {"id": "(unclosed"}')).toMatchObject({
      problem: expect.stringContaining('is not a valid regular expression'),
    });
    expect(assertionFromText('tool-called(exact): lookup')).toMatchObject({ problem: expect.stringContaining('needs args') });
  });

  it('leaves to YAML what a line cannot hold, and says what is wrong with a line', () => {
    expect(assertionToText({ type: 'json-schema', value: { type: 'object' } })).toBeNull();
    expect(assertionToText({ type: 'tool-called', name: 'lookup', schema: { type: 'object' } })).toBeNull();
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
