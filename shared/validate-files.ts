import { LineCounter, parseDocument, isMap, isNode, isScalar, type YAMLError } from 'yaml';
import type { z } from 'zod';
import {
  AGENT_FILES,
  FILE_SCHEMAS,
  REQUIRED_FILES,
  isAgentFileName,
  type AgentConfig,
  type ExampleMessage,
  type StructuredFileName,
  type ToolDefinition,
  type ContractFile,
} from './agent-files';
import validRange from 'semver/ranges/valid';
import { quickParse, shapeProblem, sizeProblem, yamlProblem } from './bounded-parse';
import { SlipwayError } from './errors';
import { quoted } from './issues';
import { INPUT_LIMITS } from './limits';

export interface Diagnostic {
  file: string;
  /** Dotted path inside the file's data, '' for the file itself. */
  path: string;
  message: string;
  line: number;
  column: number;
}

export interface ParsedAgent {
  prompt: string;
  user: string | null;
  config: AgentConfig;
  tools: ToolDefinition[];
  examples: ExampleMessage[] | null;
  contract: z.infer<typeof ContractFile> | null;
}

type Files = Readonly<Record<string, string>>;

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

interface ParsedText {
  value: unknown;
  locate(path: readonly PropertyKey[]): { line: number; column: number };
  /** Where a key of the mapping at path is written. */
  locateKey(path: readonly PropertyKey[], key: string): { line: number; column: number };
}

/** Parses YAML, or JSON strictly, keeping node positions so every message can point at a line. */
/**
 * Where a YAML syntax error is. An unclosed quote is reported where the text ends; the mistake
 * is the quote that opened it, so that is where it is put.
 */
