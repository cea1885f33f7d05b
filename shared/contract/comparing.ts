import { z } from 'zod';
import { RunAllow } from './bundles';
import { CASE_VERDICTS, CATEGORIES, type Category } from '../compare';
import { DatasetItem, DatasetName } from '../dataset';
import { StoredResult, SuiteName } from './testing';
import { AgentName } from '../names';
import { INPUT_LIMITS } from '../limits';
import { CaseId, Message, RecordId, RefText, method, query, textUpTo } from './common';

/** Datasets and comparisons: the shapes that cross the contract and the methods. */

export const DatasetSummary = z.object({
  agent: z.string(),
  name: z.string(),
  revision: z.int(),
  hash: z.string(),
  items: z.int(),
  author: z.string(),
  message: z.string(),
  createdAt: z.string(),
});
export type DatasetSummary = z.infer<typeof DatasetSummary>;

export const DatasetDetail = DatasetSummary.extend({
  description: z.string().nullable(),
  list: z.array(DatasetItem),
});
export type DatasetDetail = z.infer<typeof DatasetDetail>;

const ColumnRole = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('id') }),
  z.object({ kind: z.literal('var'), name: z.string().min(1, 'a variable needs a name') }),
  z.object({ kind: z.literal('ignore') }),
]);
export const ColumnMapping = z.record(z.string(), ColumnRole);

export const DatasetPreview = z.object({
  name: z.string(),
  format: z.enum(['jsonl', 'csv']),
  items: z.int(),
  columns: z.array(z.object({ column: z.string(), role: ColumnRole })),
  /** The first items, as they would be saved. */
  sample: z.array(DatasetItem),
});
export type DatasetPreview = z.infer<typeof DatasetPreview>;

const Verdict = z.enum(CASE_VERDICTS);
const CategoryName = z.enum(Object.keys(CATEGORIES) as [Category, ...Category[]]);
const Difference = z.object({ estimate: z.number(), low: z.number(), high: z.number() }).nullable();

export const ComparisonStats = z.object({
  seed: z.int(),
  cases: z.int(),
  repeat: z.int(),
  binEdges: z.array(z.number()),
  versions: z.array(
    z.object({
      version: z.string(),
      /** Cases whose verdict (the majority of their repeats) is a pass; comparisons stored before it counted results. */
      passed: z.int(),
      /** Cases with a verdict (ties are neither). */
      total: z.int(),
      ties: z.int().default(0),
      /** Cases some of whose repeats passed and some did not. */
      flaky: z.int().optional(),
      passRate: z.number(),
      /** Wilson over cases. */
      interval: z.object({ low: z.number(), high: z.number() }),
      /** Every result, repeats counted one by one. */
      results: z.object({ passed: z.int(), total: z.int() }).optional(),
      latencyP50: z.number().nullable(),
      latencyP95: z.number().nullable(),
      tokensPerRequest: z.number().nullable(),
      costPerRequest: z.number().nullable(),
      /** How many results reported tokens and cost (the means are over those). */
      known: z.object({ tokens: z.int(), cost: z.int() }).optional(),
      latencyBins: z.array(z.int()),
    }),
  ),
  pairs: z.array(
    z.object({
      baseline: z.int(),
      candidate: z.int(),
      passRateDiff: Difference,
      /** The level of passRateDiff's interval (Holm's, with several candidates). */
      confidence: z.number().default(0.95),
      /** Cases left out of the paired figures because one side tied. */
      ties: z.int().default(0),
      mcnemar: z.object({ b: z.int(), c: z.int(), p: z.number(), method: z.enum(['exact', 'chi-squared']) }),
      pAdjusted: z.number(),
      latencyP50Diff: Difference,
      latencyP95Diff: Difference,
      tokensDiff: Difference,
      costDiff: Difference,
      sampleSize: z.object({ needed: z.int(), have: z.int(), more: z.int() }),
      verdicts: z.record(Verdict, z.int()),
      categories: z.partialRecord(CategoryName, z.int()),
      significantRegression: z.boolean(),
      summary: z.string(),
    }),
  ),
});

export const ComparisonSummary = z.object({
  id: z.int(),
  agent: z.string(),
  dataset: z.object({ name: z.string(), revision: z.int(), items: z.int() }),
  suite: z.object({ name: z.string(), revision: z.int() }).nullable(),
  refs: z.array(z.object({ ref: z.string(), version: z.string(), hash: z.string() })),
  settings: z.object({ repeat: z.int(), concurrency: z.int() }),
  seed: z.int(),
  status: z.enum(['running', 'finished', 'cancelled', 'interrupted']),
  actor: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  stats: ComparisonStats.nullable(),
});
export type ComparisonSummary = z.infer<typeof ComparisonSummary>;

