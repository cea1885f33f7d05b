import { z } from 'zod';
import { SecretName } from '../agent-files';
import { AgentName, LabelName } from '../names';
import { BundlePreview, ImportedEvidence, MAX_APP_BUNDLE_BYTES, SigningKeys } from '../bundle';
import { TeamCheck, TeamDetail, TeamMatrix, TeamName, TeamRelease, TeamReleaseOfVersion, TeamView } from './team-entities';
import {
  Agent,
  AgentSummary,
  AuditEntry,
  AuditVerification,
  BumpKind,
  BumpSuggestion,
  Diagnostic,
  Draft,
  FileSet,
  LabelMove,
  LabelState,
  Settings,
  About,
  VersionDetail,
  VersionDiff,
  VersionSummary,
} from './entities';
import {
  ImportPreview,
  KeyState,
  KeyStorage,
  ResultDetail,
  ResultRow,
  RunComparison,
  RunEstimate,
  RunProgressEvent,
  RunSummary,
  SuiteDetail,
  SuiteSummary,
  TrendPoint,
  TryResult,
} from './testing-entities';
import {
  CaseRow,
  ColumnMapping,
  ComparedCase,
  CompareProgressEvent,
  ComparisonSummary,
  DatasetDetail,
  DatasetPreview,
  DatasetSummary,
} from './compare-entities';
import { DatasetName } from '../dataset';
import {
  Deployment,
  LocalRuntime,
  PlanRevision,
  ReleaseAction,
  ReleaseEvents,
  ReleaseMetrics,
  ReleaseView,
  TargetInfo,
  TargetName,
} from './release-entities';
import { Guardrails as RuntimeGuardrails, ReleasePlan } from '../release/protocol';

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

const RefText = z.string().min(1, 'ref is empty').max(200);
const BundleBase64 = z
  .string()
  .min(1, 'the file is empty')
  .max(
    Math.ceil(MAX_APP_BUNDLE_BYTES / 3) * 4,
    `the file is over ${MAX_APP_BUNDLE_BYTES / 1024 / 1024} MiB: import it with \`slipway bundle import FILE\``,
  )
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');
const Reason = z.string().trim().min(1, 'a reason is required').max(2000);
const Message = z.string().trim().min(1, 'a message saying why is required').max(10_000);
const OptionalReason = z.string().max(2000).default('');
const SuiteName = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'a suite name is lower-case letters, digits and dashes')
  .max(64);
const RunId = z.int().positive();
const RunSettings = z.object({
  concurrency: z.int().min(1, 'concurrency is at least 1').max(64, 'concurrency is at most 64').default(4),
  repeat: z.int().min(1, 'repeat is at least 1').max(100, 'repeat is at most 100').default(1),
  maxCostUsd: z.number().positive('max cost must be above 0').max(1_000_000).optional(),
  minPassRate: z.number().min(0).max(1).nullable().default(null),
});

/**
 * Every operation the UI may call, by domain, with the zod schema of its input and output.
 * IPC, the browser host and the CLI all dispatch through this one object.
 */