function yamlErrorOffset(text: string, error: YAMLError): number {
  const [at] = error.pos;
  const quote = error.code === 'MISSING_CHAR' ? /closing (["'])/.exec(error.message)?.[1] : undefined;
  if (!quote) return at;
  // Inside the quote, \" (double) and '' (single) are escapes, not the opening.
  for (let index = Math.min(at, text.length) - 1; index >= 0; index -= 1) {
    if (text[index] !== quote) continue;
    if (quote === '"' && text[index - 1] === '\\') continue;
    if (quote === "'" && text[index - 1] === "'") {
      index -= 1;
      continue;
    }
    return index;
  }
  return at;
}

function parseStructured(file: string, text: string, diagnostics: Diagnostic[]): ParsedText | null {
  const lineCounter = new LineCounter();
  let parsedDoc: ReturnType<typeof parseDocument> | null = null;
  // JSON files need the YAML document only to place a message, so it is built on first use.
  const doc = () => (parsedDoc ??= parseDocument(text, { lineCounter, prettyErrors: false }));
  const locate = (path: readonly PropertyKey[]) => {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = depth === 0 ? doc().contents : doc().getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return { line: 1, column: 1 };
  };
  const locateKey = (path: readonly PropertyKey[], key: string) => {
    const map = path.length === 0 ? doc().contents : doc().getIn(path, true);
    const pair = isMap(map) ? map.items.find((item) => isScalar(item.key) && item.key.value === key) : undefined;
    if (pair && isScalar(pair.key) && pair.key.range) {
      const pos = lineCounter.linePos(pair.key.range[0]);
      return { line: pos.line, column: pos.col };
    }
    return locate(path);
  };
  if (file.endsWith('.json')) {
    try {
      return { value: JSON.parse(text), locate, locateKey };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const offset = Number(/position (\d+)/.exec(message)?.[1] ?? 0);
      diagnostics.push({ file, path: '', message: `not valid JSON: ${message}`, ...positionOf(text, offset) });
      return null;
    }
  }
  // After a syntax error the parser's further complaints are its own confusion (a tab indent
  // gives three): only the first is the user's, placed where the mistake is.
  const [error] = doc().errors;
  if (error) {
    diagnostics.push({
      file,
      path: '',
      message: `not valid YAML: ${error.message.split('\n')[0]}`,
      ...positionOf(text, yamlErrorOffset(text, error)),
    });
    return null;
  }
  try {
    return { value: doc().toJS({ maxAliasCount: INPUT_LIMITS.yamlAliases }) as unknown, locate, locateKey };
  } catch {
    diagnostics.push({
      file,
      path: '',
      message: `${file} resolves aliases past the limit of ${INPUT_LIMITS.yamlAliases} (an alias bomb?)`,
      line: 1,
      column: 1,
    });
    return null;
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys
      .slice(0, 5)
      .map((key) => quoted(key, 60))
      .join(', ');
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}`;
  }
  const where = formatPath(issue.path);
  return where && !issue.message.startsWith(where) ? `${where}: ${issue.message}` : issue.message;
}

export interface DocumentOptions {
  /** Said after "FILE is empty" (what the file needs). */
  emptyHint?: string;
  /** The document's size limit in characters (an agent file's by default). */
  maxChars?: number;
}

/**
 * Parses a YAML (or, by its name, JSON) document under the input limits and checks it against a
 * schema; every problem goes to `diagnostics` with its line and column. Returns the parsed value,
 * or undefined.
 */
export function checkDocument<T>(
  file: string,
  text: string,
  schema: z.ZodType<T>,
  diagnostics: Diagnostic[],
  options: DocumentOptions = {},
): T | undefined {
  const refuse = (message: string) => {
    diagnostics.push({ file, path: '', message, line: 1, column: 1 });
    return undefined;
  };
  if (text.trim() === '') return refuse(`${file} is empty${options.emptyHint ?? ''}`);
  const maxChars = options.maxChars ?? INPUT_LIMITS.agentFileChars;
  // JSON.parse needs no measure: it is native and nests without a stack; the value is walked below.
  const size = sizeProblem(text, maxChars, file);
  if (size) return refuse(size);
  // Fast path: positions are needed only to explain a problem, so only then is the document
  // built again with them — after it is measured, since `yaml` spends memory per node and level.
  const quick = quickParse(file.endsWith('.json'), text);
  if (quick && 'value' in quick) {
    const shape = shapeProblem(quick.value, file);
    if (shape) return refuse(shape);
    const result = schema.safeParse(quick.value);
    if (result.success) return result.data;
  }
  const { problem, shape: measured } = yamlProblem(text, maxChars, file);
  if (measured.nodes > INPUT_LIMITS.yamlNodes && quick) {
    // Too large to place each problem at its line: said as js-yaml or the schema found it.
    if ('error' in quick) {
      diagnostics.push({
        file,
        path: '',
        message: `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${quick.error.message}`,
        line: quick.error.line,
        column: quick.error.column,
      });
      return undefined;
    }
    const result = schema.safeParse(quick.value);
    for (const issue of result.success ? [] : result.error.issues.slice(0, 10))
      diagnostics.push({ file, path: formatPath(issue.path), message: describeIssue(issue), line: 1, column: 1 });
    return undefined;
  }
  if (problem) return refuse(problem);
  const parsed = parseStructured(file, text, diagnostics);
  if (!parsed) return undefined;
  const shape = shapeProblem(parsed.value, file);
  if (shape) return refuse(shape);
  const result = schema.safeParse(parsed.value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const position =
      issue.code === 'unrecognized_keys' ? parsed.locateKey(issue.path, issue.keys[0] ?? '') : parsed.locate(issue.path);
    diagnostics.push({ file, path: formatPath(issue.path), message: describeIssue(issue), ...position });
  }
  return undefined;
}

interface Checked {
  value: unknown;
  diagnostics: Diagnostic[];
}

const MEMO_PER_FILE = 32;
const memo = new Map<StructuredFileName, Map<string, Checked>>();

/**
 * Validation is a pure function of a file's text, and most snapshots change one file: results
 * are remembered per text (a few per file name) so unchanged YAML is not parsed again.
 * Cached values are shared: callers treat them as read-only.
 */
function checkStructured(file: StructuredFileName, text: string, diagnostics: Diagnostic[]): unknown {
  let byText = memo.get(file);
  if (!byText) {
    byText = new Map();
    memo.set(file, byText);
  }
  let checked = byText.get(text);
  if (checked) {
    byText.delete(text);
  } else {
    const found: Diagnostic[] = [];
    const hint = file === 'config.yaml' ? ': it needs at least provider and model' : '';
    checked = {
      value: checkDocument(file, text, FILE_SCHEMAS[file] as z.ZodType<unknown>, found, { emptyHint: hint }),
      diagnostics: found,
    };
    if (byText.size >= MEMO_PER_FILE) byText.delete(byText.keys().next().value as string);
  }
  byText.set(text, checked);
  diagnostics.push(...checked.diagnostics);
  return checked.value;
}

/** What a check of an agent's files knows beyond the files: whose they are, and how a JSON Schema is held to its meta-schema. */
export interface FileRules {
  /**
   * The agent the files are (or will be) a version of. Given, the files are held to the rules of
   * what is made now (contract.yaml's ranges, offered tools, no self-requirement); without it they
   * are read as stored, so versions made before a rule still load.
   */
  agent?: string;
  /**
   * The problems of a JSON Schema by its meta-schema (path inside the schema, message); given by
   * Node hosts, which may compile code (the renderer's CSP forbids it), so the editor skips it.
   */
  schemaProblems?: (schema: Record<string, unknown>) => Array<{ path: string[]; message: string }>;
}

type Contract = z.infer<typeof ContractFile>;

/** contract.yaml against the rest: offered tools defined in tools.json, no self-requirement, schemas that are schemas. */
function contractProblems(
  contract: Contract,
  tools: readonly ToolDefinition[] | undefined,
  rules: FileRules,
): Array<{ path: PropertyKey[]; message: string }> {
  const problems: Array<{ path: PropertyKey[]; message: string }> = [];
  const defined = new Set((tools ?? []).map((tool) => tool.name));
  contract.offers?.tools?.forEach((name, index) => {
    if (tools && !defined.has(name))
      problems.push({
        path: ['offers', 'tools', index],
        message: `offers tool ${quoted(name)}, which tools.json does not define${defined.size ? ` (it defines ${[...defined].join(', ')})` : ''}`,
      });
  });
  for (const [needed, requirement] of Object.entries(contract.requires ?? {})) {
    if (requirement.range !== undefined && validRange(requirement.range) === null)
      problems.push({
        path: ['requires', needed, 'range'],
        message: `${quoted(requirement.range)} is not a semver range: write one such as ^1.2.0, ~1.4 or >=1.0.0 <2.0.0`,
      });
    if (needed === rules.agent)
      problems.push({ path: ['requires', needed], message: `${needed} requires itself: an agent depends only on others` });
    if (requirement.schema)
      for (const problem of rules.schemaProblems?.(requirement.schema) ?? [])
        problems.push({ path: ['requires', needed, 'schema', ...problem.path], message: problem.message });
  }
  if (contract.offers?.output_schema)
    for (const problem of rules.schemaProblems?.(contract.offers.output_schema) ?? [])
      problems.push({ path: ['offers', 'output_schema', ...problem.path], message: problem.message });
  return problems;
}

function inspectAgentFiles(
  files: Files,
  rules: FileRules = {},
): { diagnostics: Diagnostic[]; values: Partial<Record<StructuredFileName, unknown>> } {
  const diagnostics: Diagnostic[] = [];
  const values: Partial<Record<StructuredFileName, unknown>> = {};
  for (const name of Object.keys(files)) {
    if (!isAgentFileName(name)) {
      diagnostics.push({
        file: name,
        path: '',
        message: `${quoted(name)} is not an agent file: allowed files are ${AGENT_FILES.join(', ')}`,
        line: 1,
        column: 1,
      });
    }
  }
  for (const name of REQUIRED_FILES) {
    if (files[name] === undefined) diagnostics.push({ file: name, path: '', message: `${name} is missing`, line: 1, column: 1 });
  }
  for (const [name, text] of Object.entries(files)) {
    // Structured files are held to it as they are parsed.
    const tooLarge = name in FILE_SCHEMAS ? null : sizeProblem(text, INPUT_LIMITS.agentFileChars, name);
    if (tooLarge) diagnostics.push({ file: name, path: '', message: tooLarge, line: 1, column: 1 });
  }
  if (files['prompt.md'] !== undefined && files['prompt.md'].trim() === '') {
    diagnostics.push({ file: 'prompt.md', path: '', message: 'prompt.md is empty: write the system prompt', line: 1, column: 1 });
  }
  for (const name of Object.keys(FILE_SCHEMAS) as StructuredFileName[]) {
    const text = files[name];
    if (text !== undefined) values[name] = checkStructured(name, text, diagnostics);
  }
  const contract = values['contract.yaml'] as Contract | undefined;
  const text = files['contract.yaml'];
  // Only what is being made (a snapshot, an import, the draft) is held to these: a stored version reads as it was stored.
  if (contract && text !== undefined && rules.agent !== undefined) {
    const problems = contractProblems(contract, values['tools.json'] as ToolDefinition[] | undefined, rules);
    const located = problems.length ? parseStructured('contract.yaml', text, []) : null;
    for (const problem of problems)
      diagnostics.push({
        file: 'contract.yaml',
        path: formatPath(problem.path),
        message: `${formatPath(problem.path)}: ${problem.message}`,
        ...(located?.locate(problem.path) ?? { line: 1, column: 1 }),
      });
  }
  return { diagnostics, values };
}

/** Every problem with a set of agent files, each pointing at a file, a line and a column. */
export function validateAgentFiles(files: Files, rules: FileRules = {}): Diagnostic[] {
  return inspectAgentFiles(files, rules).diagnostics;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.message}`;
}

/** Parses a set of agent files, or throws listing every problem. */
export function parseAgentFiles(files: Files, rules: FileRules = {}): ParsedAgent {
  const { diagnostics, values } = inspectAgentFiles(files, rules);
  if (diagnostics.length > 0) {
    throw new SlipwayError('invalid_files', diagnostics.map(formatDiagnostic).join('\n'));
  }
  return {
    prompt: files['prompt.md'] ?? '',
    user: files['user.md'] ?? null,
    config: values['config.yaml'] as AgentConfig,
    tools: values['tools.json'] as ToolDefinition[],
    examples: (values['examples.yaml'] as ExampleMessage[] | undefined) ?? null,
    contract: (values['contract.yaml'] as z.infer<typeof ContractFile> | undefined) ?? null,
  };
}
