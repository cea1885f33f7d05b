import { z } from 'zod';
import { recordOrigin } from './trust';
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { basename } from 'node:path';
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  BundleManifest,
  LIMITS,
  parentsFirst,
  readBundledVersion,
  versionEntry,
  type BundledVersion,
  type BundlePreview,
} from '../../shared/bundle';
import { SlipwayError } from '../../shared/errors';
import { canonicalManifest } from '../../shared/manifest';
import { nodeSha256 } from '../../shared/node/sha256';
import { writeTransaction } from '../../shared/node/sqlite';
import { parseRef, type Ref } from '../../shared/ref';
import { compareSemver } from '../../shared/semver';
import { readBundleEntries, refuse, writeFolder, zipEntries } from '../../shared/node/bundle-archive';
import { collectEvidence, importEvidence, planEvidence } from './evidence';
import { checkSignature, keyFingerprint, signManifest } from './signing';
import { sql, typed } from '../statements';
import { appendAudit } from '../audit/audit-log';
import { listLabels, setLabel } from '../versions/labels';
import { findAgent, requireAgent, resolveVersion, versionById, versionFiles, type VersionRow } from '../lookup';
import { importVersion, listVersions } from '../versions/versions';
import { schemaProblems } from '../../shared/node/json-schema-rules';
import type { Workspace } from '../workspace';
import { clip, describeIssues, quoted } from '../../shared/issues';
import { parseJsonWithin } from '../../shared/bounded-parse';

const HashRow = z.object({ hash: z.string() });

/** Bundles: versions exported as one verified file (or a plain folder) and imported all or nothing. The format is docs/bundle-format.md. */

const MANIFEST = 'manifest.json';
const SIGNATURE = 'signature.json';

