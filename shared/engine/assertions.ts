import deepEqual from 'fast-deep-equal';
import { shapeProblem } from '../bounded-parse';
import { quoted } from '../issues';
import type { ToolDefinition } from '../agent-files';
import type { Assertion, LeafAssertion, SuiteCase } from '../suite';
import { CodeError, readCodeAnswer, type CodeInput, type CodeRunner } from './code';
import type { ToolTrace } from './execute';
import { editDistance, jsonObjectsIn, missingElements, readXml } from './structured';
import {
  callsOnly,
  noToolCalled,
  stepCount,
  toolCalled,
  toolSequence,
  type Trajectory,
  type TrajectoryJudgement,
} from './trajectory';

export interface Verdict {
  type: string;
  pass: boolean;
  /** 0 to 1. */
  score: number;
  reason: string;
  /** The name the assertion's score is reported under. */
  metric?: string;
  /** The assertion could not be evaluated (an unsupported type, a broken pattern, no judge): never a pass, not even inverted. */
  error?: true;
  /** The conversation's messages (indices) a trajectory assertion looked at; an assertion without them looked at the reply. */
  steps?: number[];
  /** The turn of a conversation it judged (1-based); none when it judged the whole case. */
  turn?: number;
}

/** How a simulated conversation ended. */
export type ConversationEnd = 'goal' | 'gave-up' | 'max-turns';

export interface Observation {
  output: string;
  toolCalls: ToolTrace[];
  latencyMs: number;
  tokens: number | null;
  costUsd: number | null;
  /** What the agent did step by step; without it, only `toolCalls` are known. */
  trajectory?: Trajectory;
  /** How a simulated conversation ended, for goal-reached. */
  ended?: ConversationEnd;
  /** A scripted conversation: what each turn's assertions see (its reply, its calls, its steps). */
  turns?: Observation[];
}

/** Grades an output against a rubric with a judge model: { score 0..1, pass?, reason }. */
export type Judge = (rubric: string, output: string) => Promise<{ score: number; pass?: boolean; reason: string }>;

/** Embeds texts with the suite's embedding model, in order. */
export type Embed = (texts: string[]) => Promise<number[][]>;

export interface Graders {
  judge: Judge | null;
  embed: Embed | null;
  /** Runs javascript and python assertions and transforms; null where code cannot run (they error). */
  code?: CodeRunner | null;
  /** The version's tools, for valid-tool-calls. */
  tools?: readonly ToolDefinition[];
}

/** What code and templates see of the case being graded. */
export type GradingContext = CodeInput['context'];
const NO_CONTEXT: GradingContext = { vars: {}, test: { id: '' } };

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

function verdict(type: string, pass: boolean, reason: string, score = pass ? 1 : 0): Verdict {
  return { type, pass, score, reason };
}

function trajectoryIn(seen: Observation): Trajectory {
  return seen.trajectory ?? callsOnly(seen.toolCalls);
}

function judged(type: string, judgement: TrajectoryJudgement): Verdict {
  const result = judgement.error ? unevaluated(type, judgement.reason) : verdict(type, judgement.pass, judgement.reason);
  // Kept even when empty: a trajectory verdict that looked at no step did not look at the reply either.
  return { ...result, steps: judgement.steps };
}

/** An assertion that could not be evaluated: it fails, and `not` does not turn it into a pass. */
function unevaluated(type: string, reason: string): Verdict {
  return { type, pass: false, score: 0, reason, error: true };
}

/** Runs code through the platform's runner; a throw, a limit or no runner is the assertion's error, never a pass. */
async function runCode(
  graders: Graders,
  language: 'javascript' | 'python',
  code: string,
  input: CodeInput,
): Promise<{ value: unknown } | { problem: string }> {
  if (!graders.code)
    return { problem: `${language} cannot run here (no code runner): run the suite with slipway test or the app` };
  try {
    return { value: await graders.code.run(language, code, input) };
  } catch (error) {
    if (error instanceof CodeError) return { problem: error.message };
    throw error;
  }
}

/** A transform's result as the next assertion sees it: text stays text, anything else as JSON. */
export async function applyTransform(
  graders: Graders,
  code: string,
  seen: Observation,
  context: GradingContext,
): Promise<{ seen: Observation } | { problem: string }> {
  const ran = await runCode(graders, 'javascript', code, { output: seen.output, context });
  if ('problem' in ran) return { problem: `transform: ${ran.problem}` };
  const output = typeof ran.value === 'string' ? ran.value : (JSON.stringify(ran.value) ?? '');
  return { seen: { ...seen, output } };
}

