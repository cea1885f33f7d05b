import { z } from 'zod';
import { AgentName } from '../names';
import { BundlePreview, ImportedEvidence, MAX_BUNDLE_BYTES, SigningKeys } from '../bundle';
import { Reason, RefText, method, query } from './common';

/** Bundles: .slipway files of versions (the format is shared/bundle.ts). */

const BundleBase64 = z
  .string()
  .min(1, 'the file is empty')
  .max(Math.ceil(MAX_BUNDLE_BYTES / 3) * 4, `the bundle is over ${MAX_BUNDLE_BYTES / 1024 / 1024} MiB`)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');

/** Where versions and suites that came in a bundle came from, and whether this workspace trusts it. */
export const BundleOrigin = z.object({
  manifestSha256: z.string(),
  workspace: z.string(),
  author: z.string(),
  exportedAt: z.string(),
  importedAt: z.string(),
  signedBy: z.string().nullable(),
  trusted: z.boolean(),
  /** "trusted on …" or "signed by …"; null while untrusted. */
  trustedBecause: z.string().nullable(),
  versions: z.array(z.string()),
  suites: z.array(z.string()),
});
export type BundleOrigin = z.infer<typeof BundleOrigin>;

/** What a run of something from an untrusted origin would do that needs the user's yes. */
export const RunNeedShape = z.object({ kind: z.enum(['command', 'key', 'host']), what: z.string(), by: z.string() });
export const RunCheck = z.object({ origin: BundleOrigin.nullable(), needs: z.array(RunNeedShape) });
export type RunCheck = z.infer<typeof RunCheck>;

/** What a run may do although its origin is untrusted: the user said yes (the app's dialog, the CLI's --allow-… flags). */
export const RunAllow = z
  .object({ command: z.boolean().default(false), keys: z.boolean().default(false), hosts: z.boolean().default(false) })
  .default({ command: false, keys: false, hosts: false });
export type RunAllow = z.infer<typeof RunAllow>;

/** Export, preview and import bundles; signing keys; evidence that came with bundles. */
export const bundlesContract = {
  bundles: {
    /** A .slipway file of the versions (and their ancestors), as base64 for the renderer to save. */
    export: method(
      z.object({
        refs: z.array(RefText).min(1, 'select at least one version').max(1000),
        /** Every version of the agents named (refs are then agent names). */
        history: z.boolean().default(false),
        evidence: z.boolean().default(false),
        sign: z.boolean().default(false),
      }),
      z.object({ fileName: z.string(), base64: z.string(), bytes: z.int(), versions: z.array(z.string()), signed: z.boolean() }),
    ),
    /** Checks a bundle whole and says what importing it would do; writes nothing. */
    preview: query(z.object({ base64: BundleBase64 }), BundlePreview),
    /** Imports a bundle all or nothing; with `manifestSha256`, only the bundle that was previewed. */
    import: method(
      z.object({
        base64: BundleBase64,
        manifestSha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .optional(),
        /** Refuse a bundle not signed by a key this workspace trusts. */
        requireTrusted: z.boolean().default(false),
      }),
      BundlePreview,
    ),
    keys: query(z.object({}), SigningKeys),
    /** Makes the user's signing key in their config folder (never in a workspace). */
    // It writes the user's config folder, never a workspace: on a folder with none, it makes none.
    generateKey: query(z.object({}), SigningKeys),
    trust: method(
      z.object({
        name: z.string().trim().min(1, 'name the key: who signs with it').max(200),
        publicKey: z.string().min(1).max(1000),
      }),
      SigningKeys,
    ),
    untrust: method(z.object({ fingerprint: z.string().min(1).max(64) }), SigningKeys),
    /** Every bundle imported here as an origin, newest first: who made it, whether it is trusted, what it brought. */
    origins: query(z.object({}), z.array(BundleOrigin)),
    /** Trusts a bundle's origin: what it brought runs like the workspace's own from then on. */
    trustOrigin: method(
      z.object({
        manifestSha256: z.string().regex(/^[0-9a-f]{64}$/, 'a manifest sha256 is 64 lower-case hex digits'),
        reason: Reason,
      }),
      BundleOrigin,
    ),
    /** Whether running a ref (with a suite) needs a yes because it came from an untrusted bundle. */
    runCheck: query(z.object({ agent: AgentName, ref: RefText, suite: z.string().min(1).max(64).optional() }), RunCheck),
    /** Runs and comparison reports that came with bundles, newest first. */
    evidence: query(z.object({ agent: AgentName }), z.array(ImportedEvidence)),
    evidenceFile: query(z.object({ id: z.int().min(1) }), z.object({ fileName: z.string(), content: z.string() })),
  },
} as const;
