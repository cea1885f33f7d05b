import { parseYamlWithin } from './bounded-parse';
import { INPUT_LIMITS } from './limits';
import { z } from 'zod';
import { SlipwayError } from './errors';
import { jsonLines } from './json-lines';
import { Suite } from './suite';
import { describeIssues } from './issues';
import type { ImportReport } from './promptfoo/assertions';
import { fromPromptfoo, fromPromptfooCsv, uniqueId, type ConfigFiles } from './promptfoo/config';

export type { ImportReport } from './promptfoo/assertions';
export { fromPromptfoo } from './promptfoo/config';

/** A CSV with a header: each column a variable, except `id` (the case id) and promptfoo's special columns (`__expected`…). */
export function fromCsv(text: string, name: string, fileName = 'cases.csv'): { suite: Suite; report: ImportReport } {
  return fromPromptfooCsv(text, name, fileName);
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

/**
 * Reads any supported file: Slipway suite YAML, a promptfoo config, JSONL or CSV (by extension,
 * then content). A promptfoo config's `file://` references are read from `files`, by path
 * relative to the config's folder.
 */
export function importSuite(
  fileName: string,
  text: string,
  name: string,
  files: ConfigFiles = {},
): { suite: Suite; report: ImportReport } {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  if (fileName.endsWith('.jsonl')) return fromJsonl(text, name);
  if (fileName.endsWith('.csv')) return fromCsv(text, name, base);
  const value = parseYamlWithin(text, INPUT_LIMITS.suiteChars, fileName);
  if (value && typeof value === 'object' && 'cases' in value) {
    const suite = Suite.safeParse({ name, ...(value as object) });
    if (!suite.success) throw new SlipwayError('invalid_files', describeIssues(suite.error));
    return { suite: suite.data, report: { format: 'slipway', cases: suite.data.cases.length, unsupported: [], notes: [] } };
  }
  if (value && typeof value === 'object' && ('tests' in value || 'scenarios' in value))
    return fromPromptfoo(value, name, { configName: base, files: { ...files, [base]: text } });
  throw new SlipwayError(
    'invalid_files',
    `${fileName} is neither a Slipway suite (cases:), a promptfoo config (tests:), JSONL nor CSV`,
  );
}
