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
    case 'tool-called':
      return assertion.args ? null : `${head}: ${assertion.name}`;
    case 'tool-sequence':
      return `${head}: ${assertion.names.join(', ')}`;
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

/** A line back into an assertion, or why it is not one. */
export function assertionFromText(line: string): { assertion: Assertion } | { problem: string } {
  const match = /^(not\s+)?([a-z][a-z-]*)(?:\((\d*\.?\d+)\))?(?::\s*([\s\S]*))?$/.exec(line.trim());
  if (!match) return { problem: 'write TYPE: VALUE, for example contains: billing' };
  const [, not, type = '', threshold, value] = match;
  if (!TYPES.includes(type)) return { problem: `"${type}" is not an assertion type (${TYPES.join(', ')})` };
  if (type in NUMBER_FIELD && !Number.isFinite(Number(value)))
    return { problem: `${type} takes a number, for example ${type}: ${type === 'cost' ? '0.01' : '2000'}` };
  const raw: Record<string, unknown> = { type, ...(not ? { not: true } : {}) };
  if (TEXT_TYPES.has(type) || type === 'similar' || type === 'rubric') {
    raw.value = value ?? '';
    if (threshold !== undefined) raw.threshold = Number(threshold);
  } else if (type in NUMBER_FIELD) raw[NUMBER_FIELD[type] ?? ''] = Number(value);
  else if (type === 'tool-called') raw.name = value ?? '';
  else if (type === 'tool-sequence')
    raw.names = (value ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
  else if (type === 'json-path') {
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
