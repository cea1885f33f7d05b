import { z } from 'zod';
import { agentsContract } from './agents';
import { auditContract } from './audit';
import { bundlesContract } from './bundles';
import { CompareProgressEvent, comparingContract } from './comparing';
import { keysContract } from './keys';
import { releaseContract } from './release';
import { settingsContract } from './settings';
import { teamsContract } from './teams';
import { RunProgressEvent, testingContract } from './testing';
import { versionsContract } from './versions';
import { workspaceContract } from './workspace';

/**
 * Every operation the UI may call, by domain, with the zod schema of its input and output; each
 * domain declares its own in shared/contract/<domain>.ts. IPC, the browser host and the CLI all
 * dispatch through this one object.
 */
export const contract = {
  ...workspaceContract,
  ...agentsContract,
  ...versionsContract,
  ...auditContract,
  ...testingContract,
  ...comparingContract,
  ...releaseContract,
  ...keysContract,
  ...teamsContract,
  ...bundlesContract,
  ...settingsContract,
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