function listCheck(
  type: 'contains-any' | 'contains-all' | 'icontains-any' | 'icontains-all',
  values: string[],
  output: string,
): Verdict {
  const folded = type.startsWith('i');
  const haystack = folded ? output.toLowerCase() : output;
  const found = values.filter((value) => haystack.includes(folded ? value.toLowerCase() : value));
  const list = values.map((value) => quote(value)).join(', ');
  if (type.endsWith('-any')) {
    const pass = found.length > 0;
    return verdict(type, pass, pass ? `contains ${quote(found[0] ?? '')}` : `none of ${list} found in ${quote(output)}`);
  }
  const missing = values.filter((value) => !found.includes(value));
  return verdict(
    type,
    missing.length === 0,
    missing.length === 0
      ? `contains all of ${list}`
      : `missing ${missing.map((value) => quote(value)).join(', ')} in ${quote(output)}`,
  );
}

async function matchesSchema(
  schema: Record<string, unknown>,
  value: unknown,
): Promise<{ ok: true } | { ok: false; error: string } | { broken: string }> {
  const validator = await schemaValidator();
  let validate;
  try {
    validate = validator.compile(schema);
  } catch (error) {
    return { broken: `the assertion's schema is invalid: ${(error as Error).message}` };
  }
  return validate(value) ? { ok: true } : { ok: false, error: validator.errorsText(validate.errors) };
}

async function xmlCheck(type: 'is-xml' | 'contains-xml', elements: string[], output: string): Promise<Verdict> {
  if (type === 'is-xml') {
    const read = await readXml(output);
    if (read.problem !== null || !read.root)
      return verdict(type, false, `not well-formed XML: ${read.problem ?? 'no root element'}`);
    const missing = missingElements(read.root, elements);
    return verdict(
      type,
      missing.length === 0,
      missing.length === 0 ? 'output is well-formed XML' : `XML is missing ${missing.join(', ')}`,
    );
  }
  // Only contains-xml needs the validator: it loads on the first one.
  const { XMLValidator } = await import('fast-xml-parser');
  let found = false;
  for (const fragment of xmlFragments(output)) {
    if (XMLValidator.validate(fragment) !== true) continue;
    found = true;
    // The validator has said the fragment is XML; the tree is read however strict saxes is about entities.
    const { root } = await readXml(fragment);
    if (root && missingElements(root, elements).length === 0)
      return verdict(type, true, `contains XML${elements.length ? ` with ${elements.join(', ')}` : ''}`);
    if (!root && elements.length === 0) return verdict(type, true, 'contains XML');
  }
  return verdict(
    type,
    false,
    found ? `no XML in the output has ${elements.join(', ')}` : `no well-formed XML found in ${quote(output)}`,
  );
}

/** Each element in a text, from its opening tag to its matching closing one (or itself, self-closed). */
function* xmlFragments(text: string): Generator<string> {
  const opening = /<([A-Za-z_][\w:.-]*)(?:\s[^<>]*?)?(\/?)>/g;
  let seen = 0;
  for (const match of text.matchAll(opening)) {
    if ((seen += 1) > 256) return;
    const start = match.index;
    if (match[2] === '/') {
      yield match[0];
      continue;
    }
    const close = text.lastIndexOf(`</${match[1]}>`);
    if (close > start) yield text.slice(start, close + `</${match[1]}>`.length);
  }
}

/** The calls against tools.json: each name known, each argument list allowed by its parameters. */
async function toolCallsCheck(seen: Observation, tools: readonly ToolDefinition[]): Promise<Verdict> {
  if (seen.toolCalls.length === 0) return verdict('valid-tool-calls', false, 'the model called no tool');
  for (const call of seen.toolCalls) {
    const tool = tools.find((candidate) => candidate.name === call.name);
    if (!tool) return verdict('valid-tool-calls', false, `called ${call.name}, which tools.json does not define`);
    const checked = await matchesSchema(tool.parameters, call.arguments);
    if ('broken' in checked) return unevaluated('valid-tool-calls', `${tool.name}: ${checked.broken}`);
    if (!checked.ok)
      return verdict(
        'valid-tool-calls',
        false,
        `called ${call.name} with ${JSON.stringify(call.arguments)}, which its parameters refuse: ${checked.error}`,
      );
  }
  return verdict(
    'valid-tool-calls',
    true,
    `every call matches tools.json (${seen.toolCalls.map((call) => call.name).join(', ')})`,
  );
}

