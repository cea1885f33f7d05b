import { canonicalManifest } from '../../shared/manifest';
import { nodeSha256 } from '../../shared/node/sha256';
import { parseRef, parseRefIn } from '../../shared/ref';
import { parseAgentFiles } from '../../shared/validate-files';
import { draftFiles } from '../agents/drafts';
import { requireAgent, resolveVersion, versionFiles } from '../lookup';
import type { Workspace } from '../workspace';

/**
 * A version (or the draft) of an agent, parsed to run: its files, label and content hash. With
 * `agent`, the ref may leave the agent out (`1.2.0`, `production`) and must not name another.
 */
export function resolveAgentRef(ws: Workspace, refText: string, agent?: string) {
  const ref = agent === undefined ? parseRef(refText) : parseRefIn(agent, refText);
  const agentRow = requireAgent(ws, ref.agent);
  const version = ref.selector.kind === 'draft' ? null : resolveVersion(ws, ref).version;
  const files = version ? versionFiles(ws, version.id) : draftFiles(ws, agentRow.id);
  return {
    agentId: agentRow.id,
    agentName: agentRow.name,
    versionId: version?.id ?? null,
    semver: version?.semver ?? null,
    label: version ? `${agentRow.name}@${version.semver}` : `${agentRow.name}@draft`,
    files,
    agent: parseAgentFiles(files),
    versionHash: version?.hash ?? canonicalManifest(files, nodeSha256).hash,
  };
}

export type AgentAtRef = ReturnType<typeof resolveAgentRef>;
