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
export function envSecrets(env: Record<string, string | undefined>): SecretStore {
  return { get: (name) => env[`SLIPWAY_KEY_${name}`] };
}

export function memorySecrets(values: Record<string, string>): SecretStore {
  return { get: (name) => values[name] };
}

/** Removes any secret value from a text (an error body echoing a key, say). */
export function redact(text: string, values: Array<string | undefined>): string {
  return values
    .filter((value): value is string => typeof value === 'string' && value.length >= 4)
    .reduce((result, value) => result.split(value).join('[redacted]'), text);
}
