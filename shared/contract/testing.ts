import { z } from 'zod';
import { RunAllow } from './bundles';
import { AgentName, plainName } from '../names';
import { FileSet } from './agents';
import { Attestation } from '../attestation';
import { FAILURE_KINDS } from '../engine/types';
import { INPUT_LIMITS, formatCount } from '../limits';
import { CaseId, Message, RecordId, RefText, method, query, textUpTo } from './common';

/** Suites, runs and the Try panel: the shapes that cross the contract and the methods. */

export const SuiteName = plainName('suite');
const RunSettings = z.object({
  concurrency: z.int().min(1, 'concurrency is at least 1').max(64, 'concurrency is at most 64').default(4),
  repeat: z.int().min(1, 'repeat is at least 1').max(100, 'repeat is at most 100').default(1),
  maxCostUsd: z.number().positive('max cost must be above 0').max(1_000_000).optional(),
  minPassRate: z.number().min(0).max(1).nullable().default(null),
  /** Reuse the model's answers from earlier runs of the same version (assertions are graded again). */
  cache: z.boolean().default(false),
});

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

const ImportFiles = z
  .record(z.string().min(1).max(500), textUpTo(INPUT_LIMITS.suiteChars, 'a file beside the config'))
  .refine((files) => Object.keys(files).length <= INPUT_LIMITS.importFiles, {
    message: `at most ${formatCount(INPUT_LIMITS.importFiles)} files beside a config (importFiles)`,
  })
  .refine((files) => Object.values(files).reduce((sum, text) => sum + text.length, 0) <= INPUT_LIMITS.importFilesChars, {
    message: `the files beside a config hold at most ${formatCount(INPUT_LIMITS.importFilesChars)} characters together (importFilesChars)`,
  });

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
  /** Results of cases with no assertions ("no checks"); null for runs stored before they were counted. */
  unchecked: z.int().nullable(),
  /** Results with an assertion that could not be evaluated. */
  unevaluated: z.int().nullable(),
  costUsd: z.number().nullable(),
  costKnown: z.boolean().nullable(),
  /** The evidence an eval gate reads, once the run has ended. */
  attestation: Attestation.nullable(),
});
export type RunSummary = z.infer<typeof RunSummary>;

/** `unchecked`: the case has no assertions; shown as "no checks", never counted as passed. */
export const ResultStatus = z.enum(['passed', 'failed', 'errored', 'unchecked']);

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

export const Verdict = z.object({
  type: z.string(),
  pass: z.boolean(),
  score: z.number(),
  reason: z.string(),
  /** The assertion could not be evaluated. */
  error: z.literal(true).optional(),
  /** The messages (indices into the result's conversation) a trajectory assertion looked at; none: it looked at the reply. */
  steps: z.array(z.int().nonnegative()).optional(),
  /** The turn of a scripted conversation it judged (1-based); none: the whole case. */
  turn: z.int().positive().optional(),
});

const EngineFailure = z.object({ kind: z.enum(FAILURE_KINDS), message: z.string() });

/** One result as a run stores it (the engine's CaseResult). */
export const StoredResult = z.object({
  caseId: z.string(),
  repeat: z.int(),
  status: ResultStatus,
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
  /** A conversation case: where each turn began in `messages`, and how a simulated one ended. */
  conversation: z
    .object({ turns: z.array(z.int().nonnegative()), ended: z.enum(['goal', 'gave-up', 'max-turns']).optional() })
    .optional(),
});

