import safeRegex from 'safe-regex2';
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

/** Whether a dotted IPv4 address is one a runtime must not reach unless allowed: loopback, private, link-local, CGNAT, benchmarking, multicast, reserved. */
function privateV4(a: number, b: number): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

/** An IPv6 address as its eight 16-bit groups (an embedded dotted IPv4 read as the last two); null when it is not one. */
function ipv6Groups(text: string): number[] | null {
  let address = text;
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (dotted) {
    const bytes = dotted.slice(1).map(Number);
    if (bytes.some((byte) => byte > 255)) return null;
    const [a = 0, b = 0, c = 0, d = 0] = bytes;
    address = `${address.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const part = (half: string | undefined) => (half ? half.split(':') : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return null;
  return groups.map((group) => parseInt(group, 16));
}

/**
 * Loopback, private (RFC 1918, unique-local), link-local, unspecified, CGNAT, multicast and
 * reserved addresses, and localhost — in every spelling a URL may carry, IPv4 inside IPv6
 * included (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::, 6to4 2002::).
 */
export function isPrivateAddress(host: string): boolean {
  const name = host
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
  if (v4) return privateV4(Number(v4[1]), Number(v4[2]));
  if (!name.includes(':')) return false;
  const groups = ipv6Groups(name);
  // What cannot be read as an address is not called as one.
  if (!groups) return true;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const embedded = (high: number, low: number) => privateV4(high >> 8, high & 0xff) || (high === 0 && low === 0);
  const zeroTo = (count: number) => groups.slice(0, count).every((group) => group === 0);
  if (zeroTo(7) && g7 <= 1) return true; // :: and ::1
  if (zeroTo(5) && (g5 === 0xffff || g5 === 0)) return embedded(g6, g7) || g5 === 0; // mapped, compatible (deprecated: refused)
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return embedded(g6, g7); // NAT64
  if (g0 === 0x2002) return embedded(g1, g2); // 6to4
  return (g0 & 0xfe00) === 0xfc00 || (g0 & 0xffc0) === 0xfe80 || (g0 & 0xff00) === 0xff00; // unique-local, link-local, multicast
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
  // A mock rule's pattern runs on what callers send: one that can backtrack without end would freeze every agent.
  for (const rule of config.mock?.rules ?? [])
    if (rule.match !== undefined && !safeRegex(rule.match, { limit: 25 }))
      problems.push(
        `mock rule match /${rule.match.slice(0, 80)}/ nests repetition, which can take exponential time on what a caller sends: write it without a repeated group inside a repetition`,
      );
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
    else if (url.protocol === 'http:' && !isPrivateAddress(bareHost(url)))
      problems.push(
        `key ${key} would cross the network unencrypted to ${bareHost(url)}: a key goes to a public host over https only`,
      );
  }
  return problems;
}
