import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { BUNDLE_FORMAT, BUNDLE_VERSION, BundleManifest, BundleSignature, LIMITS, versionEntry, type BundledVersion } from '../../shared/bundle';
import { SlipwayError } from '../../shared/errors';
import { canonicalManifest } from '../../shared/manifest';
import { nodeSha256 } from '../../shared/node/sha256';
import { writeTransaction } from '../../shared/node/sqlite';
import { parseRef } from '../../shared/ref';
import { sql } from './statements';
import { appendAudit } from './store/audit-log';
import { listLabels } from './store/labels';
import { requireAgent, resolveVersion, versionById, versionFiles } from './store/lookup';
import { importVersion } from './store/versions';
import { readSetting, writeSetting } from './store/targets';
import { userDataDir } from './paths';
import type { Workspace } from './workspace';

const MANIFEST = 'manifest.json';
const SIGNATURE = 'signature.json';

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function keyFingerprint(publicKeyBase64: string): string {
  return sha256(Buffer.from(publicKeyBase64, 'base64')).slice(0, 16);
}

/** The versions named by refs, oldest first per agent, with everything a bundle carries. */
function collect(ws: Workspace, refs: string[]): { versions: BundledVersion[]; files: Map<string, string> } {
  const files = new Map<string, string>();
  const seen = new Set<string>();
  const versions: BundledVersion[] = [];
  for (const text of refs) {
    const ref = parseRef(text);
    if (ref.selector.kind === 'draft') throw new SlipwayError('invalid_input', `${text}: the draft cannot be exported; snapshot it first`);
    const { agent, version } = resolveVersion(ws, ref);
    if (seen.has(version.hash)) continue;
    seen.add(version.hash);
    const contents = versionFiles(ws, version.id);
    for (const [name, content] of Object.entries(contents)) files.set(versionEntry(agent.name, version.semver, name), content);
    versions.push({
      agent: agent.name,
      semver: version.semver,
      hash: version.hash,
      parent: version.parent_id === null ? null : versionById(ws, version.parent_id).semver,
      author: version.author,
      message: version.message,
      bump: (version.bump as BundledVersion['bump']) ?? null,
      createdAt: version.created_at,
      files: Object.keys(contents).sort(),
    });
  }
  versions.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return { versions, files };
}

/** One .slipway file: the versions' files, a manifest of every entry's sha256, and optionally a signature. */
export async function exportBundle(ws: Workspace, refs: string[], options: { signWith?: KeyObject } = {}): Promise<Buffer> {
  if (refs.length === 0) throw new SlipwayError('invalid_input', 'name at least one version to export (AGENT@1.2.0)');
  const { versions, files } = collect(ws, refs);
  const agents = [...new Set(versions.map((version) => version.agent))];
  const exported = new Set(versions.map((version) => `${version.agent}@${version.semver}`));
  const manifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: ws.now(),
    exportedFrom: { workspace: basename(ws.dir), author: ws.identity().author },
    versions,
    labels: agents.flatMap((agent) => listLabels(ws, agent).filter((label) => exported.has(`${agent}@${label.semver}`)).map((label) => ({ agent, label: label.name, semver: label.semver }))),
    entries: [...files.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([path, content]) => ({ path, sha256: sha256(content), size: Buffer.byteLength(content) })),
  } satisfies BundleManifest;
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const zip = new yazl.ZipFile();
  zip.addBuffer(manifestBytes, MANIFEST);
  if (options.signWith) {
    const publicKey = createPublicKey(options.signWith).export({ type: 'spki', format: 'der' }).toString('base64');
    const signature = sign(null, manifestBytes, options.signWith).toString('base64');
    zip.addBuffer(Buffer.from(`${JSON.stringify({ algorithm: 'ed25519', publicKey, signature }, null, 2)}\n`), SIGNATURE);
  }
  for (const [path, content] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) zip.addBuffer(Buffer.from(content), path);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function refuse(message: string): SlipwayError {
  return new SlipwayError('invalid_files', message);
}

