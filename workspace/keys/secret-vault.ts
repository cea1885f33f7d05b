import { existsSync, readFileSync } from 'node:fs';
import { writeJsonAtomic } from '../../shared/node/json-file';
import { z } from 'zod';
import type { KeyStorage } from '../../shared/contract/keys';
import { envKeyHosts } from '../../shared/engine/secrets';
import type { SecretStore } from '../../shared/engine/types';
import { SlipwayError } from '../../shared/errors';

const ENV_PREFIX = 'SLIPWAY_KEY_';

/**
 * The SecretStore the app's Node side keeps: values go in and never come back out, except to
 * the engine through `get`. The renderer sees names and where each value comes from.
 */
export interface SecretVault extends SecretStore {
  storage: KeyStorage;
  /** Every name with a value, and where that value comes from. */
  names(): Array<{ name: string; source: 'environment' | 'saved' | 'session' }>;
  set(name: string, value: string): void;
  remove(name: string): void;
}

/** Encryption by the OS keychain: Electron's safeStorage in the app. */
export interface Cipher {
  encrypt(text: string): Buffer;
  decrypt(data: Buffer): string;
}

function environmentNames(env: Record<string, string | undefined>): string[] {
  return Object.keys(env)
    .filter((key) => key.startsWith(ENV_PREFIX) && env[key])
    .map((key) => key.slice(ENV_PREFIX.length));
}

/**
 * Values entered here win over the environment; removing one shows the environment's again.
 * `stored` is where entered values live: memory, or an encrypted file.
 */
function layeredVault(
  env: Record<string, string | undefined>,
  stored: Map<string, string>,
  storage: KeyStorage,
  persist: () => void,
): SecretVault {
  const source = storage.persistent ? ('saved' as const) : ('session' as const);
  return {
    storage,
    get: (name) => stored.get(name) ?? env[`${ENV_PREFIX}${name}`],
    hostsFor: (name) => envKeyHosts(env, name),
    values: () => [
      ...stored.values(),
      ...environmentNames(env).flatMap((name) => {
        const value = env[`${ENV_PREFIX}${name}`];
        return value ? [value] : [];
      }),
    ],
    names: () => {
      const names = new Map<string, 'environment' | 'saved' | 'session'>(
        environmentNames(env).map((name) => [name, 'environment']),
      );
      for (const name of stored.keys()) names.set(name, source);
      return [...names].map(([name, from]) => ({ name, source: from })).sort((a, b) => a.name.localeCompare(b.name));
    },
    set: (name, value) => {
      stored.set(name, value);
      persist();
    },
    remove: (name) => {
      if (!stored.delete(name)) {
        const inEnvironment = env[`${ENV_PREFIX}${name}`] !== undefined;
        throw new SlipwayError(
          'not_found',
          inEnvironment ? `${name} comes from the environment (${ENV_PREFIX}${name}): unset it there` : `no key named ${name}`,
        );
      }
      persist();
    },
  };
}

/** Keys from the environment, plus keys entered for this session only: the browser host, the CLI, tests. */
export function sessionVault(env: Record<string, string | undefined>, note?: string): SecretVault {
  return layeredVault(
    env,
    new Map(),
    {
      kind: 'session',
      persistent: false,
      note:
        note ??
        `Keys entered here are held by the Slipway process for this session only and are gone when it stops; to keep one, set ${ENV_PREFIX}<NAME> in the environment that starts Slipway.`,
    },
    () => undefined,
  );
}

const VaultFile = z.object({ version: z.literal(1), keys: z.record(z.string(), z.string()) });

/**
 * Keys encrypted by the OS keychain (safeStorage) in a file of the app's user-data folder, each
 * value base64 ciphertext. Written to a temporary file and renamed, so a crash never leaves half
 * a file. A file that cannot be read is refused loudly, never overwritten.
 */
export function encryptedFileVault(
  file: string,
  cipher: Cipher,
  env: Record<string, string | undefined>,
  backend: string,
): SecretVault {
  const stored = new Map<string, string>();
  if (existsSync(file)) {
    let raw: unknown = null;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // Refused below, with the same words as any other foreign file.
    }
    const parsed = VaultFile.safeParse(raw);
    if (!parsed.success)
      throw new SlipwayError(
        'workspace',
        `the key file ${file} is not one Slipway wrote; move it away to start with no saved keys`,
      );
    for (const [name, data] of Object.entries(parsed.data.keys)) stored.set(name, cipher.decrypt(Buffer.from(data, 'base64')));
  }
  const persist = () => {
    const keys = Object.fromEntries([...stored].map(([name, value]) => [name, cipher.encrypt(value).toString('base64')]));
    writeJsonAtomic(file, { version: 1, keys }, 0o600);
  };
  return layeredVault(
    env,
    stored,
    {
      kind: 'safeStorage',
      persistent: true,
      note: `Keys are encrypted with the operating system's keychain (${backend}) and saved in Slipway's user-data folder; the workspace holds only their names.`,
    },
    persist,
  );
}
