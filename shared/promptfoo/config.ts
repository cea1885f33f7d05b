import Papa from 'papaparse';
import picomatch from 'picomatch';
import { z } from 'zod';
import { SlipwayError } from '../errors';
import { describeIssues } from '../issues';
import { jsonLines } from '../json-lines';
import { parseYamlWithin } from '../bounded-parse';
import { INPUT_LIMITS } from '../limits';
import { Suite, type Assertion } from '../suite';
import { fromPromptfooAssertion, type ImportReport, type RawAssertion, type ReadReference } from './assertions';
import { hasTemplate, NUNJUCKS_ONLY } from './templates';

/**
 * A promptfoo config as a Slipway suite, with the meaning promptfoo gives it: tests inline or
 * from files (CSV, YAML, JSON, JSONL, globs), defaultTest (inline or a file), scenarios, list
 * variables expanded into one case per combination, `file://` variables, CSV's special columns,
 * transforms. Files are read from `files` (paths relative to the config's folder), never from
 * outside that folder.
 */

/** The CSV column an assertion came from, kept beside it to name it in messages. */
const COLUMN = '__column';

/** The most cases one import may make (list variables multiply). */
const MAX_CASES = 100_000;

const Test = z.looseObject({
  description: z.string().optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
  assert: z.array(z.looseObject({})).optional(),
  threshold: z.number().optional(),
  options: z.looseObject({ transform: z.string().optional() }).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
type Test = z.infer<typeof Test>;

const Config = z.looseObject({
  description: z.string().optional(),
  prompts: z.unknown().optional(),
  providers: z.unknown().optional(),
  defaultTest: z.union([z.string(), Test]).optional(),
  tests: z.union([z.string(), z.array(z.union([z.string(), Test]))]).optional(),
  scenarios: z
    .array(
      z.looseObject({
        description: z.string().optional(),
        config: z.array(Test).optional(),
        tests: z.union([z.string(), z.array(z.union([z.string(), Test]))]).optional(),
      }),
    )
    .optional(),
});

/** The files an import may read, by path relative to the config's folder (posix separators). */
export type ConfigFiles = Readonly<Record<string, string>>;

function normalize(path: string): string | null {
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\')) return null;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

function folderOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '' : path.slice(0, at);
}

class Reader {
  constructor(
    private readonly files: ConfigFiles,
    private readonly configName: string,
  ) {}

  /** The path a `file://` reference names, relative to the file that holds it, or why not. */
  resolve(reference: string, from: string): { path: string } | { problem: string } {
    const target = reference.replace(/^file:\/\//, '');
    const joined = normalize(folderOf(from) ? `${folderOf(from)}/${target}` : target);
    if (joined === null)
      return { problem: `${reference} is outside the config's folder: only files beside ${this.configName} are read` };
    return { path: joined };
  }

  text(reference: string, from: string): string | { problem: string } {
    const resolved = this.resolve(reference, from);
    if ('problem' in resolved) return resolved;
    const text = this.files[resolved.path];
    if (text === undefined)
      return { problem: `${reference} (${resolved.path}) was not given: import the config's folder, or add the file` };
    return text;
  }

  /** Paths a reference names: itself, or every given file its glob matches. */
  paths(reference: string, from: string): string[] | { problem: string } {
    const resolved = this.resolve(reference, from);
    if ('problem' in resolved) return resolved;
    if (!picomatch.scan(resolved.path).isGlob) return [resolved.path];
    const matches = picomatch(resolved.path);
    const found = Object.keys(this.files)
      .filter((path) => matches(path))
      .sort();
    return found.length > 0 ? found : { problem: `${reference} matches none of the files given` };
  }
}

interface Context {
  reader: Reader;
  report: ImportReport;
  configName: string;
  /** A CSV imported on its own names its cases by an `id` column; in a promptfoo config `id` is a variable. */
  csvIds: boolean;
}

function refuse(message: string): never {
  throw new SlipwayError('invalid_files', message);
}

/** Tests from a file, by its extension: CSV (with promptfoo's special columns), YAML, JSON or JSONL. */
function testsFromFile(path: string, text: string, context: Context): Array<{ test: Test; where: string }> {
  if (path.endsWith('.csv')) return testsFromCsv(text, path, context);
  let value: unknown;
  if (path.endsWith('.jsonl')) value = jsonLines(text).map((line) => line.value);
  else value = parseYamlWithin(text, INPUT_LIMITS.suiteChars, path);
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, index) => {
    const parsed = Test.safeParse(item);
    if (!parsed.success) refuse(`${path}[${index}]: ${describeIssues(parsed.error)}`);
    return { test: parsed.data, where: `${path}[${index}]` };
  });
}

function testsOf(
  tests: string | Array<string | Test> | undefined,
  where: string,
  from: string,
  context: Context,
): Array<{ test: Test; where: string }> {
  if (tests === undefined) return [];
  const list = typeof tests === 'string' ? [tests] : tests;
  return list.flatMap((item, index) => {
    const at = typeof tests === 'string' ? where : `${where}[${index}]`;
    if (typeof item !== 'string') return [{ test: item, where: at }];
    const paths = context.reader.paths(item, from);
    if ('problem' in paths) refuse(`${at}: ${paths.problem}`);
    return paths.flatMap((path) => {
      const text = context.reader.text(path, '');
      if (typeof text !== 'string') refuse(`${at}: ${text.problem}`);
      return testsFromFile(path, text, context);
    });
  });
}

/** Variables as promptfoo reads them: `file://` values are the file's text (or its parsed JSON and YAML). */
function readVars(vars: Record<string, unknown>, where: string, context: Context): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(vars).map(([name, value]) => {
      const one = (item: unknown): unknown => {
        if (typeof item !== 'string' || !item.startsWith('file://')) return item;
        if (/\.(js|cjs|mjs|ts|py)(:\w+)?$/.test(item))
          refuse(
            `${where}.vars.${name}: ${item} is a script that makes the value; Slipway does not run scripts at import: put the value in the file`,
          );
        const text = context.reader.text(item, context.configName);
        if (typeof text !== 'string') refuse(`${where}.vars.${name}: ${text.problem}`);
        if (/\.(json)$/.test(item)) return JSON.parse(text) as unknown;
        if (/\.(ya?ml)$/.test(item)) return parseYamlWithin(text, INPUT_LIMITS.suiteChars, item);
        return text;
      };
      return [name, Array.isArray(value) ? value.map(one) : one(value)];
    }),
  );
}

