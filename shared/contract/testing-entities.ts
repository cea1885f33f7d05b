import { z } from 'zod';
import { AgentName } from '../names';

/** The shapes of suites, runs, the Try panel and keys that cross the contract. */

export const SuiteSummary = z.object({
  agent: AgentName,
  name: z.string(),
  revision: z.int(),
  hash: z.string(),
  cases: z.int(),
  author: z.string(),
  message: z.string(),
  createdAt: z.string(),
});
export type SuiteSummary = z.infer<typeof SuiteSummary>;

export const SuiteDetail = SuiteSummary.extend({
  /** The suite as YAML, as saved. */
  content: z.string(),
  /** Each case's id and variables, for the Try panel's case picker and the table view. */
  caseList: z.array(
    z.object({ id: z.string(), description: z.string(), vars: z.record(z.string(), z.unknown()), assertions: z.int() }),
  ),
});
export type SuiteDetail = z.infer<typeof SuiteDetail>;

export const ImportPreview = z.object({
  name: z.string(),
  yaml: z.string(),
  report: z.object({
    format: z.enum(['slipway', 'promptfoo', 'jsonl', 'csv']),
    cases: z.int(),
    unsupported: z.array(z.string()),
    notes: z.array(z.string()),
  }),
});
export type ImportPreview = z.infer<typeof ImportPreview>;

export const RunStatus = z.enum(['running', 'finished', 'cancelled', 'stopped_budget', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;

export const RunSummary = z.object({
  id: z.int(),
  agent: z.string(),
  version: z.string(),
  versionHash: z.string(),
  suite: z.string(),
  suiteRevision: z.int(),
  suiteRevisionHash: z.string(),
  settings: z.record(z.string(), z.unknown()),
  status: RunStatus,
  actor: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  total: z.int().nullable(),
  passed: z.int().nullable(),
  passRate: z.number().nullable(),
  minPassRate: z.number().nullable(),
  gatePassed: z.boolean().nullable(),
  costUsd: z.number().nullable(),
  costKnown: z.boolean().nullable(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const ResultStatus = z.enum(['passed', 'failed', 'errored']);

/** One result as the grid shows it: read straight from the stored JSON by SQLite. */
export const ResultRow = z.object({
  caseId: z.string(),
  repeat: z.int(),
  status: ResultStatus,
  latencyMs: z.number(),
  costUsd: z.number().nullable(),
  tokens: z.int().nullable(),
  /** The error, or the first failing assertion's reason. */
  problem: z.string().nullable(),
  /** Some repeats of this case passed and some did not. */
  flaky: z.boolean(),
});
export type ResultRow = z.infer<typeof ResultRow>;

const ChatMessage = z.object({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string(),
  toolCalls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.record(z.string(), z.unknown()) })).optional(),
  toolCallId: z.string().optional(),
  name: z.string().optional(),
});

const ToolTrace = z.object({
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  result: z.unknown(),
  error: z.string().optional(),
});

export const Verdict = z.object({ type: z.string(), pass: z.boolean(), score: z.number(), reason: z.string() });

const EngineFailure = z.object({ kind: z.string(), message: z.string() });

/** One result whole, for the case drawer. */
export const ResultDetail = z.object({
  caseId: z.string(),
  repeat: z.int(),
  status: ResultStatus,
  /** The case's variables (or messages) as the suite revision of the run gives them. */
  input: z.unknown(),
  output: z.string(),
  messages: z.array(ChatMessage),
  toolCalls: z.array(ToolTrace),
  latencyMs: z.number(),
  inputTokens: z.int().nullable(),
  outputTokens: z.int().nullable(),
  costUsd: z.number().nullable(),
  retries: z.int(),
  error: EngineFailure.nullable(),
  verdicts: z.array(Verdict),
  cached: z.boolean(),
});
export type ResultDetail = z.infer<typeof ResultDetail>;

export const RunComparison = z.object({
  earlier: z.int(),
  later: z.int(),
  newFailures: z.array(z.string()),
  fixes: z.array(z.string()),
  stillFailing: z.array(z.string()),
});
export type RunComparison = z.infer<typeof RunComparison>;

/** A suite's latest finished run on each version of the agent, oldest version first. */
export const TrendPoint = z.object({
  version: z.string(),
  runId: z.int(),
  suite: z.string(),
  passRate: z.number(),
  costUsd: z.number().nullable(),
  p95LatencyMs: z.number().nullable(),
  finishedAt: z.string(),
});
export type TrendPoint = z.infer<typeof TrendPoint>;

export const RunEstimate = z.object({
  calls: z.int(),
  /** Null when the model has no price in the table. */
  estimateUsd: z.number().nullable(),
  version: z.string(),
});
export type RunEstimate = z.infer<typeof RunEstimate>;

export const TryResult = z.object({
  ref: z.string(),
  /** What the ref resolved to: AGENT@1.2.0 or AGENT@draft. */
  version: z.string(),
  output: z.string(),
  messages: z.array(ChatMessage),
  toolCalls: z.array(ToolTrace),
  inputTokens: z.int().nullable(),
  outputTokens: z.int().nullable(),
  costUsd: z.number().nullable(),
  latencyMs: z.number(),
  error: EngineFailure.extend({ hint: z.string() }).nullable(),
});
export type TryResult = z.infer<typeof TryResult>;

export const KeySource = z.enum(['environment', 'saved', 'session']);

/** A key as the renderer may know it: a name and whether it has a value — never the value. */
export const KeyState = z.object({
  name: z.string(),
  set: z.boolean(),
  source: KeySource.nullable(),
  /** Agents whose draft or latest version names this key in config.yaml. */
  usedBy: z.array(z.string()),
});
export type KeyState = z.infer<typeof KeyState>;

export const KeyStorage = z.object({
  kind: z.enum(['safeStorage', 'session']),
  /** Whether a key entered here survives a restart. */
  persistent: z.boolean(),
  /** One sentence on where keys are kept, shown on the settings page. */
  note: z.string(),
});
export type KeyStorage = z.infer<typeof KeyStorage>;

export const RunProgressEvent = z.object({
  runId: z.int(),
  agent: z.string(),
  suite: z.string(),
  version: z.string(),
  status: RunStatus,
  done: z.int(),
  total: z.int(),
  passed: z.int(),
  failed: z.int(),
  errored: z.int(),
  costUsd: z.number(),
  estimateUsd: z.number().nullable(),
  elapsedMs: z.number(),
});
export type RunProgressEvent = z.infer<typeof RunProgressEvent>;
