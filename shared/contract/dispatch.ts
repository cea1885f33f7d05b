import { contract } from './contract';
import { createGate, type DispatchOptions, type Dispatch, type HandlerMap } from './gate';

export type { Dispatch, DispatchOptions, Envelope, HandlerMap } from './gate';

/**
 * The one gate every transport goes through: an unknown method is refused, an input that does
 * not match its schema never reaches a service, and every failure comes back as { code, message }.
 */
export function createDispatch(handlers: HandlerMap, options: DispatchOptions = {}): Dispatch {
  return createGate(contract, handlers, options);
}