/** Every entry of a zip, checked as it is read: names, links, duplicates, sizes and ratios. Nothing else is trusted. */
export async function readEntries(data: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(data, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true }, (error, opened) => (error || !opened ? reject(refuse(`not a bundle: ${error?.message ?? 'unreadable'}`)) : resolve(opened))),
  );
  const entries = new Map<string, Buffer>();
  let total = 0;
  return new Promise((resolve, reject) => {
    const fail = (error: SlipwayError) => {
      zip.close();
      reject(error);
    };
    zip.on('error', (error: Error) => fail(refuse(`not a bundle: ${error.message}`)));
    zip.on('end', () => resolve(entries));
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      if (name.endsWith('/')) return zip.readEntry();
      if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return fail(refuse(`${name}: an absolute path`));
      if (name.split('/').includes('..')) return fail(refuse(`${name}: a path outside the bundle`));
      if (((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000) return fail(refuse(`${name}: a symbolic link`));
      if (entries.has(name)) return fail(refuse(`${name}: the entry appears twice`));
      if (entry.uncompressedSize > LIMITS.entryBytes) return fail(refuse(`${name}: over 50 MiB`));
      if (total + entry.uncompressedSize > LIMITS.totalBytes) return fail(refuse('the bundle expands to over 500 MiB'));
      if (entry.uncompressedSize > 64 * 1024 && entry.uncompressedSize / Math.max(entry.compressedSize, 1) > LIMITS.ratio) return fail(refuse(`${name}: compressed more than 100:1`));
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) return fail(refuse(`${name}: cannot be read (${error?.message ?? 'no data'})`));
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > LIMITS.entryBytes) stream.destroy(refuse(`${name}: over 50 MiB`));
          else chunks.push(chunk);
        });
        stream.on('error', (streamError: Error) => fail(streamError instanceof SlipwayError ? streamError : refuse(`${name}: ${streamError.message}`)));
        stream.on('end', () => {
          total += size;
          entries.set(name, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}

export interface BundlePreview {
  manifest: BundleManifest;
  signature: { signed: false } | { signed: true; fingerprint: string; trusted: boolean; trustedAs: string | null };
  /** What an import would do: new versions, ones already here, and conflicts that refuse it. */
  plan: { add: string[]; present: string[]; conflicts: string[]; labels: string[] };
}

export interface TrustedKey {
  name: string;
  publicKey: string;
  fingerprint: string;
}

export function trustedKeys(ws: Workspace): TrustedKey[] {
  return readSetting<TrustedKey[]>(ws, 'trusted-keys') ?? [];
}

export function trustKey(ws: Workspace, name: string, publicKey: string): TrustedKey {
  try {
    createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new SlipwayError('invalid_input', 'that is not an ed25519 public key (base64 of its SPKI DER, as `slipway keys generate` prints)');
  }
  const key = { name, publicKey, fingerprint: keyFingerprint(publicKey) };
  writeTransaction(ws.db, () => {
    writeSetting(ws, 'trusted-keys', [...trustedKeys(ws).filter((existing) => existing.fingerprint !== key.fingerprint), key]);
    appendAudit(ws, { action: 'keys.trust', agentId: null, subject: `${name} (${key.fingerprint})`, after: { fingerprint: key.fingerprint } });
  });
  return key;
}

/** Reads a bundle whole and checks it — every hash, the manifest, the signature — and says what importing it would do. Writes nothing. */
export async function inspectBundle(ws: Workspace, data: Buffer): Promise<BundlePreview & { entries: Map<string, Buffer> }> {
  const entries = await readEntries(data);
  const manifestBytes = entries.get(MANIFEST);
  if (!manifestBytes) throw refuse('not a bundle: it has no manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(manifestBytes.toString('utf8'));
  } catch {
    throw refuse('manifest.json is not JSON');
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if ((raw as { format?: unknown } | null)?.format === BUNDLE_FORMAT && version !== BUNDLE_VERSION) throw refuse(`bundle format version ${String(version)} is not one this Slipway reads (it reads ${BUNDLE_VERSION})`);
  const parsed = BundleManifest.safeParse(raw);
  if (!parsed.success) throw refuse(`manifest.json: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'manifest'}: ${issue.message}`).join('; ')}`);
  const manifest = parsed.data;
  const listed = new Set(manifest.entries.map((entry) => entry.path));
  for (const name of entries.keys()) if (name !== MANIFEST && name !== SIGNATURE && !listed.has(name)) throw refuse(`${name}: an entry the manifest does not list`);
  for (const entry of manifest.entries) {
    const content = entries.get(entry.path);
    if (!content) throw refuse(`${entry.path}: listed in the manifest but missing`);
    if (sha256(content) !== entry.sha256) throw refuse(`${entry.path}: its sha256 does not match the manifest`);
  }
  for (const version of manifest.versions) {
    const files = Object.fromEntries(version.files.map((file) => [file, entries.get(versionEntry(version.agent, version.semver, file))?.toString('utf8') ?? '']));
    if (canonicalManifest(files, nodeSha256).hash !== version.hash) throw refuse(`${version.agent}@${version.semver}: its files do not hash to ${version.hash.slice(0, 12)}`);
  }
  let signature: BundlePreview['signature'] = { signed: false };
  const signatureBytes = entries.get(SIGNATURE);
  if (signatureBytes) {
    const body = BundleSignature.safeParse((() => { try { return JSON.parse(signatureBytes.toString('utf8')) as unknown; } catch { return null; } })());
    if (!body.success) throw refuse('signature.json is not a signature Slipway reads');
    let valid = false;
    try {
      valid = verify(null, manifestBytes, createPublicKey({ key: Buffer.from(body.data.publicKey, 'base64'), format: 'der', type: 'spki' }), Buffer.from(body.data.signature, 'base64'));
    } catch {
      valid = false;
    }
    if (!valid) throw refuse('the signature does not match the manifest: the bundle was changed after it was signed');
    const fingerprint = keyFingerprint(body.data.publicKey);
    const trusted = trustedKeys(ws).find((key) => key.fingerprint === fingerprint) ?? null;
    signature = { signed: true, fingerprint, trusted: trusted !== null, trustedAs: trusted?.name ?? null };
  }
  const plan: BundlePreview['plan'] = { add: [], present: [], conflicts: [], labels: [] };
  for (const version of manifest.versions) {
    const name = `${version.agent}@${version.semver}`;
    const agent = sql(ws.db, 'SELECT id FROM agents WHERE name = ?').get(version.agent) as { id: number } | undefined;
    const existing = agent ? (sql(ws.db, 'SELECT hash FROM versions WHERE agent_id = ? AND semver = ?').get(agent.id, version.semver) as { hash: string } | undefined) : undefined;
    if (!existing) plan.add.push(name);
    else if (existing.hash === version.hash) plan.present.push(name);
    else plan.conflicts.push(`${name} exists here with other content (${existing.hash.slice(0, 12)}, the bundle has ${version.hash.slice(0, 12)})`);
    if (version.parent && !manifest.versions.some((other) => other.agent === version.agent && other.semver === version.parent)) {
      const parentHere = agent ? sql(ws.db, 'SELECT 1 FROM versions WHERE agent_id = ? AND semver = ?').get(agent.id, version.parent) : undefined;
      if (!parentHere) plan.conflicts.push(`${name} was made from ${version.agent}@${version.parent}, which is neither in the bundle nor here`);
    }
  }
  plan.labels = manifest.labels.map((label) => `${label.agent} ${label.label} → ${label.semver}`);
  return { manifest, signature, plan, entries };
}

/** Imports a bundle all or nothing, in one transaction; a second import changes nothing and says so. */
export async function importBundle(ws: Workspace, data: Buffer, options: { requireTrusted?: boolean } = {}): Promise<BundlePreview> {
  const { entries, ...preview } = await inspectBundle(ws, data);
  if (preview.plan.conflicts.length > 0) throw new SlipwayError('conflict', `the import is refused, nothing was written:\n${preview.plan.conflicts.map((conflict) => `  - ${conflict}`).join('\n')}`);
  if (options.requireTrusted && !(preview.signature.signed && preview.signature.trusted)) throw new SlipwayError('forbidden', 'the bundle is not signed by a trusted key');
  if (preview.plan.add.length === 0) return preview;
  writeTransaction(ws.db, () => {
    for (const version of preview.manifest.versions) {
      if (!preview.plan.add.includes(`${version.agent}@${version.semver}`)) continue;
      const files = Object.fromEntries(version.files.map((file) => [file, entries.get(versionEntry(version.agent, version.semver, file))?.toString('utf8') ?? '']));
      importVersion(ws, version, files);
    }
    for (const label of preview.manifest.labels) {
      const agent = requireAgent(ws, label.agent);
      const current = sql(ws.db, 'SELECT version_id FROM labels WHERE agent_id = ? AND name = ?').get(agent.id, label.label) as { version_id: number } | undefined;
      if (current) continue;
      const target = sql(ws.db, 'SELECT id FROM versions WHERE agent_id = ? AND semver = ?').get(agent.id, label.semver) as { id: number };
      sql(ws.db, 'INSERT INTO labels (agent_id, name, version_id) VALUES (?, ?, ?)').run(agent.id, label.label, target.id);
      sql(ws.db, 'INSERT INTO label_moves (agent_id, label, from_version_id, to_version_id, actor, reason, at) VALUES (?, ?, NULL, ?, ?, ?, ?)').run(agent.id, label.label, target.id, ws.identity().author, 'imported from a bundle', ws.now());
    }
    appendAudit(ws, {
      action: 'bundle.import',
      agentId: null,
      subject: preview.plan.add.join(', '),
      after: { added: preview.plan.add, present: preview.plan.present, signed: preview.signature.signed ? preview.signature.fingerprint : null, from: preview.manifest.exportedFrom },
    });
  });
  return preview;
}

/** Where `slipway keys generate` keeps the private key: the user's config folder, never a workspace. */
export function signingKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(userDataDir(env), 'keys', 'bundle-signing.pem');
}

export function generateSigningKey(env: NodeJS.ProcessEnv = process.env): { publicKey: string; fingerprint: string; path: string } {
  const path = signingKeyPath(env);
  if (existsSync(path)) throw new SlipwayError('invalid_input', `a signing key already exists at ${path}; move it away to make a new one`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const encoded = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { publicKey: encoded, fingerprint: keyFingerprint(encoded), path };
}

export function signingKey(env: NodeJS.ProcessEnv = process.env): KeyObject {
  const path = signingKeyPath(env);
  if (!existsSync(path)) throw new SlipwayError('invalid_input', `no signing key: make one with \`slipway keys generate\` (kept at ${path})`);
  return createPrivateKey(readFileSync(path));
}
