import deepEqual from 'fast-deep-equal';
import { shapeProblem } from '../bounded-parse';
import { quoted } from '../issues';
import type { Assertion, SuiteCase } from '../suite';
import type { ToolTrace } from './execute';

export interface Verdict {
  type: string;
  pass: boolean;
  /** 0 to 1. */
  score: number;
  reason: string;
  /** The assertion could not be evaluated (an unsupported type, a broken pattern, no judge): never a pass, not even inverted. */
  error?: true;
}

export interface Observation {
  output: string;
  toolCalls: ToolTrace[];
  latencyMs: number;
  tokens: number | null;
  costUsd: number | null;
}

/** Grades an output against a rubric with a judge model: { score 0..1, pass?, reason }. */
export type Judge = (rubric: string, output: string) => Promise<{ score: number; pass?: boolean; reason: string }>;

/** Embeds texts with the suite's embedding model, in order. */
export type Embed = (texts: string[]) => Promise<number[][]>;

export interface Graders {
  judge: Judge | null;
  embed: Embed | null;
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let left = 0;
  let right = 0;
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    dot += (a[index] ?? 0) * (b[index] ?? 0);
    left += (a[index] ?? 0) ** 2;
    right += (b[index] ?? 0) ** 2;
  }
  return left === 0 || right === 0 ? 0 : dot / Math.sqrt(left * right);
}

// ajv and jsonpath-plus load on the first assertion that needs them.
let ajv: Promise<import('ajv').Ajv> | null = null;
const schemaValidator = () => (ajv ??= import('ajv').then(({ Ajv }) => new Ajv({ allErrors: true, strict: false })));

/** Text in a reason as it was: JSON-escaped, so `"Hello\\n"` and `"Hello "` read differently. */
function quote(text: string): string {
  return quoted(text, 80);
}

/** The output as JSON, held to the depth limit before a schema walks it. */
function parseJson(output: string): { ok: true; value: unknown } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(output) as unknown;
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  const shape = shapeProblem(value, 'the output');
  return shape ? { ok: false, error: shape } : { ok: true, value };
}

