import { z } from 'zod';
import { AgentName, LabelName } from '../names';
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
  VersionDetail,
  VersionDiff,
  VersionSummary,
} from './entities';

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

const RefText = z.string().min(1, 'ref is empty').max(200);
const Reason = z.string().trim().min(1, 'a reason is required').max(2000);
const Message = z.string().trim().min(1, 'a message saying why is required').max(10_000);
const OptionalReason = z.string().max(2000).default('');

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
  settings: {
    get: method(z.object({}), Settings),
    setAuthor: method(z.object({ author: z.string().trim().min(1, 'author is empty').max(200) }), Settings),
  },
} as const;

/** What the Node side pushes to every window: today, that the workspace changed (any writer). */
export const events = {
  'workspace.changed': z.object({ dataVersion: z.int() }),
} as const;

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
