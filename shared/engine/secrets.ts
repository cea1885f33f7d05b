import { hostMatches } from '../release/policy';
import { EngineError, type SecretStore } from './types';

/** Reads a named secret or explains where to put it. The value never appears in the message. */
export function requireSecret(secrets: SecretStore, name: string): string {
  const value = secrets.get(name);
  if (!value)
    throw new EngineError(
      'config',
      `the secret ${name} has no value: set SLIPWAY_KEY_${name} in the environment (or add it in the app's Settings)`,
    );
  return value;
}

/** Secrets from the environment: SLIPWAY_KEY_<NAME>. The CLI, the browser host and the runtime use it. */
/** A key's hosts from the environment: SLIPWAY_KEY_HOSTS_<NAME>=api.openai.com,*.example.com. */
export function envKeyHosts(env: Record<string, string | undefined>, name: string): string[] | null {
  const listed = env[`SLIPWAY_KEY_HOSTS_${name}`];
  if (!listed) return null;
  return listed
    .split(',')
    .map((host) => host.trim())
    .filter((host) => host !== '');
}

/**
 * The key a provider sends to `url`, refused when the key is bound to other hosts: a key is
 * sent only where it was set for, whatever a version's base_url says.
 */
export function requireSecretFor(secrets: SecretStore, name: string, url: URL): string {
  const value = requireSecret(secrets, name);
  const hosts = secrets.hostsFor?.(name) ?? null;
  if (hosts && !hostMatches(url, [...hosts]))
    throw new EngineError(
      'config',
      `the key ${name} is bound to ${hosts.join(', ')}, and this version would send it to ${url.host}: bind it to that host too (Settings → Keys, or SLIPWAY_KEY_HOSTS_${name}) if that is meant`,
    );
  return value;
}

export function envSecrets(env: Record<string, string | undefined>): SecretStore {
  return {
    get: (name) => env[`SLIPWAY_KEY_${name}`],
    hostsFor: (name) => envKeyHosts(env, name),
    values: () => Object.entries(env).flatMap(([name, value]) => (name.startsWith('SLIPWAY_KEY_') && value ? [value] : [])),
  };
}

export function memorySecrets(values: Record<string, string>): SecretStore {
  return { get: (name) => values[name], values: () => Object.values(values) };
}

/** Values short enough to occur by chance are not secrets worth a scrub (and would shred ordinary text). */
const SCRUBBED_FROM = 4;

/** Removes any secret value from a text (an error body echoing a key, say). */
export function redact(text: string, values: Array<string | undefined>): string {
  return values
    .filter((value): value is string => typeof value === 'string' && value.length >= SCRUBBED_FROM)
    .reduce((result, value) => result.split(value).join('[redacted]'), text);
}

/**
 * What replaces every known secret by [redacted] wherever it occurs in a value (a result, an
 * event) — a program's stderr, an error message, a model's own output echoing a key back —
 * before it is stored or printed. Strings inside are matched as written and as JSON escapes
 * them. The values are read once: a run scrubs thousands of results with the keys it began with.
 */
export function secretScrubber(secrets: SecretStore): <T>(value: T) => T {
  const known = secrets.values().filter((secret) => secret.length >= SCRUBBED_FROM);
  const forms = known.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]);
  return <T>(value: T): T => {
    if (forms.length === 0) return value;
    const text = JSON.stringify(value);
    if (text === undefined || !forms.some((form) => text.includes(form))) return value;
    return JSON.parse(redact(text, forms)) as T;
  };
}

/** One value scrubbed of the secrets the store holds now. */
export function scrubSecrets<T>(value: T, secrets: SecretStore): T {
  return secretScrubber(secrets)(value);
}
