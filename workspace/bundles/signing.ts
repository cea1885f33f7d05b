import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseJsonWithin } from '../../shared/bounded-parse';
import { z } from 'zod';
import { BundleSignature, TrustedKey, type SignatureCheck } from '../../shared/bundle';
import { SlipwayError } from '../../shared/errors';
import { writeTransaction } from '../../shared/node/sqlite';
import { refuse } from '../../shared/node/bundle-archive';
import { userDataDir } from '../paths';
import { appendAudit } from '../audit/audit-log';
import { readSetting, writeSetting } from '../settings/values';
import type { Workspace } from '../workspace';

const TrustedKeys = z.array(TrustedKey);

/** Ed25519 keys for bundles: the user's own private key in their config folder, trusted public keys in the workspace. */

export function keyFingerprint(publicKeyBase64: string): string {
  return createHash('sha256').update(Buffer.from(publicKeyBase64, 'base64')).digest('hex').slice(0, 16);
}

function publicKeyOf(base64: string): KeyObject {
  return createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
}

export function trustedKeys(ws: Workspace): TrustedKey[] {
  return readSetting(ws, 'trusted-keys', TrustedKeys) ?? [];
}

export function trustKey(ws: Workspace, name: string, publicKey: string): TrustedKey {
  if (!name.trim()) throw new SlipwayError('invalid_input', 'give the key a name: who signs with it');
  try {
    if (publicKeyOf(publicKey).asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
  } catch {
    throw new SlipwayError(
      'invalid_input',
      'that is not an ed25519 public key (base64 of its SPKI DER, as `slipway keys generate` prints)',
    );
  }
  const key = { name: name.trim(), publicKey, fingerprint: keyFingerprint(publicKey) };
  writeTransaction(ws.db, () => {
    writeSetting(ws, 'trusted-keys', [...trustedKeys(ws).filter((existing) => existing.fingerprint !== key.fingerprint), key]);
    appendAudit(ws, {
      action: 'keys.trust',
      agentId: null,
      subject: `${key.name} (${key.fingerprint})`,
      after: { fingerprint: key.fingerprint },
    });
  });
  return key;
}

export function untrustKey(ws: Workspace, fingerprint: string): void {
  const key = trustedKeys(ws).find((existing) => existing.fingerprint === fingerprint);
  if (!key) throw new SlipwayError('not_found', `no trusted key has the fingerprint ${fingerprint}`);
  writeTransaction(ws.db, () => {
    writeSetting(
      ws,
      'trusted-keys',
      trustedKeys(ws).filter((existing) => existing.fingerprint !== fingerprint),
    );
    appendAudit(ws, { action: 'keys.untrust', agentId: null, subject: `${key.name} (${fingerprint})`, before: { fingerprint } });
  });
}

/** signature.json's bytes for a manifest. */
export function signManifest(manifestBytes: Buffer, privateKey: KeyObject): Buffer {
  const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).toString('base64');
  const signature = sign(null, manifestBytes, privateKey).toString('base64');
  return Buffer.from(`${JSON.stringify({ algorithm: 'ed25519', publicKey, signature } satisfies BundleSignature, null, 2)}\n`);
}

/** Who signed the manifest and whether this workspace trusts them; a signature that does not verify refuses the bundle. */
export function checkSignature(ws: Workspace, manifestBytes: Buffer, signatureBytes: Buffer | undefined): SignatureCheck {
  if (!signatureBytes) return { signed: false };
  let raw: unknown = null;
  try {
    raw = parseJsonWithin(signatureBytes.toString('utf8'), 64 * 1024, 'signature.json');
  } catch (error) {
    throw refuse((error as Error).message);
  }
  const body = BundleSignature.safeParse(raw);
  if (!body.success) throw refuse('signature.json is not a signature Slipway reads');
  let valid = false;
  try {
    valid = verify(null, manifestBytes, publicKeyOf(body.data.publicKey), Buffer.from(body.data.signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) throw refuse('the signature does not match the manifest: the bundle was changed after it was signed');
  const fingerprint = keyFingerprint(body.data.publicKey);
  const trusted = trustedKeys(ws).find((key) => key.fingerprint === fingerprint) ?? null;
  return {
    signed: true,
    fingerprint,
    publicKey: body.data.publicKey,
    trusted: trusted !== null,
    trustedAs: trusted?.name ?? null,
  };
}

/** Where `slipway keys generate` keeps the private key: the user's config folder, never a workspace. */
function signingKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(userDataDir(env), 'keys', 'bundle-signing.pem');
}

export function generateSigningKey(env: NodeJS.ProcessEnv = process.env): {
  publicKey: string;
  fingerprint: string;
  path: string;
} {
  const path = signingKeyPath(env);
  if (existsSync(path))
    throw new SlipwayError('invalid_input', `a signing key already exists at ${path}; move it away to make a new one`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const encoded = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { publicKey: encoded, fingerprint: keyFingerprint(encoded), path };
}

export function signingKey(env: NodeJS.ProcessEnv = process.env): KeyObject {
  const path = signingKeyPath(env);
  if (!existsSync(path))
    throw new SlipwayError('invalid_input', `no signing key: make one with \`slipway keys generate\` (kept at ${path})`);
  return createPrivateKey(readFileSync(path));
}

/** The public half of the user's signing key, or null when they have none. */
export function ownPublicKey(
  env: NodeJS.ProcessEnv = process.env,
): { publicKey: string; fingerprint: string; path: string } | null {
  const path = signingKeyPath(env);
  if (!existsSync(path)) return null;
  const publicKey = createPublicKey(signingKey(env)).export({ type: 'spki', format: 'der' }).toString('base64');
  return { publicKey, fingerprint: keyFingerprint(publicKey), path };
}
