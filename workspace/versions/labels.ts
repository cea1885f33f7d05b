import { z } from 'zod';
import type { LabelMove, LabelState } from '../../shared/contract/versions';
import { SlipwayError } from '../../shared/errors';
import { parseRefIn } from '../../shared/ref';
import { writeTransaction } from '../../shared/node/sqlite';
import { sql, typed } from '../statements';
import type { Workspace } from '../workspace';
import { appendAudit } from '../audit/audit-log';
import { requireAgent, resolveVersion, semverOf } from '../lookup';

const LabelStateRow = z.object({
  name: z.string(),
  semver: z.string(),
  hash: z.string(),
  moved_at: z.string(),
  moved_by: z.string(),
});
const VersionIdRow = z.object({ version_id: z.number() });

const MoveRow = z.object({
  id: z.int(),
  label: z.string(),
  from_version_id: z.int().nullable(),
  to_version_id: z.int(),
  actor: z.string(),
  reason: z.string(),
  at: z.string(),
});

export function listLabels(ws: Workspace, agentName: string): LabelState[] {
  const agent = requireAgent(ws, agentName);
  const rows = typed(
    ws.db,
    LabelStateRow,
    `SELECT labels.name AS name, versions.semver AS semver, versions.hash AS hash,
       (SELECT at FROM label_moves m WHERE m.agent_id = labels.agent_id AND m.label = labels.name ORDER BY m.id DESC LIMIT 1) AS moved_at,
       (SELECT actor FROM label_moves m WHERE m.agent_id = labels.agent_id AND m.label = labels.name ORDER BY m.id DESC LIMIT 1) AS moved_by
     FROM labels JOIN versions ON versions.id = labels.version_id WHERE labels.agent_id = ? ORDER BY labels.name`,
  ).all(agent.id);
  return rows.map((row) => ({
    agent: agent.name,
    name: row.name,
    semver: row.semver,
    hash: row.hash,
    movedAt: row.moved_at,
    movedBy: row.moved_by,
  }));
}

function toMove(ws: Workspace, agent: string, row: z.infer<typeof MoveRow>): LabelMove {
  return {
    id: row.id,
    agent,
    label: row.label,
    from: semverOf(ws, row.from_version_id),
    to: semverOf(ws, row.to_version_id) ?? '',
    actor: row.actor,
    reason: row.reason,
    at: row.at,
  };
}

/** Points a label at a version. Moving it back is another move, never an edit of history. */
export function setLabel(
  ws: Workspace,
  request: { agent: string; label: string; ref: string; reason: string; actor?: string },
): LabelMove {
  const ref = parseRefIn(request.agent, request.ref);
  return writeTransaction(ws.db, () => {
    const agent = requireAgent(ws, request.agent);
    const { version } = resolveVersion(ws, ref);
    const current = typed(ws.db, VersionIdRow, 'SELECT version_id FROM labels WHERE agent_id = ? AND name = ?').get(
      agent.id,
      request.label,
    );
    if (current?.version_id === version.id) {
      throw new SlipwayError('no_changes', `label ${request.label} of "${agent.name}" already points at ${version.semver}`);
    }
    const actor = request.actor ?? ws.identity().author;
    const at = ws.now();
    sql(
      ws.db,
      'INSERT INTO labels (agent_id, name, version_id) VALUES (?, ?, ?) ON CONFLICT(agent_id, name) DO UPDATE SET version_id = excluded.version_id',
    ).run(agent.id, request.label, version.id);
    const id = Number(
      sql(
        ws.db,
        'INSERT INTO label_moves (agent_id, label, from_version_id, to_version_id, actor, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(agent.id, request.label, current?.version_id ?? null, version.id, actor, request.reason.trim(), at).lastInsertRowid,
    );
    const from = semverOf(ws, current?.version_id ?? null);
    appendAudit(ws, {
      action: 'label.move',
      agentId: agent.id,
      subject: `${agent.name}@${request.label}`,
      reason: request.reason.trim(),
      actor,
      before: { semver: from },
      after: { semver: version.semver, hash: version.hash },
    });
    return { id, agent: agent.name, label: request.label, from, to: version.semver, actor, reason: request.reason.trim(), at };
  });
}

export function labelHistory(ws: Workspace, agentName: string, label?: string): LabelMove[] {
  const agent = requireAgent(ws, agentName);
  const rows = typed(
    ws.db,
    MoveRow,
    'SELECT id, label, from_version_id, to_version_id, actor, reason, at FROM label_moves WHERE agent_id = ? AND (? IS NULL OR label = ?) ORDER BY id DESC',
  ).all(agent.id, label ?? null, label ?? null);
  if (label !== undefined && rows.length === 0) {
    throw new SlipwayError('not_found', `agent "${agent.name}" has no label "${label}"`);
  }
  return rows.map((row) => toMove(ws, agent.name, row));
}