export interface ExportOptions {
  /** Every version of the agents named (refs are then agent names). */
  history?: boolean;
  /** The agents' suites, and the runs and comparison reports of the exported versions. */
  evidence?: boolean;
  signWith?: KeyObject;
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function refsToExport(ws: Workspace, refs: string[], history: boolean): Ref[] {
  if (!history) return refs.map((text) => parseRef(text));
  return refs.flatMap((agent) => {
    if (agent.includes('@'))
      throw new SlipwayError('invalid_input', `${agent}: with --history, name agents (the whole history of each is exported)`);
    return listVersions(ws, agent).map(
      (version) => ({ agent, selector: { kind: 'semver', semver: version.semver } }) satisfies Ref,
    );
  });
}

/** The versions named by refs and their ancestors, oldest first, with everything a bundle carries. */
function collect(ws: Workspace, refs: Ref[]): { versions: BundledVersion[]; files: Map<string, string> } {
  const files = new Map<string, string>();
  const versions = new Map<string, BundledVersion>();
  for (const ref of refs) {
    if (ref.selector.kind === 'draft')
      throw new SlipwayError('invalid_input', `${ref.agent}@draft: the draft cannot be exported; snapshot it first`);
    const { agent, version: named } = resolveVersion(ws, ref);
    // A version travels with its ancestors, so that its parent is there wherever it lands.
    for (
      let version: VersionRow | null = named;
      version && !versions.has(`${agent.name}@${version.semver}`);
      version = version.parent_id === null ? null : versionById(ws, version.parent_id)
    ) {
      const contents = versionFiles(ws, version.id);
      for (const [name, content] of Object.entries(contents)) files.set(versionEntry(agent.name, version.semver, name), content);
      versions.set(`${agent.name}@${version.semver}`, {
        agent: agent.name,
        semver: version.semver,
        hash: version.hash,
        parent: version.parent_id === null ? null : versionById(ws, version.parent_id).semver,
        author: version.author,
        message: version.message,
        bump: version.bump,
        createdAt: version.created_at,
        files: Object.keys(contents).sort(),
      });
    }
  }
  const bySemver = [...versions.values()].sort((a, b) => a.agent.localeCompare(b.agent) || compareSemver(a.semver, b.semver));
  return { versions: parentsFirst(bySemver) ?? bySemver, files };
}

/** manifest.json's bytes and every other entry of a bundle of these versions, and the versions (AGENT@SEMVER). */
function bundleContent(
  ws: Workspace,
  refTexts: string[],
  options: ExportOptions,
): { entries: Array<[string, Buffer]>; versions: string[] } {
  if (refTexts.length === 0) throw new SlipwayError('invalid_input', 'name at least one version to export (AGENT@1.2.0)');
  const { versions, files } = collect(ws, refsToExport(ws, refTexts, options.history ?? false));
  const evidence = options.evidence ? collectEvidence(ws, versions) : [];
  for (const piece of evidence) files.set(piece.item.path, piece.content);
  const agents = [...new Set(versions.map((version) => version.agent))];
  const exported = new Set(versions.map((version) => `${version.agent}@${version.semver}`));
  const sorted = [...files.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, content]): [string, Buffer] => [path, Buffer.from(content)]);
  const manifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: ws.now(),
    exportedFrom: { workspace: basename(ws.dir), author: ws.identity().author },
    versions,
    labels: agents.flatMap((agent) =>
      listLabels(ws, agent)
        .filter((label) => exported.has(`${agent}@${label.semver}`))
        .map((label) => ({ agent, label: label.name, semver: label.semver })),
    ),
    evidence: evidence.map((piece) => piece.item),
    entries: sorted.map(([path, content]) => ({ path, sha256: sha256(content), size: content.length })),
  } satisfies BundleManifest;
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  // Who took what out of the workspace is part of its history, like every other action.
  writeTransaction(ws.db, () =>
    appendAudit(ws, {
      action: 'bundle.export',
      agentId: agents.length === 1 ? requireAgent(ws, agents[0] ?? '').id : null,
      subject: versions.map((version) => `${version.agent}@${version.semver}`).join(', '),
      after: {
        versions: versions.length,
        evidence: evidence.length,
        signed: options.signWith
          ? keyFingerprint(createPublicKey(options.signWith).export({ type: 'spki', format: 'der' }).toString('base64'))
          : null,
        manifestSha256: sha256(manifestBytes),
      },
    }),
  );
  const signature: Array<[string, Buffer]> = options.signWith ? [[SIGNATURE, signManifest(manifestBytes, options.signWith)]] : [];
  return {
    entries: [[MANIFEST, manifestBytes], ...signature, ...sorted],
    versions: versions.map((version) => `${version.agent}@${version.semver}`),
  };
}

/** One .slipway file: the versions' files, a manifest of every entry's sha256, and optionally a signature. */
export async function exportBundle(
  ws: Workspace,
  refs: string[],
  options: ExportOptions = {},
): Promise<{ data: Buffer; versions: string[] }> {
  const { entries, versions } = bundleContent(ws, refs, options);
  return { data: await zipEntries(entries), versions };
}

/** The same content as plain files (manifest.json and versions/<agent>/<semver>/…): it reviews well in a pull request. */
export function exportFolder(ws: Workspace, refs: string[], dir: string, options: ExportOptions = {}): string[] {
  const { entries } = bundleContent(ws, refs, options);
  writeFolder(dir, entries);
  return entries.map(([path]) => path);
}

function parseManifest(bytes: Buffer): BundleManifest {
  let raw: unknown;
  try {
    raw = parseJsonWithin(bytes.toString('utf8'), LIMITS.entryBytes, 'manifest.json');
  } catch (error) {
    throw refuse((error as Error).message);
  }
  const fields = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  if (fields.format === BUNDLE_FORMAT && fields.version !== BUNDLE_VERSION)
    throw refuse(
      `bundle format version ${clip(String(fields.version), 20)} is not one this Slipway reads (it reads ${BUNDLE_VERSION})`,
    );
  const parsed = BundleManifest.safeParse(raw);
  if (!parsed.success) throw refuse(`manifest.json: ${describeIssues(parsed.error, { root: 'manifest' })}`);
  return parsed.data;
}