/** A side of a case as the table shows it: the outputs are read with the case's detail. */
const SideOfCase = z.object({
  passRate: z.number(),
  latencyMs: z.number(),
  tokens: z.number().nullable(),
  costUsd: z.number().nullable(),
  error: z.string().nullable(),
});

export const CaseRow = z.object({
  caseId: z.string(),
  verdict: Verdict,
  categories: z.array(CategoryName),
  baseline: SideOfCase,
  candidate: SideOfCase,
  delta: z.object({ passRate: z.number(), latencyMs: z.number(), tokens: z.number().nullable(), costUsd: z.number().nullable() }),
});
export type CaseRow = z.infer<typeof CaseRow>;

/** A case's row as a comparison stores it: the table's row, each side with its first output. */
export const StoredCaseRow = CaseRow.extend({
  baseline: SideOfCase.extend({ output: z.string() }),
  candidate: SideOfCase.extend({ output: z.string() }),
});

export const ComparedCase = z.object({
  caseId: z.string(),
  verdict: Verdict.nullable(),
  input: z.unknown(),
  baseline: z.array(StoredResult),
  candidate: z.array(StoredResult),
});
export type ComparedCase = z.infer<typeof ComparedCase>;

export const CompareProgressEvent = z.object({
  comparisonId: z.int(),
  agent: z.string(),
  status: z.enum(['running', 'finished', 'cancelled', 'interrupted']),
  done: z.int(),
  total: z.int(),
  costUsd: z.number(),
  elapsedMs: z.number(),
});
export type CompareProgressEvent = z.infer<typeof CompareProgressEvent>;

/** Datasets (revisions, import) and comparisons of 2–5 refs. */
export const comparingContract = {
  datasets: {
    list: query(z.object({ agent: AgentName }), z.array(DatasetSummary)),
    get: query(z.object({ agent: AgentName, name: DatasetName, revision: z.int().positive().optional() }), DatasetDetail),
    /** Reads a JSONL or CSV file as a dataset without saving it: the columns, their roles, the first items. */
    preview: query(
      z.object({
        fileName: z.string().min(1).max(500),
        content: textUpTo(INPUT_LIMITS.datasetChars, 'the file'),
        name: DatasetName.optional(),
        mapping: ColumnMapping.optional(),
      }),
      DatasetPreview,
    ),
    /** Imports a JSONL or CSV file (with a column mapping for CSV) as the dataset's next revision: whole, or nothing. */
    import: method(
      z.object({
        agent: AgentName,
        fileName: z.string().min(1).max(500),
        content: textUpTo(INPUT_LIMITS.datasetChars, 'the file'),
        name: DatasetName.optional(),
        mapping: ColumnMapping.optional(),
        message: Message,
      }),
      /** The saved revision, with how the file was read. */
      DatasetDetail.extend({ format: DatasetPreview.shape.format, columns: DatasetPreview.shape.columns }),
    ),
    fromSuite: method(z.object({ agent: AgentName, suite: SuiteName, name: DatasetName.optional() }), DatasetDetail),
    /** Saves edited items (one JSON object a line) as the dataset's next revision. */
    save: method(
      z.object({
        agent: AgentName,
        name: DatasetName,
        jsonl: textUpTo(INPUT_LIMITS.datasetChars, 'the dataset').min(1, 'the dataset is empty'),
        message: Message,
      }),
      DatasetDetail,
    ),
  },
  comparisons: {
    start: method(
      z.object({
        agent: AgentName,
        refs: z.array(RefText).min(2, 'compare at least two refs').max(5, 'compare at most five refs'),
        dataset: DatasetName,
        suite: SuiteName.optional(),
        repeat: z.int().min(1).max(20).default(1),
        concurrency: z.int().min(1).max(64).default(4),
        seed: z.int().min(0).optional(),
        allow: RunAllow,
      }),
      ComparisonSummary,
    ),
    cancel: method(z.object({ id: RecordId }), ComparisonSummary),
    list: query(z.object({ agent: AgentName }), z.array(ComparisonSummary)),
    get: query(z.object({ id: RecordId }), ComparisonSummary),
    /** Each case's verdict against the baseline, for one candidate (1 = the first after the baseline). */
    cases: query(z.object({ id: RecordId, candidate: z.int().min(1).max(4).default(1) }), z.array(CaseRow)),
    case: query(z.object({ id: RecordId, candidate: z.int().min(1).max(4).default(1), caseId: CaseId }), ComparedCase),
    /** A self-contained HTML report (no external requests) or the JSON of the whole comparison. */
    report: query(
      z.object({ id: RecordId, format: z.enum(['html', 'json']) }),
      z.object({ fileName: z.string(), content: z.string() }),
    ),
  },
} as const;
