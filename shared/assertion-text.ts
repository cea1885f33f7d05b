import { Assertion } from './suite';
import { describeIssues } from './issues';

/**
 * An assertion as one line, for the suite table: `[not ]TYPE[(THRESHOLD)][: VALUE]`, e.g.
 * `contains: billing`, `not contains: sorry`, `similar(0.8): a refund is on its way`,
 * `latency: 2000`, `tool-sequence: lookup, refund`, `json-path: $.priority = "p1"`, `is-json`.
 * Assertions a line cannot hold (a JSON schema, tool arguments, regex flags, a weight) stay in YAML.
 */

/** The types a line may name: an `unsupported` assertion is made by an import, never typed. */
const TYPES: readonly string[] = Assertion.options
  .map((option) => option.shape.type.value)
  .filter((type) => type !== 'unsupported');
const TEXT_TYPES = new Set(['equals', 'contains', 'icontains', 'not-contains', 'starts-with', 'regex']);
const NUMBER_FIELD: Record<string, string> = { latency: 'max_ms', tokens: 'max', cost: 'max_usd' };

export function assertionToText(assertion: Assertion): string | null {
  if (assertion.weight !== undefined || assertion.metric !== undefined || assertion.transform !== undefined) return null;
  const head = `${assertion.not ? 'not ' : ''}${assertion.type}`;
  switch (assertion.type) {
    case 'regex':
      return assertion.flags ? null : `${head}: ${assertion.value}`;
    case 'equals':
    case 'contains':
    case 'icontains':
    case 'not-contains':
    case 'starts-with':
      return `${head}: ${assertion.value}`;
    case 'is-json':
      return head;
    case 'similar':
    case 'rubric':
      return `${head}${assertion.threshold === undefined ? '' : `(${assertion.threshold})`}: ${assertion.value}`;
    case 'latency':
      return `${head}: ${assertion.max_ms}`;
    case 'tokens':
      return `${head}: ${assertion.max}`;
    case 'cost':
      return `${head}: ${assertion.max_usd}`;
    case 'tool-called': {
      if (assertion.schema) return null;
      const mode = assertion.match && assertion.match !== 'subset' ? `(${assertion.match})` : '';
      return `${head}${mode}: ${assertion.name}${assertion.args ? ` ${JSON.stringify(assertion.args)}` : ''}`;
    }
    case 'no-tool-called':
      return assertion.names ? `${head}: ${assertion.names.join(', ')}` : head;
    case 'tool-sequence':
      return `${head}${assertion.mode && assertion.mode !== 'strict' ? `(${assertion.mode})` : ''}: ${assertion.names.join(', ')}`;
    case 'step-count':
      return `${head}: ${[
        stepBounds('turns', assertion.min_turns, assertion.max_turns),
        stepBounds('tool calls', assertion.min_tool_calls, assertion.max_tool_calls),
      ]
        .filter(Boolean)
        .join(', ')}`;
    case 'goal-reached':
      return head;
    case 'json-path':
      return `${head}: ${assertion.path} = ${JSON.stringify(assertion.value)}`;
    case 'is-xml':
    case 'contains-xml':
      return assertion.elements ? null : head;
    case 'valid-tool-calls':
      return head;
    case 'json-schema':
    case 'unsupported':
    case 'equals-json':
    case 'contains-any':
    case 'contains-all':
    case 'icontains-any':
    case 'icontains-all':
    case 'contains-json':
    case 'levenshtein':
    case 'assert-set':
    case 'javascript':
    case 'python':
      return null;
  }
}

