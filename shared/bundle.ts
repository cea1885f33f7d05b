import { z } from 'zod';
import { AgentName, LabelName, Semver } from './names';

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
  files: z.array(z.string().min(1)),
});
export type BundledVersion = z.infer<typeof BundledVersion>;

export const BundleManifest = z.object({
  format: z.literal(BUNDLE_FORMAT, `not a Slipway bundle (its manifest's format is not "${BUNDLE_FORMAT}")`),
  version: z.int(),
  createdAt: z.string(),
  exportedFrom: z.object({ workspace: z.string(), author: z.string() }),
  versions: z.array(BundledVersion),
  /** Labels of the exported agents, and which semver each pointed at. */
  labels: z.array(z.object({ agent: AgentName, label: LabelName, semver: Semver })),
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

export function versionEntry(agent: string, semver: string, file: string): string {
  return `versions/${agent}/${semver}/${file}`;
}