async function codeCheck(
  assertion: Extract<LeafAssertion, { type: 'javascript' | 'python' }>,
  seen: Observation,
  graders: Graders,
  context: GradingContext,
): Promise<Verdict> {
  const ran = await runCode(graders, assertion.type, assertion.code, { output: seen.output, context });
  if ('problem' in ran) return unevaluated(assertion.type, ran.problem);
  const read = readCodeAnswer(ran.value, assertion.threshold);
  if ('problem' in read) return verdict(assertion.type, false, read.problem);
  const shown = assertion.code.split('\n')[0]?.slice(0, 60) ?? '';
  return verdict(
    assertion.type,
    read.pass,
    read.reason ??
      `${shown} → ${JSON.stringify(ran.value)}${assertion.threshold === undefined ? '' : ` (needs ${assertion.threshold})`}`,
    read.score,
  );
}

async function evaluateOne(
  assertion: Assertion,
  observed: Observation,
  graders: Graders,
  context: GradingContext,
): Promise<Verdict> {
  let seen = observed;
  if (assertion.transform) {
    const transformed = await applyTransform(graders, assertion.transform, seen, context);
    if ('problem' in transformed) return unevaluated(assertion.type, transformed.problem);
    seen = transformed.seen;
  }
  const { output } = seen;
  const { judge, embed } = graders;
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
    case 'tool-called':
      return judged('tool-called', await toolCalled(assertion, trajectoryIn(seen), matchesSchema));
    case 'no-tool-called': {
      const unknown = graders.tools
        ? (assertion.names ?? []).filter((name) => !graders.tools?.some((tool) => tool.name === name))
        : [];
      // A misspelt name would pass for ever: it is named, not trusted.
      if (unknown.length > 0)
        return unevaluated(
          'no-tool-called',
          `${unknown.join(', ')} ${unknown.length === 1 ? 'is not a tool' : 'are not tools'} of this version (tools.json): check the spelling`,
        );
      return judged('no-tool-called', noToolCalled(assertion, trajectoryIn(seen)));
    }
    case 'tool-sequence':
      return judged('tool-sequence', toolSequence(assertion, trajectoryIn(seen)));
    case 'step-count':
      return judged('step-count', stepCount(assertion, trajectoryIn(seen)));
    case 'goal-reached': {
      if (seen.ended === undefined)
        return unevaluated('goal-reached', 'goal-reached judges a simulated conversation: give the case `simulate`');
      const how = {
        goal: 'the goal was reached',
        'gave-up': 'the agent gave up',
        'max-turns': 'the turns ran out before the goal',
      }[seen.ended];
      return verdict('goal-reached', seen.ended === 'goal', how);
    }
    case 'equals-json': {
      const parsed = parseJson(output);
      const pass = parsed.ok && deepEqual(parsed.value, assertion.value);
      return verdict(
        'equals-json',
        pass,
        pass
          ? `output equals ${clipJson(assertion.value)}`
          : parsed.ok
            ? `expected ${clipJson(assertion.value)}, got ${clipJson(parsed.value)}`
            : `expected ${clipJson(assertion.value)}, got ${quote(output)} (not JSON)`,
      );
    }
    case 'contains-any':
    case 'contains-all':
    case 'icontains-any':
    case 'icontains-all':
      return listCheck(assertion.type, assertion.values, output);
    case 'contains-json': {
      const objects = jsonObjectsIn(output);
      if (objects.length === 0) return verdict('contains-json', false, `no JSON object found in ${quote(output)}`);
      if (!assertion.schema) return verdict('contains-json', true, 'output contains a JSON object');
      let last = '';
      for (const value of objects) {
        const checked = await matchesSchema(assertion.schema, value);
        if ('broken' in checked) return unevaluated('contains-json', checked.broken);
        if (checked.ok) return verdict('contains-json', true, 'output contains JSON matching the schema');
        last = checked.error;
      }
      return verdict('contains-json', false, `no JSON object in the output matches the schema: ${last}`);
    }
    case 'levenshtein': {
      const max = assertion.max ?? 5;
      const edits = editDistance(output, assertion.value);
      return verdict('levenshtein', edits <= max, `${edits} edits from ${quote(assertion.value)} (at most ${max})`);
    }
    case 'is-xml':
    case 'contains-xml':
      return xmlCheck(assertion.type, assertion.elements ?? [], output);
    case 'valid-tool-calls':
      return toolCallsCheck(seen, graders.tools ?? []);
    case 'assert-set': {
      const inner = await evaluate(assertion.assert, seen, graders, context);
      const broken = inner.find((result) => result.error);
      if (broken) return unevaluated('assert-set', `${broken.type}: ${broken.reason}`);
      const share = weightedScore(assertion.assert, inner);
      const pass =
        assertion.threshold === undefined
          ? inner.every((result, index) => result.pass || assertion.assert[index]?.weight === 0)
          : share >= assertion.threshold;
      const failing = inner.filter((result) => !result.pass);
      return verdict(
        'assert-set',
        pass,
        `${inner.length - failing.length} of ${inner.length} passed${assertion.threshold === undefined ? '' : ` (score ${share.toFixed(2)}, needs ${assertion.threshold})`}${failing.length ? `; ${failing.map((result) => `${result.type}: ${result.reason}`).join('; ')}` : ''}`,
        share,
      );
    }
    case 'javascript':
    case 'python':
      return codeCheck(assertion, seen, graders, context);
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
  context: GradingContext = NO_CONTEXT,
): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const assertion of assertions) {
    const result = await evaluateOne(assertion, seen, graders, context);
    const judged =
      assertion.not && !result.error
        ? {
            ...result,
            type: `not-${result.type}`,
            pass: !result.pass,
            score: 1 - result.score,
            reason: `inverted: ${result.reason}`,
          }
        : result;
    verdicts.push(assertion.metric ? { ...judged, metric: assertion.metric } : judged);
  }
  return verdicts;
}