function words(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** Cosine similarity of word counts: a local metric, no model needed. */
export function similarity(a: string, b: string): number {
  const left = words(a);
  const right = words(b);
  let dot = 0;
  for (const [word, count] of left) dot += count * (right.get(word) ?? 0);
  const norm = (counts: Map<string, number>) => Math.sqrt([...counts.values()].reduce((sum, count) => sum + count * count, 0));
  const denominator = norm(left) * norm(right);
  return denominator === 0 ? (a.trim() === b.trim() ? 1 : 0) : dot / denominator;
}

function includesArgs(actual: Record<string, unknown>, expected: Record<string, unknown>): boolean {
  return Object.entries(expected).every(([key, value]) => deepEqual(actual[key], value));
}

function verdict(type: string, pass: boolean, reason: string, score = pass ? 1 : 0): Verdict {
  return { type, pass, score, reason };
}

/** An assertion that could not be evaluated: it fails, and `not` does not turn it into a pass. */
function unevaluated(type: string, reason: string): Verdict {
  return { type, pass: false, score: 0, reason, error: true };
}

async function evaluateOne(assertion: Assertion, seen: Observation, { judge, embed }: Graders): Promise<Verdict> {
  const { output } = seen;
  switch (assertion.type) {
    case 'equals':
      return verdict(
        'equals',
        output === assertion.value,
        output === assertion.value
          ? 'output equals the expected text'
          : `expected ${quote(assertion.value)}, got ${quote(output)}`,
      );
    case 'contains':
      return verdict(
        'contains',
        output.includes(assertion.value),
        output.includes(assertion.value)
          ? `contains ${quote(assertion.value)}`
          : `${quote(assertion.value)} not found in ${quote(output)}`,
      );
    case 'icontains': {
      const pass = output.toLowerCase().includes(assertion.value.toLowerCase());
      return verdict(
        'icontains',
        pass,
        pass
          ? `contains ${quote(assertion.value)} (ignoring case)`
          : `${quote(assertion.value)} not found, ignoring case, in ${quote(output)}`,
      );
    }
    case 'not-contains':
      return verdict(
        'not-contains',
        !output.includes(assertion.value),
        output.includes(assertion.value)
          ? `${quote(assertion.value)} should not appear, but does`
          : `does not contain ${quote(assertion.value)}`,
      );
    case 'starts-with':
      return verdict(
        'starts-with',
        output.startsWith(assertion.value),
        output.startsWith(assertion.value)
          ? `starts with ${quote(assertion.value)}`
          : `should start with ${quote(assertion.value)}, starts ${quote(output.slice(0, assertion.value.length + 10))}`,
      );
    case 'regex': {
      let pattern: RegExp;
      try {
        pattern = new RegExp(assertion.value, assertion.flags ?? '');
      } catch (error) {
        return unevaluated('regex', `/${assertion.value}/ is not a valid regular expression: ${(error as Error).message}`);
      }
      const pass = pattern.test(output);
      return verdict(
        'regex',
        pass,
        pass ? `matches /${assertion.value}/` : `does not match /${assertion.value}/: ${quote(output)}`,
      );
    }
    case 'is-json': {
      const parsed = parseJson(output);
      return verdict('is-json', parsed.ok, parsed.ok ? 'output is valid JSON' : `output is not JSON (${parsed.error})`);
    }
    case 'json-schema': {
      const parsed = parseJson(output);
      if (!parsed.ok) return verdict('json-schema', false, `output is not JSON (${parsed.error})`);
      const validator = await schemaValidator();
      let validate;
      try {
        validate = validator.compile(assertion.value);
      } catch (error) {
        return unevaluated('json-schema', `the assertion's schema is invalid: ${(error as Error).message}`);
      }
      const pass = validate(parsed.value);
      return verdict(
        'json-schema',
        pass,
        pass ? 'output matches the JSON schema' : `output does not match the schema: ${validator.errorsText(validate.errors)}`,
      );
    }
    case 'json-path': {
      const parsed = parseJson(output);
      if (!parsed.ok) return verdict('json-path', false, `output is not JSON (${parsed.error})`);
      const { JSONPath } = await import('jsonpath-plus');
      const found = JSONPath({ path: assertion.path, json: parsed.value as object, wrap: true }) as unknown[];
      const actual = found.length === 1 ? found[0] : found;
      const pass = found.length > 0 && deepEqual(actual, assertion.value);
      return verdict(
        'json-path',
        pass,
        pass
          ? `${assertion.path} is ${JSON.stringify(assertion.value)}`
          : `${assertion.path} is ${found.length === 0 ? 'missing' : JSON.stringify(actual)}, expected ${JSON.stringify(assertion.value)}`,
      );
    }
    case 'similar': {
      const threshold = assertion.threshold ?? 0.75;
      if (embed) {
        const [left, right] = await embed([output, assertion.value]);
        const score = cosine(left ?? [], right ?? []);
        return verdict(
          'similar',
          score >= threshold,
          `embedding similarity ${score.toFixed(2)} to the reference (needs ${threshold})`,
          score,
        );
      }
      const score = similarity(output, assertion.value);
      return verdict(
        'similar',
        score >= threshold,
        `word similarity ${score.toFixed(2)} to the reference (needs ${threshold})`,
        score,
      );
    }
    case 'rubric': {
      if (!judge) return unevaluated('rubric', 'no judge model is configured: add `judge: { provider, model }` to the suite');
      const graded = await judge(assertion.value, output);
      const threshold = assertion.threshold ?? 0.5;
      const pass = graded.pass ?? graded.score >= threshold;
      return verdict('rubric', pass, `judge: ${graded.reason} (score ${graded.score.toFixed(2)})`, graded.score);
    }
    case 'latency':
      return verdict(
        'latency',
        seen.latencyMs <= assertion.max_ms,
        `${Math.round(seen.latencyMs)} ms against a bound of ${assertion.max_ms} ms`,
      );
    case 'tokens':
      if (seen.tokens === null) return unevaluated('tokens', 'the provider reported no token counts');
      return verdict('tokens', seen.tokens <= assertion.max, `${seen.tokens} tokens against a bound of ${assertion.max}`);
    case 'cost':
      if (seen.costUsd === null) return unevaluated('cost', 'cost is unknown (no price for this model, or no token counts)');
      return verdict(
        'cost',
        seen.costUsd <= assertion.max_usd,
        `$${seen.costUsd.toFixed(6)} against a bound of $${assertion.max_usd}`,
      );
    case 'tool-called': {
      const calls = seen.toolCalls.filter((call) => call.name === assertion.name);
      const match = calls.find((call) => includesArgs(call.arguments, assertion.args ?? {}));
      if (match)
        return verdict(
          'tool-called',
          true,
          `called ${assertion.name}${assertion.args ? ` with ${JSON.stringify(assertion.args)}` : ''}`,
        );
      if (calls.length > 0)
        return verdict(
          'tool-called',
          false,
          `called ${assertion.name}, but with ${calls.map((call) => JSON.stringify(call.arguments)).join(', ')}, not ${JSON.stringify(assertion.args)}`,
        );
      return verdict(
        'tool-called',
        false,
        `never called ${assertion.name}${seen.toolCalls.length > 0 ? ` (called: ${seen.toolCalls.map((call) => call.name).join(', ')})` : ''}`,
      );
    }
    case 'tool-sequence': {
      const names = seen.toolCalls.map((call) => call.name);
      const pass = deepEqual(names, assertion.names);
      return verdict(
        'tool-sequence',
        pass,
        pass
          ? `called ${names.join(' → ')}`
          : `expected ${assertion.names.join(' → ')}, called ${names.join(' → ') || 'no tool'}`,
      );
    }
    case 'unsupported':
      return unevaluated(
        assertion.original,
        `Slipway cannot evaluate "${assertion.original}" (from ${assertion.from})${assertion.hint ? `: ${assertion.hint}` : ''}`,
      );
  }
}

/** Every assertion of a case (its own, then the suite's defaults), each with a reason a person can read. */
export async function evaluate(
  assertions: Assertion[],
  seen: Observation,
  graders: Graders = { judge: null, embed: null },
): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const assertion of assertions) {
    const result = await evaluateOne(assertion, seen, graders);
    verdicts.push(
      assertion.not && !result.error
        ? { type: `not-${result.type}`, pass: !result.pass, score: 1 - result.score, reason: `inverted: ${result.reason}` }
        : result,
    );
  }
  return verdicts;
}

