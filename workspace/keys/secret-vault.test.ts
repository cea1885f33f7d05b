import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/workspace';
import { encryptedFileVault, sessionVault, type Cipher } from './secret-vault';

/** Stands in for the OS keychain, which these machines lack: a keyed byte rotation, reversible and opaque enough to test that no plaintext is written. */
const rotation: Cipher = {
  encrypt: (text) => Buffer.from(Buffer.from(text, 'utf8').map((byte) => (byte + 91) % 256)),
  decrypt: (data) => Buffer.from(data.map((byte) => (byte + 256 - 91) % 256)).toString('utf8'),
};

let folder: ReturnType<typeof tempDir>;
afterEach(() => folder?.cleanup());

describe('key vaults', () => {
  it('layers session values over the environment and lists names and sources only', () => {
    const vault = sessionVault({ SLIPWAY_KEY_OPENAI: 'from-env', PATH: '/bin', SLIPWAY_KEY_EMPTY: '' });
    expect(vault.storage).toMatchObject({ kind: 'session', persistent: false });
    expect(vault.names()).toEqual([{ name: 'OPENAI', source: 'environment' }]);
    vault.set('OPENAI', 'typed');
    vault.set('ANTHROPIC', 'typed-2');
    expect(vault.get('OPENAI')).toBe('typed');
    expect(vault.names()).toEqual([
      { name: 'ANTHROPIC', source: 'session' },
      { name: 'OPENAI', source: 'session' },
    ]);
    vault.remove('OPENAI');
    expect(vault.get('OPENAI')).toBe('from-env');
    expect(() => vault.remove('OPENAI')).toThrow(/comes from the environment/);
    expect(() => vault.remove('NOPE')).toThrow(/no key named NOPE/);
  });

  it('keeps saved keys encrypted in a file that survives a restart, and refuses a file it did not write', () => {
    folder = tempDir();
    const file = join(folder.dir, 'keys.json');
    const vault = encryptedFileVault(file, rotation, {}, 'test keyring');
    expect(vault.storage).toMatchObject({ kind: 'safeStorage', persistent: true });
    vault.set('OPENAI', 'sk-saved-secret-1');
    expect(readFileSync(file, 'utf8')).not.toContain('sk-saved-secret-1');
    expect(existsSync(`${file}.tmp`)).toBe(false);
    const reopened = encryptedFileVault(file, rotation, {}, 'test keyring');
    expect(reopened.get('OPENAI')).toBe('sk-saved-secret-1');
    expect(reopened.names()).toEqual([{ name: 'OPENAI', source: 'saved' }]);
    reopened.remove('OPENAI');
    expect(encryptedFileVault(file, rotation, {}, 'test keyring').names()).toEqual([]);

    writeFileSync(file, '{"keys": "not ours"}');
    expect(() => encryptedFileVault(file, rotation, {}, 'test keyring')).toThrow(/not one Slipway wrote/);
    expect(readFileSync(file, 'utf8')).toBe('{"keys": "not ours"}');
  });
});