function stepBounds(what: string, min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${what} ${min}..${max}`;
  if (min !== undefined) return `${what} >= ${min}`;
  return max === undefined ? '' : `${what} <= ${max}`;
}

const STEP_FIELDS: Record<string, [string, string]> = {
  turns: ['min_turns', 'max_turns'],
  'tool calls': ['min_tool_calls', 'max_tool_calls'],
};

/** `turns <= 3, tool calls 1..4` into step-count's fields, or why not. */
function readStepBounds(value: string, raw: Record<string, unknown>): string | null {
  for (const part of value
    .split(',')
    .map((piece) => piece.trim())
    .filter(Boolean)) {
    const match = /^(turns|tool calls)\s*(?:(<=|>=)\s*(\d+)|(\d+)\s*\.\.\s*(\d+))$/.exec(part);
    const fields = match ? STEP_FIELDS[match[1] ?? ''] : undefined;
    if (!match || !fields) return `write step-count: turns <= 3, tool calls 1..4 ("${part}" is neither)`;
    const [min, max] = fields;
    if (match[2] === '<=') raw[max] = Number(match[3]);
    else if (match[2] === '>=') raw[min] = Number(match[3]);
    else {
      raw[min] = Number(match[4]);
      raw[max] = Number(match[5]);
    }
  }
  return null;
}

/** A tool's name and, after it, its arguments as JSON: `lookup {"id": 42}`. */
function readToolCalled(value: string, mode: string | undefined, raw: Record<string, unknown>): string | null {
  const [, name = '', args] = /^(\S*)\s*([\s\S]*)$/.exec(value.trim()) ?? [];
  raw.name = name;
  if (mode !== undefined) raw.match = mode;
  if (!args) return null;
  try {
    raw.args = JSON.parse(args) as unknown;
  } catch {
    return `the arguments after ${name} are not JSON: write tool-called: ${name} {"id": 42}`;
  }
  return null;
}

/** A line back into an assertion, or why it is not one. */
export function assertionFromText(line: string): { assertion: Assertion } | { problem: string } {
  const match = /^(not\s+)?([a-z][a-z-]*)(?:\((\d*\.?\d+)\)|\(([a-z]+)\))?(?::\s*([\s\S]*))?$/.exec(line.trim());
  if (!match) return { problem: 'write TYPE: VALUE, for example contains: billing' };
  const [, not, type = '', threshold, mode, value] = match;
  if (mode !== undefined && type !== 'tool-called' && type !== 'tool-sequence')
    return { problem: `(${mode}) is a mode of tool-called and tool-sequence, not of ${type}` };
  if (!TYPES.includes(type)) return { problem: `"${type}" is not an assertion type (${TYPES.join(', ')})` };
  if (type in NUMBER_FIELD && !Number.isFinite(Number(value)))
    return { problem: `${type} takes a number, for example ${type}: ${type === 'cost' ? '0.01' : '2000'}` };
  const raw: Record<string, unknown> = { type, ...(not ? { not: true } : {}) };
  if (TEXT_TYPES.has(type) || type === 'similar' || type === 'rubric') {
    raw.value = value ?? '';
    if (threshold !== undefined) raw.threshold = Number(threshold);
  } else if (type in NUMBER_FIELD) raw[NUMBER_FIELD[type] ?? ''] = Number(value);
  else if (type === 'tool-called') {
    const problem = readToolCalled(value ?? '', mode, raw);
    if (problem) return { problem };
  } else if (type === 'tool-sequence' || type === 'no-tool-called') {
    const names = (value ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    if (type === 'tool-sequence') raw.names = names;
    else if (names.length) raw.names = names;
    if (mode !== undefined) raw.mode = mode;
  } else if (type === 'step-count') {
    const problem = readStepBounds(value ?? '', raw);
    if (problem) return { problem };
  } else if (type === 'json-path') {
    const at = (value ?? '').indexOf(' = ');
    if (at < 0) return { problem: 'write json-path: $.PATH = VALUE (VALUE as JSON: "p1", 3, true)' };
    try {
      raw.path = (value ?? '').slice(0, at).trim();
      raw.value = JSON.parse((value ?? '').slice(at + 3)) as unknown;
    } catch {
      return { problem: 'the value after = is not JSON: quote text ("p1")' };
    }
  } else if (type === 'json-schema') return { problem: 'a json-schema assertion holds a schema: edit it in the YAML view' };
  const parsed = Assertion.safeParse(raw);
  if (!parsed.success)
    return {
      problem: describeIssues(parsed.error),
    };
  return { assertion: parsed.data };
}
