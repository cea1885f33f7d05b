import { createHash } from 'node:crypto';

/**
 * Edge cases for every promptfoo assertion type Slipway imports: each an output (what the model
 * answered), one promptfoo test (vars, assertions, threshold, transform) and, for the types that
 * read them, a cost, a latency or tool definitions. Graded once by promptfoo itself
 * (`npx tsx scripts/grade-with-promptfoo.ts` writes test-support/promptfoo-verdicts.json);
 * shared/promptfoo/parity.test.ts holds Slipway's verdicts to those.
 */

export interface CorpusCase {
  id: string;
  /** The model's answer: text, or (for tool-call types) the calls as OpenAI shapes them. */
  output: string | unknown[] | Record<string, unknown>;
  test: {
    vars?: Record<string, unknown>;
    assert: Array<Record<string, unknown>>;
    threshold?: number;
    options?: Record<string, unknown>;
  };
  costUsd?: number;
  latencyMs?: number;
  /** OpenAI tool definitions the provider was configured with. */
  tools?: unknown[];
}

const TEXTS = [
  'Hello World',
  'Hello World\n',
  'Hello World ',
  'hello world',
  '',
  'HELLO',
  'The answer is 42.',
  '42',
  'a, b, c',
  'Hello, World!',
  'Straße ünï',
  'line1\nline2',
];

const cases: CorpusCase[] = [];
let counter = 0;
function add(output: CorpusCase['output'], test: CorpusCase['test'], more: Partial<CorpusCase> = {}): void {
  counter += 1;
  cases.push({ id: `c${String(counter).padStart(4, '0')}`, output, test, ...more });
}
const one = (assertion: Record<string, unknown>, vars?: Record<string, unknown>) => ({
  assert: [assertion],
  ...(vars ? { vars } : {}),
});

// Text types, with and without not-.
const LISTS: unknown[] = [
  ['World'],
  ['world'],
  ['foo', 'World'],
  ['foo', 'bar'],
  'foo, World',
  'World,foo',
  'Hello World',
  [''],
  [42],
  ['Hello World\n'],
  ['a', 'b'],
  ['ß'],
];
for (const type of ['contains-any', 'contains-all', 'icontains-any', 'icontains-all'])
  for (const value of LISTS)
    for (const output of ['Hello World', 'hello world\n', '', 'The answer is 42.', 'a, b, c', 'Straße ünï']) {
      add(output, one({ type, value }));
      if (output === 'Hello World') add(output, one({ type: `not-${type}`, value }));
    }
for (const type of ['contains', 'icontains', 'starts-with', 'equals'])
  for (const value of ['Hello', 'hello', 'Hello World', 'Hello World\n', ' Hello', '', 42, '42', 'ß'])
    for (const output of TEXTS) {
      if (type !== 'equals' && output.length > 12) continue;
      add(output, one({ type, value }));
    }
for (const value of ['^Hello', 'world$', '(?i)hello', '\\d+', 'Hello\\s*$', '^$'])
  for (const output of TEXTS.slice(0, 8)) add(output, one({ type: 'regex', value }));
for (const output of ['Hello World', 'hello']) add(output, one({ type: 'not-regex', value: '^Hello' }));

// equals with promptfoo's object comparison.
const JSONS = [
  '{"a":1}',
  '{"a": 1}',
  ' {"a":1} ',
  '{"a":1,"b":2}',
  '[1,2]',
  '[2,1]',
  'true',
  'null',
  '{"a":"1"}',
  'not json',
  '1',
];
for (const value of [{ a: 1 }, [1, 2], { a: '1' }, { a: 1, b: 2 }, true, 1, { a: { b: [1] } }])
  for (const output of JSONS) add(output, one({ type: 'equals', value }));
add('{"a":{"b":[1]}}', one({ type: 'equals', value: { a: { b: [1] } } }));
add('{"b":2,"a":1}', one({ type: 'equals', value: { a: 1, b: 2 } }));
add('{"a":1}', one({ type: 'not-equals', value: { a: 1 } }));

// JSON: is-json and contains-json, with and without a schema.
const JSON_OUTPUTS = [
  '{"a":1}',
  'Here: {"a": 1} done',
  'no json',
  '[1,2]',
  'text [1, 2] text',
  '{"a":',
  '```json\n{"a":1}\n```',
  '{"b":2} and {"a":1}',
  'null',
  '42',
  '"str"',
  'true',
  '',
  '{"a":"x"}',
  '  {"a":1}\n',
];
const SCHEMAS: unknown[] = [
  undefined,
  { type: 'object', required: ['a'] },
  { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] },
  { type: 'array' },
];
for (const type of ['is-json', 'contains-json'])
  for (const value of SCHEMAS)
    for (const output of JSON_OUTPUTS) add(output, one(value === undefined ? { type } : { type, value }));
