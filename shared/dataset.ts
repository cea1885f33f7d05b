import Papa from 'papaparse';
import { z } from 'zod';
import { SlipwayError } from './errors';
import { plainName } from './names';
import { jsonLines } from './json-lines';
import { ConversationTurn, MAX_CONVERSATION_TURNS, SimulatedUser, StubbedTool, type Suite } from './suite';
import { describeIssues } from './issues';

/** Sample inputs of an agent, to run several versions on: no assertions, just what goes in. */
export const DatasetItem = z
  .strictObject({
    id: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
        'an item id is letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
      ),
    description: z.string().optional(),
    vars: z.record(z.string(), z.unknown()).optional(),
    messages: z
      .array(z.strictObject({ role: z.enum(['user', 'assistant']), content: z.string() }))
      .min(1)
      .optional(),
    /** Tool results for the versions' tool calls, as a suite case gives them. */
    tools: z.array(StubbedTool).default([]),
    /** A scripted conversation: each turn's user message and tool results (a suite case's turns, without their checks). */
    turns: z
      .array(ConversationTurn.omit({ assert: true }))
      .min(1)
      .max(MAX_CONVERSATION_TURNS)
      .optional(),
    /** A conversation with a simulated user, played by the comparison suite's simulator. */
    simulate: SimulatedUser.optional(),
  })
  .refine((value) => !(value.vars && value.messages), { message: 'an item gives vars or messages, not both' })
  .refine((value) => [value.messages, value.turns, value.simulate].filter(Boolean).length <= 1, {
    message: 'an item gives messages, turns or simulate: one of them',
  });
export type DatasetItem = z.infer<typeof DatasetItem>;

export const DatasetName = plainName('dataset');

export const Dataset = z
  .strictObject({
    name: DatasetName,
    description: z.string().optional(),
    items: z.array(DatasetItem).min(1, 'a dataset needs at least one item'),
  })
  .refine((value) => new Set(value.items.map((item) => item.id)).size === value.items.length, {
    message: 'item ids must be unique',
  });
export type Dataset = z.infer<typeof Dataset>;

/** What a CSV column becomes: the item id, a variable (by name), or nothing. */
export type ColumnRole = { kind: 'id' } | { kind: 'var'; name: string } | { kind: 'ignore' };

export interface DatasetImport {
  dataset: Dataset;
  format: 'jsonl' | 'csv';
  /** CSV only: the header and the role each column was given. */
  columns: Array<{ column: string; role: ColumnRole }>;
}

function problems(error: z.ZodError): string {
  return describeIssues(error, { root: 'dataset' });
}

function uniqueIds<T extends { id?: string | undefined }>(
  rows: T[],
  fallback: (index: number) => string,
): Array<T & { id: string }> {
  const taken = new Set<string>();
  return rows.map((row, index) => {
    const base = row.id && row.id !== '' ? row.id : fallback(index);
    let id = base;
    for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
    taken.add(id);
    return { ...row, id };
  });
}

const JsonlItem = z.looseObject({ id: z.union([z.string(), z.number()]).optional() });

/**
 * One item a line: {"id", "vars" | "messages", "tools"} — or a flat object, whose fields other
 * than id become the variables. A bad line is named and nothing is imported.
 */
