import { sha256Hex } from './hash';

/** The fields of an audit row that its hash covers. */
export interface AuditFields {
  id: number;
  at: string;
  actor: string;
  action: string;
  agentId: number | null;
  subject: string;
  reason: string;
  before: string | null;
  after: string | null;
}

export const GENESIS_HASH = '0'.repeat(64);

/**
 * Each audit row's hash covers its own fields and the previous row's hash, so editing, removing
 * or reordering any row breaks every hash after it.
 */
export function auditRowHash(prevHash: string, row: AuditFields): string {
  return sha256Hex(
    JSON.stringify([
      prevHash,
      row.id,
      row.at,
      row.actor,
      row.action,
      row.agentId,
      row.subject,
      row.reason,
      row.before,
      row.after,
    ]),
  );
}

export interface ChainRow extends AuditFields {
  prevHash: string;
  hash: string;
}

export type ChainCheck = { ok: true; rows: number } | { ok: false; rows: number; firstBadId: number; problem: string };

/** Recomputes a chain in id order and names the first row that does not match. */
export function verifyChain(rows: Iterable<ChainRow>): ChainCheck {
  let expectedPrev = GENESIS_HASH;
  let count = 0;
  for (const row of rows) {
    count += 1;
    if (row.prevHash !== expectedPrev) {
      return {
        ok: false,
        rows: count,
        firstBadId: row.id,
        problem: `row ${row.id} links to ${row.prevHash.slice(0, 12)}…, but the row before it hashes to ${expectedPrev.slice(0, 12)}…`,
      };
    }
    const actual = auditRowHash(row.prevHash, row);
    if (actual !== row.hash) {
      return {
        ok: false,
        rows: count,
        firstBadId: row.id,
        problem: `row ${row.id} was altered: its content hashes to ${actual.slice(0, 12)}…, recorded ${row.hash.slice(0, 12)}…`,
      };
    }
    expectedPrev = row.hash;
  }
  return { ok: true, rows: count };
}