for (const output of ['{"a":1}', 'no json']) {
  add(output, one({ type: 'not-is-json' }));
  add(output, one({ type: 'not-contains-json' }));
}

// levenshtein: the distance against a threshold (5 by default).
for (const threshold of [undefined, 0, 1, 2, 5, 10])
  for (const output of TEXTS)
    add(output, one({ type: 'levenshtein', value: 'Hello World', ...(threshold === undefined ? {} : { threshold }) }));
add('kitten', one({ type: 'levenshtein', value: 'sitting', threshold: 3 }));
add('kitten', one({ type: 'levenshtein', value: 'sitting', threshold: 2 }));
add('Straße', one({ type: 'levenshtein', value: 'Strasse', threshold: 1 }));
add('Straße', one({ type: 'levenshtein', value: 'Strasse', threshold: 2 }));

// XML.
const XMLS = [
  '<a>1</a>',
  '<a><b>x</b></a>',
  '<a>',
  'text <a>1</a> text',
  '',
  '<?xml version="1.0"?><r/>',
  '<a></b>',
  '<a x="1"/>',
  '<a>1</a><b/>',
  'plain',
  '<a><b><c>deep</c></b></a>',
  '<a>&amp;</a>',
  '<a>&bad;</a>',
];
for (const type of ['is-xml', 'contains-xml'])
  for (const value of [undefined, 'a', 'a.b', 'a.b.c', 'a.c', 'r', 'a.b,a', { requiredElements: ['a.b'] }])
    for (const output of XMLS) add(output, one(value === undefined ? { type } : { type, value }));
add('<a>1</a>', one({ type: 'not-is-xml' }));
add('plain', one({ type: 'not-contains-xml' }));

// OpenAI tool and function calls, against the tools the provider was given.
const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'lookup_order',
      description: 'Finds an order',
      parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    },
  },
  {
    type: 'function',
    function: { name: 'refund', parameters: { type: 'object', properties: { amount: { type: 'number' } } } },
  },
];
const call = (name: string, args: unknown) => ({
  id: 'call_1',
  type: 'function',
  function: { name, arguments: JSON.stringify(args) },
});
const TOOL_OUTPUTS: Array<CorpusCase['output']> = [
  [call('lookup_order', { id: 'o-1' })],
  [call('lookup_order', {})],
  [call('lookup_order', { id: 7 })],
  [call('refund', { amount: 3 })],
  [call('refund', { amount: 'three' })],
  [call('cancel', {})],
  [call('lookup_order', { id: 'o-1' }), call('refund', { amount: 1 })],
  [call('lookup_order', { id: 'o-1' }), call('cancel', {})],
  [],
];
for (const output of TOOL_OUTPUTS) add(output, one({ type: 'is-valid-openai-tools-call' }), { tools: TOOLS });
// not-is-valid-openai-tools-call is left out: promptfoo 0.123.1 passes it on valid calls (the not-
// is not applied); Slipway inverts it like every other type (docs/suites.md says so).
// is-valid-openai-function-call is left out: promptfoo grades it only through its own OpenAI
// provider ("Provider does not have functionality for checking function call" otherwise), so
// its verdicts say nothing about the assertion. shared/promptfoo/import.test.ts covers its import.

// cost and latency.
for (const [costUsd, threshold] of [
  [0.001, 0.01],
  [0.01, 0.01],
  [0.02, 0.01],
  [0, 0],
])
  add('ok', one({ type: 'cost', threshold }), { costUsd });
for (const [latencyMs, threshold] of [
  [100, 1000],
  [1000, 1000],
  [1500, 1000],
])
  add('ok', one({ type: 'latency', threshold }), { latencyMs });
add('ok', one({ type: 'not-cost', threshold: 0.01 }), { costUsd: 0.02 });

// {{vars}} inside values, numbers as text.
add('Hello Ada', one({ type: 'contains', value: 'Hello {{name}}' }, { name: 'Ada' }));
add('Hello Ada', one({ type: 'contains', value: 'Hello {{ name }}' }, { name: 'Bob' }));
add('Order 42 shipped', one({ type: 'contains', value: 'Order {{id}}' }, { id: 42 }));
add('Hello Ada', one({ type: 'equals', value: '{{greeting}}' }, { greeting: 'Hello Ada' }));
add('Hello Ada', one({ type: 'contains-any', value: ['{{name}}', 'nobody'] }, { name: 'Ada' }));
add('Hello Ada', one({ type: 'icontains-all', value: ['hello', '{{name}}'] }, { name: 'ADA' }));
add('Hello Ada', one({ type: 'starts-with', value: '{{greeting}}' }, { greeting: 'Hello' }));
add('Hello Ada', one({ type: 'regex', value: '{{pattern}}' }, { pattern: '^Hel+o' }));
add('Hello Ada', one({ type: 'javascript', value: "output.endsWith('{{name}}')" }, { name: 'Ada' }));