/**
 * A case's verdicts: its transform (if any) applied to the output first, then every assertion
 * (each scripted turn's on that turn, then the case's own and the suite's defaults on the whole
 * case), and the status they add up to.
 */
export async function gradeOutput(
  testCase: Pick<SuiteCase, 'id' | 'description' | 'vars' | 'threshold' | 'transform' | 'turns'>,
  assertions: Assertion[],
  seen: Observation,
  graders: Graders,
): Promise<{ verdicts: Verdict[] } & ReturnType<typeof gradeCase>> {
  const context: GradingContext = {
    vars: testCase.vars ?? {},
    test: { id: testCase.id, ...(testCase.description ? { description: testCase.description } : {}) },
  };
  const turns = testCase.turns ?? [];
  const all = [...turns.flatMap((turn) => turn.assert), ...assertions];
  const prepared = async (observed: Observation): Promise<Observation | Verdict> => {
    if (!testCase.transform) return observed;
    const transformed = await applyTransform(graders, testCase.transform, observed, context);
    return 'problem' in transformed ? unevaluated('transform', transformed.problem) : transformed.seen;
  };
  const verdicts: Verdict[] = [];
  for (const [index, turn] of turns.entries()) {
    if (turn.assert.length === 0) continue;
    const number = index + 1;
    const observed = seen.turns?.[index];
    const ready = observed ? await prepared(observed) : unevaluated('turn', `turn ${number} did not take place`);
    const judged = 'pass' in ready ? [ready] : await evaluate(turn.assert, ready, graders, context);
    verdicts.push(...judged.map((result) => ({ ...result, reason: `turn ${number}: ${result.reason}`, turn: number })));
  }
  if (assertions.length > 0) {
    const ready = await prepared(seen);
    verdicts.push(...('pass' in ready ? [ready] : await evaluate(assertions, ready, graders, context)));
  }
  return { verdicts, ...gradeCase(testCase, all, verdicts) };
}

function clipJson(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** The weighted mean of verdict scores (weight 1 unless told; weight 0 counts for nothing). */
function weightedScore(assertions: Assertion[], verdicts: Verdict[]): number {
  const weights = assertions.map((assertion) => assertion.weight ?? 1);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total === 0) return 1;
  return verdicts.reduce((sum, result, index) => sum + result.score * (weights[index] ?? 1), 0) / total;
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
  // An assertion of weight 0 is reported and never decides, as in promptfoo.
  if (testCase.threshold === undefined) return verdicts.every((result, index) => result.pass || assertions[index]?.weight === 0);
  return weightedScore(assertions, verdicts) >= testCase.threshold;
}