/**
 * A case's status from its verdicts: errored when an assertion could not be evaluated, unchecked
 * when it has none (a case nothing checked is never reported as passed), else passed or failed.
 */
export function gradeCase(
  testCase: Pick<SuiteCase, 'threshold'>,
  assertions: Assertion[],
  verdicts: Verdict[],
): { status: 'passed' | 'failed' | 'errored' | 'unchecked'; error: { kind: 'assertion'; message: string } | null } {
  const broken = verdicts.find((result) => result.error);
  if (broken) return { status: 'errored', error: { kind: 'assertion', message: `${broken.type}: ${broken.reason}` } };
  if (assertions.length === 0) return { status: 'unchecked', error: null };
  return { status: casePasses(testCase, assertions, verdicts) ? 'passed' : 'failed', error: null };
}

/** A case passes when every assertion does, or, with a threshold, when the weighted score reaches it. */
export function casePasses(testCase: Pick<SuiteCase, 'threshold'>, assertions: Assertion[], verdicts: Verdict[]): boolean {
  if (testCase.threshold === undefined) return verdicts.every((result) => result.pass);
  const weights = assertions.map((assertion) => assertion.weight ?? 1);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total === 0) return true;
  const score = verdicts.reduce((sum, result, index) => sum + result.score * (weights[index] ?? 1), 0) / total;
  return score >= testCase.threshold;
}
