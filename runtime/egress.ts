import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { AgentConfig } from '../shared/agent-files';
import { EngineError, type Platform, type SpawnLike } from '../shared/engine/types';
import { isPrivateAddress, keyName, urlProblem, type EgressPolicy } from '../shared/release/policy';

/**
 * Host names resolved for the runtime's outgoing connections, refusing loopback and private
 * addresses unless the operator allowed them: a public name that resolves to 127.0.0.1 (or
 * changes its answer after it was checked) is caught where the socket is made.
 */
export function guardedLookup(policy: EgressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = policy.privateNetwork ? undefined : addresses.find((entry) => isPrivateAddress(entry.address));
      if (refused)
        return callback(
          Object.assign(
            new Error(
              `${hostname} resolves to ${refused.address}, a loopback or private address this runtime does not call (--allow-private-network)`,
            ),
            { code: 'EPRIVATE' },
          ),
          '',
          0,
        );
      if (options.all) return (callback as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      return first ? callback(null, first.address, first.family) : callback(new Error(`${hostname} has no address`), '', 0);
    });
  };
}

/** The environment a command provider's program gets: the runtime's own, without any key. */
function keylessEnvironment(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLIPWAY_KEY_')));
}

/**
 * The platform one version runs on: its fetch reaches only allowed hosts, its secrets hold only
 * the key bound to its provider's host, its programs only those allowed (with no key in their
 * environment). What the upload check promised is enforced again here, on every call;
 * `problems` are the policy's refusals of this version (policyProblems), worked out once by the caller.
 */
export function versionPlatform(base: Platform, policy: EgressPolicy, config: AgentConfig, problems: string[]): Platform {
  const refuse = (what: string): never => {
    throw new EngineError('config', `this runtime refuses ${what}: ${problems.join('; ') || 'not allowed by its operator'}`);
  };
  const fetcher: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const problem = urlProblem(url, policy);
    if (problem) throw new EngineError('config', `this runtime refuses to call ${url.origin}: ${problem}`);
    return base.fetch(input, init);
  };
  const spawn: SpawnLike = (command, input, options) => {
    if (!policy.commands.includes(command[0] ?? '')) return refuse(`to run ${command[0] ?? 'nothing'}`);
    if (!base.spawn) return refuse('to start programs');
    return base.spawn(command, input, { ...options, env: keylessEnvironment() });
  };
  return {
    ...base,
    fetch: fetcher,
    spawn,
    secrets: {
      get: (name) => (name === keyName(config) && problems.length === 0 ? base.secrets.get(name) : undefined),
      // Every key the runtime holds is scrubbed, whichever this version may use.
      values: () => base.secrets.values(),
    },
  };
}
