import Papa from 'papaparse';
import { parseYamlWithin } from './bounded-parse';
import { INPUT_LIMITS } from './limits';
import { z } from 'zod';
import { SlipwayError } from './errors';
import { jsonLines } from './json-lines';
import { Suite, type Assertion } from './suite';
import { describeIssues } from './issues';

export interface ImportReport {
  format: 'slipway' | 'promptfoo' | 'jsonl' | 'csv';
  cases: number;
  /** Things the file holds that Slipway does not take, each named. */
  unsupported: string[];
  notes: string[];
}

type RawAssertion = { type?: unknown; value?: unknown; weight?: unknown; threshold?: unknown; metric?: unknown };

/** promptfoo assertion types and how each becomes ours; the rest are reported by name. */
function fromPromptfooAssertion(raw: RawAssertion, where: string, report: ImportReport): Assertion {
  const fullType = String(raw.type ?? '');
  const negated = fullType.startsWith('not-');
  const type = negated ? fullType.slice(4) : fullType;
  const value = raw.value;
  const common = { ...(negated ? { not: true } : {}), ...(typeof raw.weight === 'number' ? { weight: raw.weight } : {}) };
  const threshold = typeof raw.threshold === 'number' ? raw.threshold : undefined;
  const text = (kind: 'equals' | 'contains' | 'icontains' | 'starts-with' | 'regex'): Assertion => {
    if (typeof value !== 'string') return unsupported(raw, where, report, `${fullType} with a non-text value`);
    return { type: kind, value, ...common } as Assertion;
  };
  switch (type) {
    case 'equals':
    case 'contains':
    case 'icontains':
    case 'starts-with':
    case 'regex':
      return text(type);
    case 'is-json':
      if (value !== undefined) return { type: 'json-schema', value: value as Record<string, unknown>, ...common };
      return { type: 'is-json', ...common };
    case 'similar':
      if (typeof value !== 'string') break;
      report.notes.push(
        `${where}: similar is graded by a local word-similarity metric, not embeddings; its scores differ from promptfoo's`,
      );
      return { type: 'similar', value, ...(threshold !== undefined ? { threshold } : {}), ...common };
    case 'llm-rubric':
      if (typeof value !== 'string') break;
      return { type: 'rubric', value, ...(threshold !== undefined ? { threshold } : {}), ...common };
    case 'latency':
      if (threshold === undefined) break;
      return { type: 'latency', max_ms: threshold, ...common };
    case 'cost':
      if (threshold === undefined) break;
      return { type: 'cost', max_usd: threshold, ...common };
    default:
      break;
  }
  return unsupported(raw, where, report, `assertion type "${fullType}"`);
}

/** An assertion kept so its case cannot pass unchecked: it errors at run time, and the report names it. */
function unsupported(raw: RawAssertion, where: string, report: ImportReport, what: string): Assertion {
  report.unsupported.push(`${where}: ${what} (kept as "unsupported": the case errors until it is replaced)`);
  return {
    type: 'unsupported',
    original: String(raw.type ?? '') || '(no type)',
    from: where,
    hint: `${what} is not supported; replace it with an assertion Slipway runs`,
  };
}

const NUNJUCKS_ONLY = /\{%|\{\{[^}]*\|[^}]*\}\}/;

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