// Weights, metrics and a test's threshold.
const MIXED = [
  { type: 'contains', value: 'Hello', weight: 2 },
  { type: 'contains', value: 'absent', weight: 1 },
];
for (const threshold of [undefined, 0.5, 0.6, 0.7, 1])
  add('Hello World', { assert: MIXED, ...(threshold === undefined ? {} : { threshold }) });
add('Hello World', {
  assert: [
    { type: 'contains', value: 'absent', weight: 0 },
    { type: 'contains', value: 'Hello', metric: 'greeting' },
  ],
});
add('Hello World', {
  assert: [
    { type: 'contains', value: 'absent', weight: 0 },
    { type: 'contains', value: 'Hello' },
  ],
  threshold: 0.5,
});
add('Hello World', {
  assert: [
    { type: 'contains', value: 'absent', weight: 3 },
    { type: 'contains', value: 'Hello', weight: 1 },
  ],
  threshold: 0.25,
});

// assert-set: all of a group, or a share of it, weighted like any assertion.
const SET = [
  { type: 'contains', value: 'Hello' },
  { type: 'contains', value: 'World' },
  { type: 'contains', value: 'absent' },
];
for (const threshold of [undefined, 0.5, 0.66, 0.67, 1])
  for (const output of ['Hello World', 'Hello', 'nothing'])
    add(output, one({ type: 'assert-set', assert: SET, ...(threshold === undefined ? {} : { threshold }) }));
add('Hello World', {
  assert: [
    { type: 'assert-set', assert: SET.slice(0, 2), weight: 2 },
    { type: 'contains', value: 'absent' },
  ],
  threshold: 0.6,
});

// javascript: expressions, bodies, scores, objects, errors, context.
const JS = [
  "output.includes('Hello')",
  'output.length',
  'output.length / 100',
  '0',
  '0.5',
  '-1',
  "({ pass: output.startsWith('Hello'), score: 0.8, reason: 'starts right' })",
  "({ pass: true, score: 0, reason: 'passes with no score' })",
  "const words = output.split(' ');\nreturn words.length === 2;",
  "if (output === '') {\n  throw new Error('empty output');\n}\nreturn { pass: true, score: 1, reason: 'not empty' };",
  'context.vars.expected === output.trim()',
  'Promise.resolve(output.length > 3)',
  'null',
  "'yes'",
  'undefined',
  'JSON.parse(output).a === 1',
];
for (const value of JS)
  for (const output of ['Hello World', 'Hello World\n', '', '{"a":1}'])
    add(output, one({ type: 'javascript', value }, { expected: 'Hello World' }));
for (const threshold of [0.2, 0.5, 0.9])
  for (const output of ['Hello World', 'Hi']) add(output, one({ type: 'javascript', value: 'output.length / 20', threshold }));
add('Hello World', one({ type: 'not-javascript', value: "output.includes('Hello')" }));

// python: the same shapes.
const PY = [
  "'Hello' in output",
  'len(output)',
  'len(output) / 100',
  '0',
  "{'pass': output.startswith('Hello'), 'score': 0.8, 'reason': 'starts right'}",
  "words = output.split(' ')\nreturn len(words) == 2",
  "if output == '':\n    raise ValueError('empty output')\nreturn True",
  "context['vars']['expected'] == output.strip()",
];
for (const value of PY)
  for (const output of ['Hello World', 'Hello World\n', ''])
    add(output, one({ type: 'python', value }, { expected: 'Hello World' }));
for (const threshold of [0.2, 0.9]) add('Hello World', one({ type: 'python', value: 'len(output) / 20', threshold }));

// Transforms: the test's (before every assertion) and an assertion's own.
const TRANSFORMS = [
  'output.trim()',
  'output.toUpperCase()',
  "output.split(',')[0]",
  "return output.replace(/o/g, '0');",
  'JSON.parse(output).a',
];
for (const transform of TRANSFORMS)
  for (const output of [' Hello, World ', '{"a":"Hello"}']) {
    add(output, { assert: [{ type: 'equals', value: 'Hello, World' }], options: { transform } });
    add(output, { assert: [{ type: 'contains', value: 'HELLO' }], options: { transform } });
    add(output, { assert: [{ type: 'starts-with', value: 'Hello', transform }] });
  }
add(' Hello ', {
  assert: [
    { type: 'equals', value: 'HELLO', transform: 'output.toUpperCase()' },
    { type: 'equals', value: 'hello' },
  ],
  options: { transform: 'output.trim().toLowerCase()' },
});

export const CORPUS: readonly CorpusCase[] = cases;

/** The corpus's fingerprint: the fixture says which corpus promptfoo graded. */
export function corpusHash(): string {
  return createHash('sha256').update(JSON.stringify(CORPUS)).digest('hex');
}