function fromJsonl(text: string, name: string): DatasetImport {
  const rows = jsonLines(text).map(({ value, line }) => {
    const parsed = JsonlItem.safeParse(value);
    if (!parsed.success || Array.isArray(value))
      throw new SlipwayError('invalid_files', `line ${line}: an item is a JSON object`);
    const { id, vars, messages, tools, description, ...rest } = parsed.data;
    const structured = vars !== undefined || messages !== undefined;
    const item = {
      ...(id !== undefined ? { id: String(id) } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(tools !== undefined ? { tools } : {}),
      ...(structured ? { vars, messages } : { vars: rest }),
    };
    const checked = DatasetItem.safeParse({ id: item.id ?? 'x', ...item });
    if (!checked.success) throw new SlipwayError('invalid_files', `line ${line}: ${problems(checked.error)}`);
    return { ...item, line };
  });
  const items = uniqueIds(rows, (index) => `line-${rows[index]?.line ?? index + 1}`).map(({ line: _line, ...item }) => item);
  const dataset = Dataset.safeParse({ name, items });
  if (!dataset.success) throw new SlipwayError('invalid_files', problems(dataset.error));
  return { dataset: dataset.data, format: 'jsonl', columns: [] };
}

/** By default a column named id is the id and every other column a variable of its name. */
export function defaultRoles(header: string[]): Record<string, ColumnRole> {
  return Object.fromEntries(
    header.map((column) => [
      column,
      column.trim().toLowerCase() === 'id' ? { kind: 'id' } : { kind: 'var', name: column.trim() },
    ]),
  );
}

function fromCsv(text: string, name: string, mapping: Record<string, ColumnRole> | undefined): DatasetImport {
  const parsed = Papa.parse<Record<string, string>>(text.trim(), { header: true, skipEmptyLines: true });
  const first = parsed.errors[0];
  if (first) throw new SlipwayError('invalid_files', `line ${(first.row ?? 0) + 2}: ${first.message}`);
  const header = parsed.meta.fields ?? [];
  const roles = { ...defaultRoles(header), ...(mapping ?? {}) };
  const unknown = Object.keys(mapping ?? {}).filter((column) => !header.includes(column));
  if (unknown.length > 0)
    throw new SlipwayError(
      'invalid_input',
      `the mapping names columns the file does not have: ${unknown.join(', ')} (it has: ${header.join(', ')})`,
    );
  if (Object.values(roles).filter((role) => role.kind === 'id').length > 1)
    throw new SlipwayError('invalid_input', 'only one column can be the id');
  const rows = parsed.data.map((row, index) => {
    const vars: Record<string, string> = {};
    let id: string | undefined;
    for (const column of header) {
      const role = roles[column] ?? { kind: 'ignore' };
      if (role.kind === 'id') id = row[column];
      else if (role.kind === 'var') vars[role.name] = row[column] ?? '';
    }
    const checked = DatasetItem.safeParse({ id: id || 'x', vars });
    if (!checked.success) throw new SlipwayError('invalid_files', `line ${index + 2}: ${problems(checked.error)}`);
    return { id, vars };
  });
  const dataset = Dataset.safeParse({ name, items: uniqueIds(rows, (index) => `row-${index + 1}`) });
  if (!dataset.success) throw new SlipwayError('invalid_files', problems(dataset.error));
  return {
    dataset: dataset.data,
    format: 'csv',
    columns: header.map((column) => ({ column, role: roles[column] ?? { kind: 'ignore' } })),
  };
}

/** Reads a JSONL or CSV file (by extension) as a dataset, whole or not at all. */
export function importDataset(fileName: string, text: string, name: string, mapping?: Record<string, ColumnRole>): DatasetImport {
  if (text.trim() === '') throw new SlipwayError('invalid_files', `${fileName} is empty`);
  if (/\.csv$/i.test(fileName)) return fromCsv(text, name, mapping);
  if (/\.jsonl$/i.test(fileName)) return fromJsonl(text, name);
  throw new SlipwayError('invalid_files', `${fileName}: a dataset is imported from .jsonl or .csv`);
}

/** The cases of a suite as a dataset: their inputs and tool results, without assertions. */
export function datasetFromSuite(suite: Suite, name: string): Dataset {
  return Dataset.parse({
    name,
    ...(suite.description ? { description: suite.description } : {}),
    items: suite.cases.map((testCase) => ({
      id: testCase.id,
      ...(testCase.description ? { description: testCase.description } : {}),
      ...(testCase.messages ? { messages: testCase.messages } : { vars: testCase.vars ?? {} }),
      ...(testCase.turns ? { turns: testCase.turns.map(({ user, tools }) => ({ user, tools })) } : {}),
      ...(testCase.simulate ? { simulate: testCase.simulate } : {}),
      tools: testCase.tools,
    })),
  });
}

/** A dataset as saved: one JSON object a line, after a header line with its name and description. */
export function datasetToJsonl(dataset: Dataset): string {
  return (
    [
      JSON.stringify({ dataset: dataset.name, ...(dataset.description ? { description: dataset.description } : {}) }),
      ...dataset.items.map((item) => JSON.stringify(item)),
    ].join('\n') + '\n'
  );
}

const Header = z.strictObject({ dataset: DatasetName, description: z.string().optional() });

/** Reads what datasetToJsonl wrote. */
export function parseDatasetJsonl(text: string): Dataset {
  const [head = '', ...lines] = text.split('\n').filter((line) => line.trim() !== '');
  const header = Header.parse(JSON.parse(head));
  return Dataset.parse({
    name: header.dataset,
    ...(header.description ? { description: header.description } : {}),
    items: lines.map((line) => JSON.parse(line) as unknown),
  });
}