function uniqueId(base: string, taken: Set<string>): string {
  let id = base || 'case';
  for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

function checkTemplates(value: unknown, where: string, report: ImportReport): void {
  const text = JSON.stringify(value ?? '');
  if (NUNJUCKS_ONLY.test(text))
    report.unsupported.push(`${where}: nunjucks syntax (filters or {% %} blocks); only {{variable}} is supported`);
}

const PromptfooConfig = z.looseObject({
  description: z.string().optional(),
  prompts: z.unknown().optional(),
  providers: z.unknown().optional(),
  defaultTest: z
    .looseObject({ assert: z.array(z.looseObject({})).optional(), vars: z.record(z.string(), z.unknown()).optional() })
    .optional(),
  tests: z.array(
    z.looseObject({
      description: z.string().optional(),
      vars: z.record(z.string(), z.unknown()).optional(),
      assert: z.array(z.looseObject({})).optional(),
      threshold: z.number().optional(),
    }),
  ),
});

/** A promptfoo config's tests as a suite: `not-` prefixes, weights and thresholds kept; what we cannot take is listed. */
export function fromPromptfoo(config: unknown, name: string): { suite: Suite; report: ImportReport } {
  const parsed = PromptfooConfig.safeParse(config);
  if (!parsed.success)
    throw new SlipwayError('invalid_files', `not a promptfoo config with inline tests: ${describeIssues(parsed.error)}`);
  const report: ImportReport = { format: 'promptfoo', cases: 0, unsupported: [], notes: [] };
  if (parsed.data.prompts !== undefined)
    report.notes.push("prompts are not imported: the agent's prompt.md and user.md are its prompt");
  if (parsed.data.providers !== undefined)
    report.notes.push("providers are not imported: the version's config.yaml chooses the provider");
  const defaults = (parsed.data.defaultTest?.assert ?? []).flatMap((raw, index) =>
    fromPromptfooAssertion(raw as RawAssertion, `defaultTest.assert[${index}]`, report),
  );
  const defaultVars = parsed.data.defaultTest?.vars ?? {};
  const taken = new Set<string>();
  const cases = parsed.data.tests.map((test, index) => {
    const where = `tests[${index}]`;
    checkTemplates(test.vars, where, report);
    const assert = (test.assert ?? []).flatMap((raw, position) =>
      fromPromptfooAssertion(raw as RawAssertion, `${where}.assert[${position}]`, report),
    );
    return {
      id: uniqueId(slug(test.description ?? '') || `test-${index + 1}`, taken),
      ...(test.description ? { description: test.description } : {}),
      vars: { ...defaultVars, ...(test.vars ?? {}) },
      assert,
      ...(test.threshold !== undefined ? { threshold: test.threshold } : {}),
    };
  });
  report.cases = cases.length;
  return {
    suite: Suite.parse({
      name,
      ...(parsed.data.description ? { description: parsed.data.description } : {}),
      defaults: { assert: defaults },
      cases,
    }),
    report,
  };
}

const JsonlCase = z.looseObject({
  id: z.string().optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  assert: z.array(z.unknown()).optional(),
});

/** One case a line: {"id", "vars" | "messages", "assert"}; a bad line is named, and nothing is imported. */
export function fromJsonl(text: string, name: string): { suite: Suite; report: ImportReport } {
  const taken = new Set<string>();
  const cases = jsonLines(text).map(({ value, line }) => {
    const parsed = JsonlCase.safeParse(value);
    if (!parsed.success)
      throw new SlipwayError('invalid_files', `line ${line}: a case is an object with id, vars or messages, and assert`);
    const { id, ...rest } = parsed.data;
    return { id: uniqueId(id ?? `line-${line}`, taken), ...rest };
  });
  const result = Suite.safeParse({ name, cases });
  if (!result.success) throw new SlipwayError('invalid_files', describeIssues(result.error));
  return { suite: result.data, report: { format: 'jsonl', cases: cases.length, unsupported: [], notes: [] } };
}

/** promptfoo's `__expected` prefixes (a CSV cell names one assertion); other text means equals. */
const CSV_PREFIXES: Record<string, string> = {
  'is-json': 'is-json',
  'contains-json': 'contains-json',
  contains: 'contains',
  icontains: 'icontains',
  'contains-any': 'contains-any',
  'contains-all': 'contains-all',
  'icontains-any': 'icontains-any',
  'icontains-all': 'icontains-all',
  'starts-with': 'starts-with',
  regex: 'regex',
  equals: 'equals',
  similar: 'similar',
  grade: 'llm-rubric',
  'llm-rubric': 'llm-rubric',
  javascript: 'javascript',
  fn: 'javascript',
  eval: 'javascript',
  python: 'python',
  levenshtein: 'levenshtein',
  'rouge-n': 'rouge-n',
  bleu: 'bleu',
  'is-sql': 'is-sql',
  'is-xml': 'is-xml',
  'is-valid-openai-tools-call': 'is-valid-openai-tools-call',
};

function csvExpectation(cell: string): RawAssertion {
  const match = /^(not-)?([a-z][a-z-]*)(?:\((\d*\.?\d+)\))?(?::\s*([\s\S]*))?$/.exec(cell);
  const type = match ? CSV_PREFIXES[match[2] ?? ''] : undefined;
  // A bare word without a colon is an expected answer, except the types that take no value.
  if (
    !match ||
    !type ||
    (match[4] === undefined && !['is-json', 'contains-json', 'is-sql', 'is-xml', 'is-valid-openai-tools-call'].includes(type))
  )
    return { type: 'equals', value: cell };
  return {
    type: `${match[1] ?? ''}${type}`,
    ...(match[4] !== undefined ? { value: match[4] } : {}),
    ...(match[3] !== undefined ? { threshold: Number(match[3]) } : {}),
  };
}

/**
 * A CSV with a header: each column a variable, except `id` (the case id) and promptfoo's
 * `__expected` (one of promptfoo's prefixed assertions, "contains: x", "similar(0.8): x", "grade: …"; other text is
 * an expected answer). Prefixes of assertions Slipway does not run (python:, javascript:…) go to the report.
 */
export function fromCsv(text: string, name: string): { suite: Suite; report: ImportReport } {
  const parsed = Papa.parse<Record<string, string>>(text.trim(), { header: true, skipEmptyLines: true });
  if (parsed.errors.length > 0) {
    const first = parsed.errors[0];
    throw new SlipwayError('invalid_files', `line ${(first?.row ?? 0) + 2}: ${first?.message ?? 'malformed CSV'}`);
  }
  const report: ImportReport = { format: 'csv', cases: 0, unsupported: [], notes: [] };
  const taken = new Set<string>();
  const cases = parsed.data.map((row, index) => {
    const { id, __expected: expected, ...vars } = row;
    const assert: RawAssertion[] = [];
    if (expected) assert.push(csvExpectation(expected));
    return {
      id: uniqueId(id || `row-${index + 1}`, taken),
      vars,
      assert: assert.map((raw) => fromPromptfooAssertion(raw, `row ${index + 2}`, report)),
    };
  });
  report.cases = cases.length;
  return { suite: Suite.parse({ name, cases }), report };
}

/** Reads any supported file: Slipway suite YAML, a promptfoo config, JSONL or CSV (by extension, then content). */
/** A suite name from a file's name: `Refund Cases.csv` → `refund-cases`. */
export function suiteNameFromFile(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  return (
    base
      .replace(/\.[^.]+$/, '')
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^[^a-z]+/, '')
      .replace(/-+$/, '') || 'suite'
  );
}

export function importSuite(fileName: string, text: string, name: string): { suite: Suite; report: ImportReport } {
  if (fileName.endsWith('.jsonl')) return fromJsonl(text, name);
  if (fileName.endsWith('.csv')) return fromCsv(text, name);
  const value = parseYamlWithin(text, INPUT_LIMITS.suiteChars, fileName);
  if (value && typeof value === 'object' && 'cases' in value) {
    const suite = Suite.safeParse({ name, ...(value as object) });
    if (!suite.success) throw new SlipwayError('invalid_files', describeIssues(suite.error));
    return { suite: suite.data, report: { format: 'slipway', cases: suite.data.cases.length, unsupported: [], notes: [] } };
  }
  if (value && typeof value === 'object' && 'tests' in value) return fromPromptfoo(value, name);
  throw new SlipwayError(
    'invalid_files',
    `${fileName} is neither a Slipway suite (cases:), a promptfoo config (tests:), JSONL nor CSV`,
  );
}
