import { listMethods, type AppEvent, type CallInput, type CallOutput, type DomainName, type MethodName } from './contract';
import type { Dispatch, Envelope } from './gate';

/** What the preload exposes as `window.slipway`: one function per method, answering envelopes. */
export type Bridge = {
  [D in DomainName]: { [M in MethodName<D>]: (input: CallInput<D, M>) => Promise<Envelope<CallOutput<D, M>>> };
};

/** What the preload exposes as `window.slipwayEvents`. */
export interface EventBridge {
  subscribe(listener: (event: AppEvent) => void): () => void;
}

/** One function per method of the contract: the preload hands this object to contextBridge, which copies only what it can enumerate. */
export function createBridge(dispatch: Dispatch): Bridge {
  const api: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const { domain, method } of listMethods()) {
    api[domain] ??= {};
    api[domain][method] = (input: unknown) => dispatch(domain, method, input);
  }
  // The loop above fills exactly the domains and methods of the contract, which is what Bridge describes.
  return api as Bridge;
}