/** One result whole, for the case drawer: what was stored, and the case's input. */
export const ResultDetail = StoredResult.extend({
  /** The case's variables (or messages) as the suite revision of the run gives them. */
  input: z.unknown(),
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

/** A result that did not pass, as a progress event names it. */
export const ProgressFailure = z.object({
  caseId: z.string(),
  repeat: z.int(),
  status: z.enum(['failed', 'errored', 'unchecked']),
  problem: z.string(),
});
export type ProgressFailure = z.infer<typeof ProgressFailure>;

/** At most this many failures ride on one progress event; `moreFailures` counts the rest. */
export const MAX_FAILURES_PER_EVENT = 50;

export const RunProgressEvent = z.object({
  /** The stored run; null for a run of files outside any workspace (`runs.testFiles`). */
  runId: z.int().nullable(),
  agent: z.string(),
  suite: z.string(),
  version: z.string(),
  status: RunStatus,
  done: z.int(),
  total: z.int(),
  passed: z.int(),
  failed: z.int(),
  errored: z.int(),
  unchecked: z.int(),
  costUsd: z.number(),
  estimateUsd: z.number().nullable(),
  elapsedMs: z.number(),
  /** The results that did not pass since the previous event of this run, in the order they ended. */
  failures: z.array(ProgressFailure).max(MAX_FAILURES_PER_EVENT),
  moreFailures: z.int(),
});
export type RunProgressEvent = z.infer<typeof RunProgressEvent>;

/** A run of files outside a workspace, as `runs.testFiles` answers: the run, the flaky cases, both reports. */
export const TestedFiles = z.object({
  run: z.object({
    agent: z.string(),
    version: z.string(),
    versionHash: z.string(),
    suite: z.string(),
    status: RunStatus,
    passed: z.int(),
    total: z.int(),
    passRate: z.number(),
    gatePassed: z.boolean(),
    unchecked: z.int(),
    unevaluated: z.int(),
    costUsd: z.number(),
  }),
  flaky: z.array(z.string()),
  /** The reports asked for (null when not): a run of 10,000 results makes them only when wanted. */
  junit: z.string().nullable(),
  json: z.string().nullable(),
});
export type TestedFiles = z.infer<typeof TestedFiles>;

/** Suites (revisions, import), runs (background, progress, results) and Try. */
export const testingContract = {
  suites: {
    list: query(z.object({ agent: AgentName }), z.array(SuiteSummary)),
    get: query(z.object({ agent: AgentName, name: SuiteName, revision: z.int().positive().optional() }), SuiteDetail),
    save: method(
      z.object({
        agent: AgentName,
        yaml: textUpTo(INPUT_LIMITS.suiteChars, 'the suite').min(1, 'the suite is empty'),
        message: Message,
      }),
      SuiteDetail,
    ),
    history: query(
      z.object({ agent: AgentName, name: SuiteName }),
      z.array(z.object({ revision: z.int(), hash: z.string(), author: z.string(), message: z.string(), createdAt: z.string() })),
    ),
    previewImport: query(
      z.object({
        fileName: z.string().min(1).max(500),
        content: textUpTo(INPUT_LIMITS.suiteChars, 'the file'),
        name: SuiteName.optional(),
        /** The files beside a promptfoo config, by path relative to its folder: what its `file://` references read. */
        files: ImportFiles.optional(),
      }),
      ImportPreview,
    ),
  },
  runs: {
    estimate: query(
      z.object({ agent: AgentName, ref: RefText, suite: SuiteName, repeat: z.int().min(1).max(100).default(1) }),
      RunEstimate,
    ),
    start: method(
      z.object({
        agent: AgentName,
        ref: RefText,
        suite: SuiteName,
        settings: RunSettings.default({ concurrency: 4, repeat: 1, minPassRate: null, cache: false }),
        /** What a version or suite from an untrusted bundle may do on this run. */
        allow: RunAllow,
      }),
      RunSummary,
    ),
    cancel: method(z.object({ runId: RecordId }), RunSummary),
    list: query(z.object({ agent: AgentName, suite: SuiteName.optional() }), z.array(RunSummary)),
    get: query(z.object({ runId: RecordId }), RunSummary),
    results: query(z.object({ runId: RecordId }), z.array(ResultRow)),
    result: query(z.object({ runId: RecordId, caseId: CaseId, repeat: z.int().min(0) }), ResultDetail),
    compare: query(z.object({ earlier: RecordId, later: RecordId }), RunComparison),
    /** The run of the same suite before this one, if any. */
    previous: query(z.object({ runId: RecordId }), RunSummary.nullable()),
    trend: query(z.object({ agent: AgentName, suite: SuiteName.optional() }), z.array(TrendPoint)),
    /** A stored run as JUnit XML or JSON (the run, its attestation and every result). */
    report: query(
      z.object({ runId: RecordId, format: z.enum(['junit', 'json']) }),
      z.object({ fileName: z.string(), content: z.string() }),
    ),
    /**
     * Runs a suite file against an agent's files with no workspace at all (CI: `slipway test
     * --from`): nothing is stored; progress comes as run.progress with no run id.
     */
    testFiles: method(
      z.object({
        name: z.string().min(1).max(200),
        files: FileSet,
        suite: z.object({ fileName: z.string().min(1).max(500), content: textUpTo(INPUT_LIMITS.suiteChars, 'the suite').min(1) }),
        settings: RunSettings.default({ concurrency: 4, repeat: 1, minPassRate: null, cache: false }),
        reports: z.object({ junit: z.boolean(), json: z.boolean() }).default({ junit: false, json: false }),
      }),
      TestedFiles,
    ),
    /** Stops this process's runs of files (`testFiles`); each answers with what finished, as cancelled. */
    cancelFiles: method(z.object({}), z.object({ cancelled: z.int() })),
  },
  try: {
    run: method(
      z.object({
        agent: AgentName,
        ref: RefText,
        /** A suite case to take the input (and tool stubs) from; otherwise `vars`. */
        case: z.object({ suite: SuiteName, id: CaseId }).optional(),
        vars: z.record(z.string(), z.string()).default({}),
        /** What the user says, for a version with no user.md (a new agent): sent as the user message. */
        message: textUpTo(INPUT_LIMITS.agentFileChars, 'the message').optional(),
        allow: RunAllow,
      }),
      TryResult,
    ),
  },
} as const;
