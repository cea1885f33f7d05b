import { z } from 'zod';
import { auditRowHash, GENESIS_HASH, verifyChain, type ChainCheck, type ChainRow } from '../../shared/audit-chain';
import type { AuditEntry } from '../../shared/contract/audit';
import { sql, typed } from '../statements';
import { jsonColumn } from '../../shared/json-column';
import type { Workspace } from '../workspace';

const IdHashRow = z.object({ id: z.number(), hash: z.string() });

export interface AuditEvent {
  action: string;
  agentId: number | null;
  subject: string;
  reason?: string;
  before?: unknown;
  after?: unknown;
  /** Who acted, when not the workspace's author (the sample loader, an import). */
  actor?: string;
}

function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/**
 * Appends one row to the hash-chained audit log. Call it inside the write transaction of the
 * change it records: the previous hash is read under the same lock, so the chain cannot fork.
 * Answers the row's id: an Undo names the row it undoes.
 */
export function appendAudit(ws: Workspace, event: AuditEvent): number {
  if (!ws.db.inTransaction) throw new Error(`audit row "${event.action}" written outside a write transaction`);
  const last = typed(ws.db, IdHashRow, 'SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1').get();
  const prevHash = last?.hash ?? GENESIS_HASH;
  const row = {
    id: (last?.id ?? 0) + 1,
    at: ws.now(),
    actor: event.actor ?? ws.identity().author,
    action: event.action,
    agentId: event.agentId,
    subject: event.subject,
    reason: event.reason ?? '',
    before: json(event.before),
    after: json(event.after),
  };
  sql(
    ws.db,
    'INSERT INTO audit (id, at, actor, action, agent_id, subject, reason, before, after, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(
    row.id,
    row.at,
    row.actor,
    row.action,
    row.agentId,
    row.subject,
    row.reason,
    row.before,
    row.after,
    prevHash,
    auditRowHash(prevHash, row),
  );
  return row.id;
}

const AuditRow = z.object({
  id: z.int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  agent_id: z.int().nullable(),
  agent_name: z.string().nullable(),
  subject: z.string(),
  reason: z.string(),
  before: jsonColumn(z.unknown()).nullable(),
  after: jsonColumn(z.unknown()).nullable(),
  prev_hash: z.string(),
  hash: z.string(),
});
type AuditRow = z.infer<typeof AuditRow>;
/** The chain hashes the stored text of before and after, exactly as written. */
const ChainRow = AuditRow.omit({ agent_name: true }).extend({ before: z.string().nullable(), after: z.string().nullable() });

export interface AuditFilter {
  agentId?: number | undefined;
  /** An action, or an action prefix ending in '.' ("label." matches every label action). */
  action?: string | undefined;
  /** Only actions starting with one of these (an area's prefixes). */
  prefixes?: readonly string[] | undefined;
  /** Matches any part of the actor, case-insensitively. */
  actor?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit: number;
  beforeId?: number | undefined;
}

export function listAudit(ws: Workspace, filter: AuditFilter): AuditEntry[] {
  const rows = typed(
    ws.db,
    AuditRow,
    `SELECT audit.*, agents.name AS agent_name FROM audit LEFT JOIN agents ON agents.id = audit.agent_id
     WHERE (:agent IS NULL OR audit.agent_id = :agent) AND (:before IS NULL OR audit.id < :before)
       AND (:action IS NULL OR audit.action = :action OR (substr(:action, -1) = '.' AND substr(audit.action, 1, length(:action)) = :action))
       AND (:prefixes IS NULL OR EXISTS (SELECT 1 FROM json_each(:prefixes) WHERE substr(audit.action, 1, length(json_each.value)) = json_each.value))
       AND (:actor IS NULL OR instr(lower(audit.actor), lower(:actor)) > 0)
       AND (:since IS NULL OR audit.at >= :since) AND (:until IS NULL OR audit.at <= :until)
     ORDER BY audit.id DESC LIMIT :limit`,
  ).all({
    agent: filter.agentId ?? null,
    before: filter.beforeId ?? null,
    action: filter.action || null,
    actor: filter.actor || null,
    prefixes: filter.prefixes ? JSON.stringify(filter.prefixes) : null,
    since: filter.since ?? null,
    until: filter.until ?? null,
    limit: filter.limit,
  });
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    agent: row.agent_name,
    subject: row.subject,
    reason: row.reason,
    before: row.before,
    after: row.after,
    hash: row.hash,
  }));
}

function* chainRows(ws: Workspace): Generator<ChainRow> {
  for (const raw of ws.db.prepare('SELECT * FROM audit ORDER BY id').iterate()) {
    // The chain is read whole and in order (iterate, not all()), each row checked like any other.
    const row = ChainRow.parse(raw);
    yield {
      id: row.id,
      at: row.at,
      actor: row.actor,
      action: row.action,
      agentId: row.agent_id,
      subject: row.subject,
      reason: row.reason,
      before: row.before,
      after: row.after,
      prevHash: row.prev_hash,
      hash: row.hash,
    };
  }
}

export function verifyAudit(ws: Workspace): ChainCheck {
  return verifyChain(chainRows(ws));
}
