import { z } from 'zod';
import { AGENT_FILES, isAgentFileName, normalizeLineEndings } from './agent-files';
import { AuthorName, Message, UNSAFE_TEXT } from './contract/common';
import { describeIssues, quoted } from './issues';
import { AgentName, LabelName, Semver } from './names';
import { formatDiagnostic, type FileRules, validateAgentFiles } from './validate-files';

/** A bundle: versions that travel as one verified file. The format is docs/bundle-format.md. */

export const BUNDLE_FORMAT = 'slipway-bundle';
export const BUNDLE_VERSION = 1;

/** Refusal limits: no entry over 50 MiB, no more than 500 MiB expanded, no entry compressed over 100:1. */
export const LIMITS = { entryBytes: 50 * 1024 * 1024, totalBytes: 500 * 1024 * 1024, ratio: 100 } as const;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lower-case hex digits');

export const BundledVersion = z.object({
  agent: AgentName,
  semver: Semver,
  hash: Sha256,
  /** The semver of the version it was made from, in the same agent; null for a first version. */
  parent: Semver.nullable(),
  author: z.string(),
  message: z.string(),
  bump: z.enum(['major', 'minor', 'patch']).nullable(),
  createdAt: z.string(),
  /** Its files, each an entry at versions/<agent>/<semver>/<name>. */
  files: z.array(z.string().min(1).max(200)).max(32),
});
export type BundledVersion = z.infer<typeof BundledVersion>;

/** Evidence that travels with versions: the agent's suites, and runs and comparison reports of the bundled versions. */
export const EvidenceKind = z.enum(['suite', 'run', 'comparison']);
export type EvidenceKind = z.infer<typeof EvidenceKind>;

export const BundledEvidence = z.object({
  kind: EvidenceKind,
  agent: AgentName,
  /** Its entry: evidence/<agent>/suites/<name>.yaml, …/runs/<id>.json or …/comparisons/<id>.html. */
  path: z.string().min(1),
  title: z.string(),
  /** The bundled versions it concerns (none for a suite: it concerns the agent). */
  versions: z.array(Semver),
});
export type BundledEvidence = z.infer<typeof BundledEvidence>;

export const BundleManifest = z.object({
  format: z.literal(BUNDLE_FORMAT, `not a Slipway bundle (its manifest's format is not "${BUNDLE_FORMAT}")`),
  version: z.int(),
  createdAt: z.string(),
  exportedFrom: z.object({
    workspace: z
      .string()
      .max(200)
      .refine((text) => !UNSAFE_TEXT.test(text), 'the workspace name holds control characters'),
    author: z
      .string()
      .max(200)
      .refine((text) => !UNSAFE_TEXT.test(text), 'the author holds control characters'),
  }),
  versions: z.array(BundledVersion),
  /** Labels of the exported agents, and which semver each pointed at. */
  labels: z.array(z.object({ agent: AgentName, label: LabelName, semver: Semver })),
  evidence: z.array(BundledEvidence).default([]),
  /** Every entry but manifest.json and signature.json, with its sha256 and size. */
  entries: z.array(z.object({ path: z.string().min(1), sha256: Sha256, size: z.int().min(0) })),
});
export type BundleManifest = z.infer<typeof BundleManifest>;

/** signature.json: an ed25519 signature over the exact bytes of manifest.json. */
export const BundleSignature = z.object({
  algorithm: z.literal('ed25519'),
  /** The signer's public key, base64 of its DER (SPKI) encoding. */
  publicKey: z.string().min(1),
  signature: z.string().min(1),
});
export type BundleSignature = z.infer<typeof BundleSignature>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The parts of a bundled version a schema refuses, each said of the version by name. */
function fieldProblems(name: string, version: BundledVersion): string[] {
  const problems: string[] = [];
  const message = Message.safeParse(version.message);
  if (!message.success) problems.push(`${name}: its message: ${describeIssues(message.error)}`);
  const author = AuthorName.safeParse(version.author);
  if (!author.success) problems.push(`${name}: its author: ${describeIssues(author.error)}`);
  if (!z.iso.datetime({ offset: true }).safeParse(version.createdAt).success)
    problems.push(`${name}: its time ${quoted(version.createdAt)} is not an ISO 8601 date and time`);
  return problems;
}

/**
 * A bundled version's files as text and every rule it breaks — the same rules a snapshot made
 * here obeys: file names, required files and their schemas, UTF-8, LF line endings, a message
 * and an author. A version with any problem is not imported.
 */