export const contract = {
  agents: {
    list: method(z.object({ includeArchived: z.boolean().default(false) }), z.array(AgentSummary)),
    create: method(z.object({ name: AgentName, description: z.string().max(2000).default('') }), Agent),
    rename: method(z.object({ name: AgentName, newName: AgentName, reason: OptionalReason }), Agent),
    describe: method(z.object({ name: AgentName, description: z.string().max(2000) }), Agent),
    archive: method(z.object({ name: AgentName, reason: OptionalReason }), Agent),
    restore: method(z.object({ name: AgentName, reason: OptionalReason }), Agent),
  },
  drafts: {
    get: method(z.object({ agent: AgentName }), Draft),
    writeFile: method(z.object({ agent: AgentName, file: z.string().min(1), content: z.string().max(5_000_000) }), Draft),
    removeFile: method(z.object({ agent: AgentName, file: z.string().min(1) }), Draft),
    replace: method(z.object({ agent: AgentName, files: FileSet }), Draft),
    reset: method(z.object({ agent: AgentName, ref: RefText }), Draft),
    validate: method(z.object({ agent: AgentName }), z.array(Diagnostic)),
  },
  versions: {
    snapshot: method(
      z.object({
        agent: AgentName,
        message: Message,
        bump: BumpKind.optional(),
        version: z.string().optional(),
        files: FileSet.optional(),
      }),
      VersionDetail,
    ),
    list: method(z.object({ agent: AgentName }), z.array(VersionSummary)),
    get: method(z.object({ ref: RefText }), VersionDetail),
    diff: method(z.object({ from: RefText, to: RefText }), VersionDiff),
    suggestBump: method(z.object({ agent: AgentName, files: FileSet.optional() }), BumpSuggestion),
  },
  labels: {
    list: method(z.object({ agent: AgentName }), z.array(LabelState)),
    set: method(z.object({ agent: AgentName, label: LabelName, ref: RefText, reason: Reason }), LabelMove),
    history: method(z.object({ agent: AgentName, label: LabelName.optional() }), z.array(LabelMove)),
  },
  audit: {
    list: method(
      z.object({
        agent: AgentName.optional(),
        action: z.string().max(100).optional(),
        actor: z.string().max(200).optional(),
        since: z.iso.datetime().optional(),
        until: z.iso.datetime().optional(),
        limit: z.int().min(1).max(10_000).default(200),
        beforeId: z.int().optional(),
      }),
      z.array(AuditEntry),
    ),
    verify: method(z.object({}), AuditVerification),
  },
  suites: {
    list: method(z.object({ agent: AgentName }), z.array(SuiteSummary)),
    get: method(z.object({ agent: AgentName, name: SuiteName, revision: z.int().positive().optional() }), SuiteDetail),
    save: method(
      z.object({ agent: AgentName, yaml: z.string().min(1, 'the suite is empty').max(20_000_000), message: Message }),
      SuiteDetail,
    ),
    previewImport: method(
      z.object({ fileName: z.string().min(1).max(500), content: z.string().max(50_000_000), name: SuiteName.optional() }),
      ImportPreview,
    ),
  },
  runs: {
    estimate: method(
      z.object({ agent: AgentName, ref: RefText, suite: SuiteName, repeat: z.int().min(1).max(100).default(1) }),
      RunEstimate,
    ),
    start: method(
      z.object({
        agent: AgentName,
        ref: RefText,
        suite: SuiteName,
        settings: RunSettings.default({ concurrency: 4, repeat: 1, minPassRate: null }),
      }),
      RunSummary,
    ),
    cancel: method(z.object({ runId: RunId }), RunSummary),
    list: method(z.object({ agent: AgentName, suite: SuiteName.optional() }), z.array(RunSummary)),
    get: method(z.object({ runId: RunId }), RunSummary),
    results: method(z.object({ runId: RunId }), z.array(ResultRow)),
    result: method(z.object({ runId: RunId, caseId: z.string().min(1), repeat: z.int().min(0) }), ResultDetail),
    compare: method(z.object({ earlier: RunId, later: RunId }), RunComparison),
    /** The run of the same suite before this one, if any. */
    previous: method(z.object({ runId: RunId }), RunSummary.nullable()),
    trend: method(z.object({ agent: AgentName, suite: SuiteName.optional() }), z.array(TrendPoint)),
  },
  datasets: {
    list: method(z.object({ agent: AgentName }), z.array(DatasetSummary)),
    get: method(z.object({ agent: AgentName, name: DatasetName, revision: z.int().positive().optional() }), DatasetDetail),
    /** Reads a JSONL or CSV file as a dataset without saving it: the columns, their roles, the first items. */
    preview: method(
      z.object({
        fileName: z.string().min(1).max(500),
        content: z.string().max(50_000_000),
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
        content: z.string().max(50_000_000),
        name: DatasetName.optional(),
        mapping: ColumnMapping.optional(),
        message: Message,
      }),
      DatasetDetail,
    ),
    fromSuite: method(z.object({ agent: AgentName, suite: SuiteName, name: DatasetName.optional() }), DatasetDetail),
    /** Saves edited items (one JSON object a line) as the dataset's next revision. */
    save: method(
      z.object({
        agent: AgentName,
        name: DatasetName,
        jsonl: z.string().min(1, 'the dataset is empty').max(50_000_000),
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
      }),
      ComparisonSummary,
    ),
    cancel: method(z.object({ id: RunId }), ComparisonSummary),
    list: method(z.object({ agent: AgentName }), z.array(ComparisonSummary)),
    get: method(z.object({ id: RunId }), ComparisonSummary),
    /** Each case's verdict against the baseline, for one candidate (1 = the first after the baseline). */
    cases: method(z.object({ id: RunId, candidate: z.int().min(1).max(4).default(1) }), z.array(CaseRow)),
    case: method(z.object({ id: RunId, candidate: z.int().min(1).max(4).default(1), caseId: z.string().min(1) }), ComparedCase),
    /** A self-contained HTML report (no external requests) or the JSON of the whole comparison. */
    report: method(
      z.object({ id: RunId, format: z.enum(['html', 'json']) }),
      z.object({ fileName: z.string(), content: z.string() }),
    ),
  },
  targets: {
    list: method(z.object({}), z.array(TargetInfo)),
    /** The token goes to the key store; only whether it is set comes back. */
    save: method(
      z.object({
        name: TargetName,
        url: z.url('the URL of the runtime, http(s)://…'),
        label: LabelName.default('production'),
        token: z.string().min(1).max(10_000).optional(),
      }),
      TargetInfo,
    ),
    remove: method(z.object({ name: TargetName }), z.array(TargetInfo)),
  },
  release: {
    /** The agent's release on a target; the last known state (and the problem) when it cannot be reached. */
    view: method(z.object({ agent: AgentName, target: TargetName }), ReleaseView),
    command: method(z.object({ agent: AgentName, target: TargetName, action: ReleaseAction }), ReleaseView),
    setGuardrails: method(z.object({ agent: AgentName, target: TargetName, guardrails: RuntimeGuardrails }), ReleaseView),
    /** The agent's saved plans, newest revision first. */
    plans: method(z.object({ agent: AgentName }), z.array(PlanRevision)),
    /** Saves the plan in the workspace as its next revision (audited) and pushes it, with the gate's evidence for the canary. */
    setPlan: method(z.object({ agent: AgentName, target: TargetName, plan: ReleasePlan }), ReleaseView),
    metrics: method(
      z.object({ agent: AgentName, target: TargetName, minutes: z.int().min(1).max(1440).default(15) }),
      ReleaseMetrics,
    ),
    events: method(z.object({ agent: AgentName, target: TargetName }), ReleaseEvents),
    /** Where and when the agent's versions were released, from the audit. */
    deployments: method(z.object({ agent: AgentName }), z.array(Deployment)),
    samplesToDataset: method(z.object({ agent: AgentName, target: TargetName, name: DatasetName }), DatasetDetail),
  },
  local: {
    status: method(z.object({}), LocalRuntime),
    /** Starts a reference runtime on 127.0.0.1 (data in the workspace folder) as the target "local". */
    start: method(z.object({}), LocalRuntime),
    stop: method(z.object({}), LocalRuntime),
    /** Replays a dataset against the local runtime at a rate (0 stops it). */
    traffic: method(
      z.object({ agent: AgentName, dataset: DatasetName, ratePerSecond: z.number().min(0).max(200) }),
      LocalRuntime,
    ),
  },
  try: {
    run: method(
      z.object({
        agent: AgentName,
        ref: RefText,
        /** A suite case to take the input (and tool stubs) from; otherwise `vars`. */
        case: z.object({ suite: SuiteName, id: z.string().min(1) }).optional(),
        vars: z.record(z.string(), z.string()).default({}),
      }),
      TryResult,
    ),
  },
  keys: {
    list: method(z.object({}), z.array(KeyState)),
    storage: method(z.object({}), KeyStorage),
    set: method(z.object({ name: SecretName, value: z.string().min(1, 'the key is empty').max(10_000) }), KeyState),
    remove: method(z.object({ name: SecretName }), KeyState),
  },
  teams: {
    list: method(z.object({}), z.array(TeamDetail)),
    get: method(z.object({ name: TeamName }), TeamDetail),
    create: method(
      z.object({ name: TeamName, members: z.array(AgentName).min(1, 'a team has at least one member') }),
      TeamDetail,
    ),
    setMembers: method(
      z.object({ name: TeamName, members: z.array(AgentName).min(1, 'a team has at least one member') }),
      TeamDetail,
    ),
    /** The dependencies among members at these refs (each member's latest when not named), checked; writes nothing. */
    check: method(z.object({ name: TeamName, pins: z.record(AgentName, RefText).default({}) }), TeamCheck),
    /** A team release pinning one version of each member (latest when not named), with its check. */
    release: method(
      z.object({
        name: TeamName,
        pins: z.record(AgentName, RefText).default({}),
        message: z.string().trim().min(1, 'say why this team release exists').max(2000),
      }),
      TeamRelease,
    ),
    matrix: method(z.object({ name: TeamName }), TeamMatrix),
    /** The team releases that pinned a version of this agent, for History. */
    ofAgent: method(z.object({ agent: AgentName }), z.array(TeamReleaseOfVersion)),
    /** The team on a runtime target (the last known state when it cannot be reached). */
    view: method(z.object({ name: TeamName, target: TargetName }), TeamView),
    /** Switches every member to its pinned version on the target in one step; refused, with every break, when a dependency is broken. */
    promote: method(z.object({ name: TeamName, number: z.int().min(1), target: TargetName }), TeamView),
    rollback: method(z.object({ name: TeamName, target: TargetName, reason: Reason }), TeamView),
  },
  bundles: {
    /** A .slipway file of the versions (and their ancestors), as base64 for the renderer to save. */
    export: method(
      z.object({
        refs: z.array(RefText).min(1, 'select at least one version').max(1000),
        evidence: z.boolean().default(false),
        sign: z.boolean().default(false),
      }),
      z.object({ fileName: z.string(), base64: z.string(), bytes: z.int(), versions: z.array(z.string()), signed: z.boolean() }),
    ),
    /** Checks a bundle whole and says what importing it would do; writes nothing. */
    preview: method(z.object({ base64: BundleBase64 }), BundlePreview),
    /** Imports the bundle that was previewed (its manifest's sha256), all or nothing. */
    import: method(z.object({ base64: BundleBase64, manifestSha256: z.string().regex(/^[0-9a-f]{64}$/) }), BundlePreview),
    keys: method(z.object({}), SigningKeys),
    /** Makes the user's signing key in their config folder (never in a workspace). */
    generateKey: method(z.object({}), SigningKeys),
    trust: method(
      z.object({
        name: z.string().trim().min(1, 'name the key: who signs with it').max(200),
        publicKey: z.string().min(1).max(1000),
      }),
      SigningKeys,
    ),
    untrust: method(z.object({ fingerprint: z.string().min(1).max(64) }), SigningKeys),
    /** Runs and comparison reports that came with bundles, newest first. */
    evidence: method(z.object({ agent: AgentName }), z.array(ImportedEvidence)),
    evidenceFile: method(z.object({ id: z.int().min(1) }), z.object({ fileName: z.string(), content: z.string() })),
  },
  settings: {
    get: method(z.object({}), Settings),
    setAuthor: method(z.object({ author: z.string().trim().min(1, 'author is empty').max(200) }), Settings),
    about: method(z.object({}), About),
  },
} as const;

