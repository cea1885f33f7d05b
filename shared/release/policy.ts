import type { AgentConfig } from '../agent-files';

/**
 * What a runtime's operator lets versions do (its `serve` flags). A version is code from whoever
 * holds a deployer token; it runs only what the operator allowed: programs named one by one,
 * provider hosts named one by one (private and loopback addresses only when said), and each key
 * sent only to the hosts it is bound to.
 */
export interface EgressPolicy {
  /** Programs the command provider may start, exactly as a version's `command[0]` names them. */
  commands: string[];
  /** Hosts a provider URL may point to: `host`, `host:port`, `*.domain`, or `*` (any public host). */
  hosts: string[];
  /** Whether loopback, private and link-local addresses may be called at all. */
  privateNetwork: boolean;
  /** Key name → the hosts it may be sent to (same forms as `hosts`); a key with no binding is never sent. */
  keys: Record<string, string[]>;
}

export const CLOSED_POLICY: EgressPolicy = { commands: [], hosts: [], privateNetwork: false, keys: {} };

/** The key a version's provider sends (Anthropic's falls back to ANTHROPIC); null when it sends none. */
export function keyName(config: AgentConfig): string | null {
  return config.api_key ?? (config.provider === 'anthropic' ? 'ANTHROPIC' : null);
}

/** Where a version's provider sends its requests (the SDKs' defaults when base_url is unset); null when it calls nothing. */
export function providerUrl(config: AgentConfig): URL | null {
  switch (config.provider) {
    case 'openai-compatible':
      return new URL(config.base_url ?? 'https://api.openai.com/v1');
    case 'anthropic':
      return new URL(config.base_url ?? 'https://api.anthropic.com');
    case 'http':
      return config.base_url ? new URL(config.base_url) : null;
    case 'command':
    case 'mock':
      return null;
  }
}

const defaultPort = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80');
const bareHost = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();

/** Whether a URL's host (and port) is one of the patterns. */
export function hostMatches(url: URL, patterns: string[]): boolean {
  const host = bareHost(url);
  const port = defaultPort(url);
  return patterns.some((pattern) => {
    if (pattern === '*') return true;
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(pattern.toLowerCase());
    if (!match) return false;
    const name = (match[1] ?? '').replace(/^\[|\]$/g, '');
    if (match[2] !== undefined && match[2] !== port) return false;
    if (name.startsWith('*.')) return host.endsWith(name.slice(1));
    return host === name;
  });
}

/** Loopback, private (RFC 1918, unique-local), link-local, unspecified and CGNAT addresses, and localhost. */
export function isPrivateAddress(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name.replace(/^::ffff:/, ''));
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    );
  }
  if (name.includes(':')) return name === '::' || name === '::1' || /^f[cd]/.test(name) || /^fe[89ab]/.test(name);
  return false;
}

/** Why a URL may not be called under the policy; null when it may. */
export function urlProblem(url: URL, policy: EgressPolicy): string | null {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${url.protocol} URLs are never called`;
  const where = `${bareHost(url)}:${defaultPort(url)}`;
  if (!hostMatches(url, policy.hosts))
    return `host ${where} is not allowed on this runtime (its operator allows it with --allow-host ${bareHost(url)})`;
  if (isPrivateAddress(bareHost(url)) && !policy.privateNetwork)
    return `host ${where} is a loopback or private address, which this runtime does not call (its operator allows them with --allow-private-network)`;
  return null;
}

/**
 * Every rule a version's configuration breaks under the policy, each naming the rule and the
 * flag that would allow it; empty when it may run.
 */
export function policyProblems(config: AgentConfig, policy: EgressPolicy): string[] {
  const problems: string[] = [];
  if (config.provider === 'command') {
    const program = config.command?.[0] ?? '';
    if (!policy.commands.includes(program))
      problems.push(
        policy.commands.length === 0
          ? `the command provider is not allowed on this runtime: its operator allows programs one by one with --allow-command PATH (${program} is not one)`
          : `the command provider may run only ${policy.commands.join(', ')} on this runtime, not ${program} (--allow-command)`,
      );
  }
  const url = providerUrl(config);
  if (url) {
    const problem = urlProblem(url, policy);
    if (problem) problems.push(`base_url ${url.origin}: ${problem}`);
  }
  const key = keyName(config);
  if (key) {
    const bound = policy.keys[key];
    if (!url) problems.push(`key ${key} is named, but the ${config.provider} provider sends no key to any host`);
    else if (!bound?.length)
      problems.push(
        `key ${key} is bound to no host on this runtime, so it is never sent (its operator binds it with --bind-key ${key}=${bareHost(url)})`,
      );
    else if (!hostMatches(url, bound))
      problems.push(
        `key ${key} may be sent only to ${bound.join(', ')}, not to ${bareHost(url)}:${defaultPort(url)} (--bind-key)`,
      );
  }
  return problems;
}