export function readBundledVersion(
  version: BundledVersion,
  entries: ReadonlyMap<string, Uint8Array>,
  rules: Pick<FileRules, 'schemaProblems'> = {},
): { files: Record<string, string>; problems: string[] } {
  const name = `${version.agent}@${version.semver}`;
  const problems = fieldProblems(name, version);
  const files: Record<string, string> = {};
  for (const file of version.files) {
    const path = versionEntry(version.agent, version.semver, file);
    const content = entries.get(path);
    if (!isAgentFileName(file))
      problems.push(`${name}: ${quoted(file)} is not an agent file: allowed files are ${AGENT_FILES.join(', ')}`);
    else if (file in files) problems.push(`${name}: ${quoted(file)} is listed twice`);
    else if (!content) problems.push(`${name}: ${quoted(file)} is listed but the bundle has no entry ${quoted(path)}`);
    else {
      let text: string;
      try {
        text = utf8.decode(content);
      } catch {
        problems.push(`${name}: ${quoted(file)} is not UTF-8 text`);
        continue;
      }
      if (normalizeLineEndings(text) !== text)
        problems.push(`${name}: ${quoted(file)} has CR line endings (a version stores LF)`);
      files[file] = text;
    }
  }
  for (const diagnostic of validateAgentFiles(files, { ...rules, agent: version.agent }))
    problems.push(`${name}: ${formatDiagnostic(diagnostic)}`);
  return { files, problems };
}

export function versionEntry(agent: string, semver: string, file: string): string {
  return `versions/${agent}/${semver}/${file}`;
}

export function evidencePath(kind: EvidenceKind, agent: string, name: string): string {
  const extension = { suite: 'yaml', run: 'json', comparison: 'html' }[kind];
  return `evidence/${agent}/${kind === 'suite' ? 'suites' : `${kind}s`}/${name}.${extension}`;
}

export const TrustedKey = z.object({ name: z.string(), publicKey: z.string(), fingerprint: z.string() });
export type TrustedKey = z.infer<typeof TrustedKey>;

/** Who signed a bundle, checked: a signature that does not verify never gets this far. */
export const SignatureCheck = z.discriminatedUnion('signed', [
  z.object({ signed: z.literal(false) }),
  z.object({
    signed: z.literal(true),
    fingerprint: z.string(),
    publicKey: z.string(),
    trusted: z.boolean(),
    trustedAs: z.string().nullable(),
  }),
]);
export type SignatureCheck = z.infer<typeof SignatureCheck>;

/** A checked bundle and what importing it would do; nothing is written to make one. */
export const BundlePreview = z.object({
  manifest: BundleManifest,
  /** The sha256 of manifest.json's bytes: an import can insist on the bundle that was previewed. */
  manifestSha256: z.string(),
  signature: SignatureCheck,
  plan: z.object({
    /** AGENT@SEMVER new here, and already here with the same content. */
    add: z.array(z.string()),
    present: z.array(z.string()),
    /** Each one refuses the whole import. */
    conflicts: z.array(z.string()),
    /** "AGENT LABEL → SEMVER" for labels the bundle sets where this workspace has none of that name. */
    labels: z.array(z.string()),
    evidence: z.object({ add: z.array(z.string()), present: z.array(z.string()) }),
  }),
});
export type BundlePreview = z.infer<typeof BundlePreview>;

/** Versions ordered so that each comes after its parent (when the parent is among them); null when parents form a cycle. */
export function parentsFirst<V extends Pick<BundledVersion, 'agent' | 'semver' | 'parent'>>(versions: V[]): V[] | null {
  const key = (agent: string, semver: string) => `${agent}@${semver}`;
  const present = new Set(versions.map((version) => key(version.agent, version.semver)));
  const children = new Map<string, V[]>();
  const ordered: V[] = [];
  for (const version of versions) {
    const parent = version.parent === null ? null : key(version.agent, version.parent);
    if (parent === null || !present.has(parent)) ordered.push(version);
    else children.set(parent, [...(children.get(parent) ?? []), version]);
  }
  // Breadth first from the roots: every version is placed after its parent, once.
  for (let next = 0; next < ordered.length; next += 1) {
    const version = ordered[next];
    if (version) ordered.push(...(children.get(key(version.agent, version.semver)) ?? []));
  }
  return ordered.length === versions.length ? ordered : null;
}

/** A run or comparison report that came with a bundle: evidence made elsewhere, shown as such. */
export const ImportedEvidence = z.object({
  id: z.int(),
  kind: z.enum(['run', 'comparison']),
  title: z.string(),
  versions: z.array(z.string()),
  source: z.object({ workspace: z.string(), author: z.string(), exportedAt: z.string(), signedBy: z.string().nullable() }),
  importedAt: z.string(),
});
export type ImportedEvidence = z.infer<typeof ImportedEvidence>;

/** The user's own signing key (its public half) and the keys this workspace trusts. */
export const SigningKeys = z.object({
  own: z.object({ publicKey: z.string(), fingerprint: z.string(), path: z.string() }).nullable(),
  trusted: z.array(TrustedKey),
});
export type SigningKeys = z.infer<typeof SigningKeys>;

/** The largest .slipway file the app's window takes (it reads the file whole in the page). */
export const MAX_APP_BUNDLE_BYTES = 64 * 1024 * 1024;
/** The largest .slipway file any client passes through the contract (the CLI's limit). */
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;