/** What the Node side pushes to every window: today, that the workspace changed (any writer). */
export const events = {
  'workspace.changed': z.object({ dataVersion: z.int() }),
  /** A run started from the app moved on: counts so far (a few times a second at most), and its end. */
  'run.progress': RunProgressEvent,
  'compare.progress': CompareProgressEvent,
  /** The desktop app: go to a place (a slipway:// link, #/a/AGENT/TAB?version=…). */
  navigate: z.object({ hash: z.string().max(500) }),
  /** The desktop app: a menu item the window carries out (its id is a palette command's). */
  'menu.command': z.object({ id: z.string().max(100) }),
} as const;

/** An event as it crosses a transport, checked on arrival. */
export const AppEventShape = z.discriminatedUnion('type', [
  z.object({ type: z.literal('workspace.changed'), payload: events['workspace.changed'] }),
  z.object({ type: z.literal('run.progress'), payload: events['run.progress'] }),
  z.object({ type: z.literal('compare.progress'), payload: events['compare.progress'] }),
  z.object({ type: z.literal('navigate'), payload: events.navigate }),
  z.object({ type: z.literal('menu.command'), payload: events['menu.command'] }),
]);

export type EventName = keyof typeof events;
/** The one IPC channel the main process pushes events on. */
export const EVENT_CHANNEL = 'slipway:event';
export type AppEvent = { [E in EventName]: { type: E; payload: z.infer<(typeof events)[E]> } }[EventName];

