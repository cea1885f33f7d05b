import { SlipwayError } from '../errors';
import type { CallInput, CallOutput, DomainName, MethodName } from './contract';
import type { Dispatch, Envelope } from './dispatch';

/** The typed API every caller sees: `client.versions.list({ agent })` resolves or throws SlipwayError. */
export type Client = {
  [D in DomainName]: { [M in MethodName<D>]: (input: CallInput<D, M>) => Promise<CallOutput<D, M>> };
};

function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw new SlipwayError(envelope.error.code, envelope.error.message, envelope.error.field);
}

/**
 * The client answers any domain and method its type names, without building a function for each
 * of the contract's: a program that calls three methods (`slipway test --from`) then never loads
 * the other domains' schemas. The gate behind `dispatch` refuses a method the contract lacks.
 */
export function createClient(dispatch: Dispatch): Client {
  const domains = new Map<string, Record<string, (input: unknown) => Promise<unknown>>>();
  const domainOf = (domain: string) => {
    const methods = new Proxy<Record<string, (input: unknown) => Promise<unknown>>>(
      {},
      {
        // Not a thenable: a domain handed to `await` or Promise.resolve stays a domain.
        get: (_target, method) =>
          typeof method !== 'string' || method === 'then'
            ? undefined
            : async (input: unknown) => unwrap(await dispatch(domain, method, input)),
      },
    );
    domains.set(domain, methods);
    return methods;
  };
  // The proxy answers exactly the domains and methods of the contract, which is what Client describes.
  return new Proxy(
    {},
    {
      get: (_target, domain) =>
        typeof domain !== 'string' || domain === 'then' ? undefined : (domains.get(domain) ?? domainOf(domain)),
    },
  ) as Client;
}