/** Every bundled version's files, each checked by the rules a snapshot obeys; any problem refuses the whole bundle. */
function readVersions(manifest: BundleManifest, entries: Map<string, Buffer>): Map<BundledVersion, Record<string, string>> {
  const read = new Map<BundledVersion, Record<string, string>>();
  const problems: string[] = [];
  for (const version of manifest.versions) {
    const { files, problems: found } = readBundledVersion(version, entries, { schemaProblems });
    problems.push(...found);
    if (found.length === 0 && canonicalManifest(files, nodeSha256).hash !== version.hash)
      problems.push(`${version.agent}@${version.semver}: its files do not hash to ${version.hash.slice(0, 12)}`);
    read.set(version, files);
  }
  if (problems.length > 0) {
    const most = 10;
    const more = problems.length > most ? `; and ${problems.length - most} more` : '';
    throw refuse(`the bundle's versions break the rules a version made here obeys: ${problems.slice(0, most).join('; ')}${more}`);
  }
  return read;
}

/** What importing would do to this workspace's versions and labels. */
function planVersions(ws: Workspace, manifest: BundleManifest): Omit<BundlePreview['plan'], 'evidence'> {
  const plan = { add: [] as string[], present: [] as string[], conflicts: [] as string[], labels: [] as string[] };
  const idOf = (agent: string) => findAgent(ws, agent)?.id;
  const hashHere = (agentId: number | undefined, semver: string) =>
    agentId === undefined
      ? undefined
      : typed(ws.db, HashRow, 'SELECT hash FROM versions WHERE agent_id = ? AND semver = ?').get(agentId, semver)?.hash;
  const bundled = new Set(manifest.versions.map((version) => `${version.agent}@${version.semver}`));
  for (const version of manifest.versions) {
    const name = `${version.agent}@${version.semver}`;
    const agentId = idOf(version.agent);
    const existing = hashHere(agentId, version.semver);
    if (existing === undefined) plan.add.push(name);
    else if (existing === version.hash) plan.present.push(name);
    else
      plan.conflicts.push(
        `${name} exists here with other content (${existing.slice(0, 12)}; the bundle has ${version.hash.slice(0, 12)})`,
      );
    const parentBundled = version.parent !== null && bundled.has(`${version.agent}@${version.parent}`);
    if (version.parent && !parentBundled && hashHere(agentId, version.parent) === undefined)
      plan.conflicts.push(`${name} was made from ${version.agent}@${version.parent}, which is neither in the bundle nor here`);
  }
  const names = manifest.versions.map((version) => `${version.agent}@${version.semver}`);
  for (const twice of new Set(names.filter((name, index) => names.indexOf(name) !== index)))
    plan.conflicts.push(`${twice} appears twice in the bundle`);
  if (parentsFirst(manifest.versions) === null) plan.conflicts.push('the versions name each other as parents in a cycle');
  for (const label of manifest.labels) {
    if (!bundled.has(`${label.agent}@${label.semver}`))
      plan.conflicts.push(`label ${label.label} of ${label.agent} points at ${label.semver}, which is not in the bundle`);
    const agentId = idOf(label.agent);
    const here =
      agentId === undefined
        ? undefined
        : sql(ws.db, 'SELECT 1 FROM labels WHERE agent_id = ? AND name = ?').get(agentId, label.label);
    if (!here) plan.labels.push(`${label.agent} ${label.label} → ${label.semver}`);
  }
  return plan;
}

