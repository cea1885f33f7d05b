import type { Handlers } from '../../shared/contract/contract';
import { checkRun, listOrigins, trustOrigin } from './trust';
import { resolveAgentRef } from '../versions/agent-ref';
import { getSuite } from '../testing/suites';
import type { SigningKeys } from '../../shared/bundle';
import { listImportedEvidence, importedEvidenceFile } from './evidence';
import { generateSigningKey, ownPublicKey, signingKey, trustedKeys, trustKey, untrustKey } from './signing';
import { exportBundle, importBundle, inspectBundle } from './bundles';
import { parseRef } from '../../shared/ref';
import type { Workspace } from '../workspace';

/** A name for the saved file, from what was asked for (ancestors travel along unnamed). */
function fileNameFor(refs: string[]): string {
  if (refs.length === 1) return `${(refs[0] ?? 'bundle').replace('@', '-')}.slipway`;
  const agents = [...new Set(refs.map((ref) => parseRef(ref).agent))];
  return `${agents.join('+')}-${refs.length}-versions.slipway`;
}

/** Bundles and signing keys over one workspace; the private key stays in the user's config folder. */
export function createBundleHandlers(ws: Workspace, env: NodeJS.ProcessEnv = process.env): Pick<Handlers, 'bundles'> {
  const keys = (): SigningKeys => ({ own: ownPublicKey(env), trusted: trustedKeys(ws) });
  return {
    bundles: {
      export: async ({ refs, history, evidence, sign }) => {
        const { data, versions } = await exportBundle(ws, refs, {
          history,
          evidence,
          ...(sign ? { signWith: signingKey(env) } : {}),
        });
        return { fileName: fileNameFor(refs), base64: data.toString('base64'), bytes: data.length, versions, signed: sign };
      },
      preview: ({ base64 }) => inspectBundle(ws, Buffer.from(base64, 'base64')),
      import: ({ base64, manifestSha256, requireTrusted }) =>
        importBundle(ws, Buffer.from(base64, 'base64'), {
          requireTrusted,
          ...(manifestSha256 ? { expectManifest: manifestSha256 } : {}),
        }),
      keys: () => keys(),
      generateKey: () => {
        generateSigningKey(env);
        return keys();
      },
      trust: ({ name, publicKey }) => {
        trustKey(ws, name, publicKey);
        return keys();
      },
      untrust: ({ fingerprint }) => {
        untrustKey(ws, fingerprint);
        return keys();
      },
      origins: () => listOrigins(ws),
      trustOrigin: ({ manifestSha256, reason }) => trustOrigin(ws, manifestSha256, reason),
      runCheck: ({ agent, ref, suite }) => {
        const target = resolveAgentRef(ws, ref, agent);
        const revision = suite ? getSuite(ws, target.agentName, suite) : null;
        return checkRun(ws, {
          ...target,
          ...(revision ? { suite: { id: revision.id, suite: revision.suite, label: `suite ${revision.name}` } } : {}),
        });
      },
      evidence: ({ agent }) => listImportedEvidence(ws, agent),
      evidenceFile: ({ id }) => importedEvidenceFile(ws, id),
    },
  };
}