/** One set of variables per combination of the list variables' items, in promptfoo's order. */
function expand(vars: Record<string, unknown>): Array<Record<string, unknown>> {
  let combinations: Array<Record<string, unknown>> = [{}];
  for (const [name, value] of Object.entries(vars)) {
    const items = Array.isArray(value) ? value : [value];
    combinations = combinations.flatMap((combination) => items.map((item) => ({ ...combination, [name]: item })));
    if (combinations.length > MAX_CASES) refuse(`list variables make more than ${MAX_CASES} cases`);
  }
  return combinations;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

export function uniqueId(base: string, taken: Set<string>): string {
  const start = base || 'case';
  let id = start;
  for (let n = 2; taken.has(id); n += 1) id = `${start}-${n}`;
  taken.add(id);
  return id;
}

/** The special columns of a promptfoo CSV: never variables. */
function testsFromCsv(text: string, path: string, { report, csvIds }: Context): Array<{ test: Test; where: string }> {
  const parsed = Papa.parse<Record<string, string>>(text.trim(), { header: true, skipEmptyLines: true });
  if (parsed.errors.length > 0) {
    const first = parsed.errors[0];
    refuse(`${path} line ${(first?.row ?? 0) + 2}: ${first?.message ?? 'malformed CSV'}`);
  }
  return parsed.data.map((row, index) => {
    const vars: Record<string, unknown> = {};
    const assert: RawAssertion[] = [];
    const metadata: Record<string, string> = {};
    const test: Test = {};
    for (const [column, cell] of Object.entries(row)) {
      if (column === 'id' && csvIds) {
        if (cell.trim() !== '') (test as Record<string, unknown>).id = cell.trim();
      } else if (column === '__expected' || /^__expected\d+$/.test(column)) {
        if (cell.trim() !== '') assert.push({ ...csvExpectation(cell), [COLUMN]: column });
      } else if (column === '__description') test.description = cell;
      else if (column.startsWith('__metadata:')) metadata[column.slice('__metadata:'.length)] = cell;
      else if (column === '__threshold') {
        if (cell.trim() !== '') test.threshold = Number(cell);
      } else if (column === '__prefix' || column === '__suffix') {
        if (cell !== '') (test as Record<string, unknown>)[column] = cell;
      } else if (column.startsWith('__'))
        report.unsupported.push(`${path} row ${index + 2}: column ${column} is not a promptfoo column Slipway knows`);
      else vars[column] = cell;
    }
    return {
      test: { ...test, vars, assert, ...(Object.keys(metadata).length > 0 ? { metadata } : {}) },
      where: `${path} row ${index + 2}`,
    };
  });
}

/** promptfoo's `__expected` prefixes: a cell names one assertion ("contains: x", "similar(0.8): x"); other text is an expected answer. */
const CSV_TYPES = new Set([
  'is-json',
  'contains-json',
  'contains',
  'icontains',
  'contains-any',
  'contains-all',
  'icontains-any',
  'icontains-all',
  'starts-with',
  'regex',
  'equals',
  'similar',
  'llm-rubric',
  'javascript',
  'python',
  'levenshtein',
  'rouge-n',
  'bleu',
  'is-sql',
  'is-xml',
  'contains-xml',
  'is-valid-openai-tools-call',
  'is-valid-openai-function-call',
  'cost',
  'latency',
]);
const CSV_ALIASES: Record<string, string> = { grade: 'llm-rubric', fn: 'javascript', eval: 'javascript' };
const NO_VALUE = new Set([
  'is-json',
  'contains-json',
  'is-sql',
  'is-xml',
  'contains-xml',
  'is-valid-openai-tools-call',
  'is-valid-openai-function-call',
]);

export function csvExpectation(cell: string): RawAssertion {
  const match = /^(not-)?([a-z][a-z-]*)(?:\((\d*\.?\d+)\))?(?::\s*([\s\S]*))?$/.exec(cell);
  const named = match?.[2] ?? '';
  const type = CSV_ALIASES[named] ?? (CSV_TYPES.has(named) ? named : undefined);
  if (!match || !type || (match[4] === undefined && !NO_VALUE.has(type))) return { type: 'equals', value: cell };
  return {
    type: `${match[1] ?? ''}${type}`,
    ...(match[4] !== undefined ? { value: match[4] } : {}),
    ...(match[3] !== undefined ? { threshold: Number(match[3]) } : {}),
  };
}

/** A promptfoo config's tests as a suite, with what was not taken named in the report. */
export function fromPromptfoo(
  config: unknown,
  name: string,
  options: { configName?: string; files?: ConfigFiles; csvIds?: boolean } = {},
): { suite: Suite; report: ImportReport } {
  const configName = options.configName ?? 'promptfooconfig.yaml';
  const parsed = Config.safeParse(config);
  if (!parsed.success) refuse(`not a promptfoo config: ${describeIssues(parsed.error)}`);
  const report: ImportReport = { format: 'promptfoo', cases: 0, unsupported: [], notes: [] };
  const context: Context = {
    reader: new Reader(options.files ?? {}, configName),
    report,
    configName,
    csvIds: options.csvIds ?? false,
  };
  const read: ReadReference = (reference, where) => {
    const text = context.reader.text(reference, configName);
    if (typeof text === 'string') return text;
    report.unsupported.push(`${where}: ${text.problem}`);
    return null;
  };
  const data = parsed.data;
  if (data.prompts !== undefined) report.notes.push("prompts are not imported: the agent's prompt.md and user.md are its prompt");
  if (data.providers !== undefined)
    report.notes.push("providers are not imported: the version's config.yaml chooses the provider");
  let defaultTest: Test = {};
  if (typeof data.defaultTest === 'string') {
    const text = context.reader.text(data.defaultTest, configName);
    if (typeof text !== 'string') refuse(`defaultTest: ${text.problem}`);
    const value = Test.safeParse(parseYamlWithin(text, INPUT_LIMITS.suiteChars, data.defaultTest));
    if (!value.success) refuse(`defaultTest (${data.defaultTest}): ${describeIssues(value.error)}`);
    defaultTest = value.data;
  } else if (data.defaultTest) defaultTest = data.defaultTest;

  const planned: Array<{ test: Test; where: string; scenario?: { vars: Record<string, unknown>; description?: string } }> = [
    ...testsOf(data.tests, 'tests', configName, context),
  ];
  (data.scenarios ?? []).forEach((scenario, index) => {
    const tests = testsOf(scenario.tests, `scenarios[${index}].tests`, configName, context);
    for (const [position, entry] of (scenario.config ?? [{}]).entries())
      for (const test of tests)
        planned.push({
          ...test,
          where: `scenarios[${index}].config[${position}] × ${test.where}`,
          scenario: {
            vars: entry.vars ?? {},
            ...(entry.description || scenario.description
              ? { description: [scenario.description, entry.description].filter(Boolean).join(' — ') }
              : {}),
          },
        });
  });
  if (planned.length === 0) refuse(`${configName} has no tests: give tests (inline or file://) or scenarios`);

  const defaultAssert = (defaultTest.assert ?? []) as RawAssertion[];
  const perCaseDefaults = hasTemplate(defaultAssert);
  const suiteDefaults: Assertion[] = perCaseDefaults
    ? []
    : defaultAssert.map((raw, index) =>
        fromPromptfooAssertion(raw, { where: `${configName} defaultTest.assert[${index}]`, vars: {}, report, read }),
      );
  const taken = new Set<string>();
  const cases = planned.flatMap(({ test, where, scenario }) => {
    const located = `${configName === where.split(' ')[0] ? '' : `${configName} `}${where}`;
    const rawVars = { ...defaultTest.vars, ...scenario?.vars, ...test.vars };
    if (NUNJUCKS_ONLY.test(JSON.stringify(rawVars)))
      report.unsupported.push(`${located}: nunjucks syntax (filters or {% %} blocks) in vars; only {{variable}} is supported`);
    const combinations = expand(readVars(rawVars, located, context));
    const transform = test.options?.transform ?? defaultTest.options?.transform;
    const extra = test as Test & { __prefix?: string; __suffix?: string; id?: unknown };
    return combinations.map((vars, combination) => {
      const at = combinations.length > 1 ? `${located} (combination ${combination + 1})` : located;
      const own = ((test.assert ?? []) as RawAssertion[]).map((raw, index) =>
        fromPromptfooAssertion(raw, {
          where: typeof raw[COLUMN] === 'string' ? `${at} ${raw[COLUMN]}` : `${at}.assert[${index}]`,
          vars,
          report,
          read,
        }),
      );
      const inherited = perCaseDefaults
        ? defaultAssert.map((raw, index) =>
            fromPromptfooAssertion(raw, { where: `${configName} defaultTest.assert[${index}]`, vars, report, read }),
          )
        : [];
      const description = [scenario?.description, test.description].filter(Boolean).join(' — ');
      const base =
        (typeof extra.id === 'string' ? extra.id : '') +
          (typeof extra.id === 'string' && combination > 0 ? `-${combination + 1}` : '') ||
        slug(description) ||
        `test-${taken.size + 1}`;
      const metadata = Object.fromEntries(
        Object.entries(test.metadata ?? {}).map(([key, value]) => [
          key,
          typeof value === 'string' ? value : JSON.stringify(value),
        ]),
      );
      return {
        id: uniqueId(base, taken),
        ...(description ? { description } : {}),
        vars,
        assert: [...own, ...inherited],
        ...(test.threshold !== undefined ? { threshold: test.threshold } : {}),
        ...(transform ? { transform } : {}),
        ...(extra.__prefix ? { prefix: extra.__prefix } : {}),
        ...(extra.__suffix ? { suffix: extra.__suffix } : {}),
        ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
      };
    });
  });
  if (cases.length > MAX_CASES) refuse(`${configName} makes ${cases.length} cases; at most ${MAX_CASES} are imported at once`);
  report.cases = cases.length;
  const suite = Suite.safeParse({
    name,
    ...(data.description ? { description: data.description } : {}),
    defaults: { assert: suiteDefaults },
    cases,
  });
  if (!suite.success) refuse(describeIssues(suite.error));
  return { suite: suite.data, report };
}

/** A CSV of tests on its own (promptfoo's `tests: file://tests.csv` without a config). */
export function fromPromptfooCsv(text: string, name: string, fileName: string): { suite: Suite; report: ImportReport } {
  const result = fromPromptfoo({ tests: `file://${fileName}` }, name, {
    configName: fileName,
    files: { [fileName]: text },
    csvIds: true,
  });
  return { suite: result.suite, report: { ...result.report, format: 'csv' } };
}