/** Reads a bundle whole and checks it — every hash, the manifest, the signature, the evidence — and says what importing it would do. Writes nothing. */
async function checkBundle(
  ws: Workspace,
  source: Buffer | string,
): Promise<{ preview: BundlePreview; entries: Map<string, Buffer>; files: Map<BundledVersion, Record<string, string>> }> {
  const entries = await readBundleEntries(source);
  const manifestBytes = entries.get(MANIFEST);
  if (!manifestBytes) throw refuse('not a bundle: it has no manifest.json');
  const manifest = parseManifest(manifestBytes);
  const listed = new Set(manifest.entries.map((entry) => entry.path));
  for (const name of entries.keys())
    if (name !== MANIFEST && name !== SIGNATURE && !listed.has(name))
      throw refuse(`${name}: an entry the manifest does not list`);
  for (const entry of manifest.entries) {
    const content = entries.get(entry.path);
    if (!content) throw refuse(`${quoted(entry.path)}: listed in the manifest but missing`);
    if (sha256(content) !== entry.sha256) throw refuse(`${entry.path}: its sha256 does not match the manifest`);
    if (content.length !== entry.size)
      throw refuse(`${quoted(entry.path)}: the manifest says ${entry.size} bytes, the entry holds ${content.length}`);
  }
  const files = readVersions(manifest, entries);
  const signature = checkSignature(ws, manifestBytes, entries.get(SIGNATURE));
  const plan = { ...planVersions(ws, manifest), evidence: planEvidence(ws, manifest, entries) };
  return { preview: { manifest, manifestSha256: sha256(manifestBytes), signature, plan }, entries, files };
}

export async function inspectBundle(ws: Workspace, source: Buffer | string): Promise<BundlePreview> {
  return (await checkBundle(ws, source)).preview;
}

export interface ImportOptions {
  requireTrusted?: boolean;
  /** Refuse unless the bundle is the one previewed (its manifest's sha256). */
  expectManifest?: string;
}

/** Imports a bundle all or nothing, in one transaction; a second import changes nothing and says so. */
export async function importBundle(ws: Workspace, source: Buffer | string, options: ImportOptions = {}): Promise<BundlePreview> {
  const { preview, entries, files } = await checkBundle(ws, source);
  const { plan, manifest, signature } = preview;
  if (options.expectManifest && options.expectManifest !== preview.manifestSha256)
    throw new SlipwayError('conflict', 'this is not the bundle that was previewed: preview it again');
  if (plan.conflicts.length > 0)
    throw new SlipwayError(
      'conflict',
      `the import is refused, nothing was written:\n${plan.conflicts.map((conflict) => `  - ${conflict}`).join('\n')}`,
    );
  if (options.requireTrusted && !(signature.signed && signature.trusted))
    throw new SlipwayError(
      'check_failed',
      signature.signed
        ? `the bundle is signed by ${signature.fingerprint}, a key this workspace does not trust`
        : 'the bundle is not signed, and a trusted signature is required',
    );
  if (plan.add.length === 0 && plan.labels.length === 0 && plan.evidence.add.length === 0) return preview;
  writeTransaction(ws.db, () => {
    const adding = new Set(plan.add);
    const versionIds: number[] = [];
    for (const version of parentsFirst(manifest.versions) ?? []) {
      if (adding.has(`${version.agent}@${version.semver}`)) versionIds.push(importVersion(ws, version, files.get(version) ?? {}));
    }
    for (const label of manifest.labels) {
      if (plan.labels.includes(`${label.agent} ${label.label} → ${label.semver}`))
        setLabel(ws, { agent: label.agent, label: label.label, ref: label.semver, reason: 'imported from a bundle' });
    }
    const signer = signature.signed ? signature.fingerprint : null;
    const { suiteRevisionIds } = importEvidence(ws, manifest, entries, signer);
    // What came from elsewhere carries where from: it runs like the workspace's own only once trusted.
    recordOrigin(ws, manifest, preview.manifestSha256, signer, { versionIds, suiteRevisionIds });
    appendAudit(ws, {
      action: 'bundle.import',
      agentId: null,
      subject: plan.add.length
        ? plan.add.join(', ')
        : `evidence for ${[...new Set(manifest.versions.map((version) => version.agent))].join(', ')}`,
      after: {
        added: plan.add,
        present: plan.present,
        labels: plan.labels,
        evidence: plan.evidence.add,
        signed: signature.signed ? signature.fingerprint : null,
        from: manifest.exportedFrom,
      },
    });
  });
  return preview;
}
