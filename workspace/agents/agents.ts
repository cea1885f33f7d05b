import { z } from 'zod';
import type { Agent, AgentSummary } from '../../shared/contract/agents';
import { SlipwayError } from '../../shared/errors';
import { canonicalManifest } from '../../shared/manifest';
import { nodeSha256 } from '../../shared/node/sha256';
import { writeTransaction } from '../../shared/node/sqlite';
import { sql, typed } from '../statements';
import type { Workspace } from '../workspace';
import { appendAudit } from '../audit/audit-log';
import { draftFiles, storeDraft, STARTER_FILES } from './drafts';
import { AgentRow, findAgent, highestVersion, requireAgent, versionById } from '../lookup';

const NRow = z.object({ n: z.number() });
const NameSemverRow = z.object({ name: z.string(), semver: z.string() });
const ParentIdRow = z.object({ parent_id: z.number().nullable() });

function toAgent(row: AgentRow): Agent {
  return { name: row.name, description: row.description, createdAt: row.created_at, archived: row.archived_at !== null };
}

export function listAgents(ws: Workspace, includeArchived: boolean): AgentSummary[] {
  const rows = typed(
    ws.db,
    AgentRow,
    'SELECT id, name, description, created_at, archived_at FROM agents WHERE (? OR archived_at IS NULL) ORDER BY name',
  ).all(includeArchived ? 1 : 0);
  return rows.map((row) => {
    const latest = highestVersion(ws, row.id);
    const count = typed(ws.db, NRow, 'SELECT count(*) AS n FROM versions WHERE agent_id = ?').one(row.id).n;
    const labels = typed(
      ws.db,
      NameSemverRow,
      'SELECT labels.name AS name, versions.semver AS semver FROM labels JOIN versions ON versions.id = labels.version_id WHERE labels.agent_id = ? ORDER BY labels.name',
    ).all(row.id);
    const parent = typed(ws.db, ParentIdRow, 'SELECT parent_id FROM drafts WHERE agent_id = ?').get(row.id)?.parent_id ?? null;
    const draftHash = canonicalManifest(draftFiles(ws, row.id), nodeSha256).hash;
    return {
      ...toAgent(row),
      latest: latest ? { semver: latest.semver, hash: latest.hash, createdAt: latest.created_at } : null,
      versionCount: count,
      labels,
      draftChanged: parent === null || versionById(ws, parent).hash !== draftHash,
    };
  });
}

export function createAgent(ws: Workspace, name: string, description: string, actor?: string): Agent {
  return writeTransaction(ws.db, () => {
    if (findAgent(ws, name)) {
      const message = `an agent named "${name}" already exists`;
      throw new SlipwayError('conflict', message, { path: 'name', message });
    }
    const now = ws.now();
    const id = Number(
      sql(ws.db, 'INSERT INTO agents (name, description, created_at) VALUES (?, ?, ?)').run(name, description, now)
        .lastInsertRowid,
    );
    storeDraft(ws, id, STARTER_FILES, null);
    appendAudit(ws, {
      action: 'agent.create',
      agentId: id,
      subject: name,
      after: { name, description },
      ...(actor ? { actor } : {}),
    });
    return toAgent(requireAgent(ws, name));
  });
}

export function renameAgent(ws: Workspace, name: string, newName: string, reason: string): Agent {
  return writeTransaction(ws.db, () => {
    const agent = requireAgent(ws, name);
    if (name === newName) throw new SlipwayError('no_changes', `agent "${name}" already has that name`);
    if (findAgent(ws, newName)) {
      const message = `an agent named "${newName}" already exists`;
      throw new SlipwayError('conflict', message, { path: 'newName', message });
    }
    sql(ws.db, 'UPDATE agents SET name = ? WHERE id = ?').run(newName, agent.id);
    appendAudit(ws, {
      action: 'agent.rename',
      agentId: agent.id,
      subject: newName,
      reason,
      before: { name },
      after: { name: newName },
    });
    return toAgent(requireAgent(ws, newName));
  });
}

export function describeAgent(ws: Workspace, name: string, description: string): Agent {
  return writeTransaction(ws.db, () => {
    const agent = requireAgent(ws, name);
    if (agent.description === description) return toAgent(agent);
    sql(ws.db, 'UPDATE agents SET description = ? WHERE id = ?').run(description, agent.id);
    appendAudit(ws, {
      action: 'agent.describe',
      agentId: agent.id,
      subject: name,
      before: { description: agent.description },
      after: { description },
    });
    return toAgent(requireAgent(ws, name));
  });
}

export function setArchived(ws: Workspace, name: string, archived: boolean, reason: string): Agent {
  return writeTransaction(ws.db, () => {
    const agent = requireAgent(ws, name);
    if ((agent.archived_at !== null) === archived) {
      throw new SlipwayError('no_changes', `agent "${name}" is ${archived ? 'already archived' : 'not archived'}`);
    }
    sql(ws.db, 'UPDATE agents SET archived_at = ? WHERE id = ?').run(archived ? ws.now() : null, agent.id);
    appendAudit(ws, {
      action: archived ? 'agent.archive' : 'agent.restore',
      agentId: agent.id,
      subject: name,
      reason,
      before: { archived: !archived },
      after: { archived },
    });
    return toAgent(requireAgent(ws, name));
  });
}
