import { SlipwayError } from '../errors';
import { listMethods, type AppEvent, type CallInput, type CallOutput, type DomainName, type MethodName } from './contract';
import type { Dispatch, Envelope } from './dispatch';

/** The typed API every caller sees: `client.versions.list({ agent })` resolves or throws SlipwayError. */
export type Client = {
  [D in DomainName]: { [M in MethodName<D>]: (input: CallInput<D, M>) => Promise<CallOutput<D, M>> };
};

/** What the preload exposes as `window.slipway`: one function per method, answering envelopes. */
export type Bridge = {
  [D in DomainName]: { [M in MethodName<D>]: (input: CallInput<D, M>) => Promise<Envelope<CallOutput<D, M>>> };
};

/** What the preload exposes as `window.slipwayEvents`. */
export interface EventBridge {
  subscribe(listener: (event: AppEvent) => void): () => void;
}

function buildFromMethods<T>(call: (domain: DomainName, method: string, input: unknown) => Promise<unknown>): T {
  const api: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const { domain, method } of listMethods()) {
    api[domain] ??= {};
    api[domain][method] = (input: unknown) => call(domain, method, input);
  }
  // The loop above fills exactly the domains and methods of the contract, which is what T describes.
  return api as T;
}

export function createBridge(dispatch: Dispatch): Bridge {
  return buildFromMethods<Bridge>(dispatch);
}

function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw new SlipwayError(envelope.error.code, envelope.error.message);
}

export function createClient(dispatch: Dispatch): Client {
  return buildFromMethods<Client>(async (domain, method, input) => unwrap(await dispatch(domain, method, input)));
}