export type Contract = typeof contract;
export type DomainName = keyof Contract;
export type MethodName<D extends DomainName> = keyof Contract[D] & string;

type Spec<D extends DomainName, M extends MethodName<D>> = Contract[D][M] extends { input: infer I; output: infer O }
  ? { input: I; output: O }
  : never;

/** What a caller passes (defaults may be omitted). */
export type CallInput<D extends DomainName, M extends MethodName<D>> = z.input<Spec<D, M>['input'] & z.ZodType>;
/** What a service receives: the input after parsing, defaults filled in. */
export type ParsedInput<D extends DomainName, M extends MethodName<D>> = z.output<Spec<D, M>['input'] & z.ZodType>;
export type CallOutput<D extends DomainName, M extends MethodName<D>> = z.output<Spec<D, M>['output'] & z.ZodType>;

/** The services' shape: one function per method. */
export type Handlers = {
  [D in DomainName]: { [M in MethodName<D>]: (input: ParsedInput<D, M>) => CallOutput<D, M> | Promise<CallOutput<D, M>> };
};

export function channelName(domain: string, methodName: string): string {
  return `slipway:${domain}.${methodName}`;
}

/** Every (domain, method) pair, in declaration order. */
export function listMethods(): Array<{ domain: DomainName; method: string }> {
  return (Object.keys(contract) as DomainName[]).flatMap((domain) =>
    Object.keys(contract[domain]).map((name) => ({ domain, method: name })),
  );
}
