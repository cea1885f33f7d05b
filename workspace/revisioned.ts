import { z } from 'zod';
import { SlipwayError } from '../shared/errors';
import { sql, typed } from './statements';
import type { Workspace } from './workspace';
import { requireAgent } from './lookup';

const IdRow = z.object({ id: z.number() });
const RevisionHashRow = z.object({ revision: z.number(), hash: z.string() });
const NameRow = z.object({ name: z.string() });

/** The columns every revision has (a kind's row extends it). */
export const RevisionRow = z.object({
  id: z.int(),
  name: z.string(),
  revision: z.int(),
  hash: z.string(),
  content: z.string(),
  author: z.string(),
  message: z.string(),
  created_at: z.string(),
});

/** What differs between the named, revisioned things of an agent (suites, datasets). */
export interface RevisionedKind<Row extends z.ZodType<{ name: string }>, Value> {
  /** The parent table ('suites') and its revisions ('suite_revisions', linked by suite_id). */
  table: 'suites' | 'datasets';
  /** What a row of `select` holds. */
  row: Row;
  /** SELECT … FROM the revisions JOIN the parent, without a WHERE. */
  select: string;
  /** The word in messages: "suite", "dataset". */
  noun: string;
  /** What to do when an agent has none yet. */
  emptyHint: string;
  toValue: (agent: string, row: z.output<Row>) => Value;
}

/** Listing, reading and history of an agent's named things kept as immutable revisions. */
export function revisioned<Row extends z.ZodType<{ name: string }>, Value>(kind: RevisionedKind<Row, Value>) {
  const revisions = `${kind.table.slice(0, -1)}_revisions`;
  const parentId = `${kind.table.slice(0, -1)}_id`;
  const list = (ws: Workspace, agentName: string): Value[] => {
    const agent = requireAgent(ws, agentName);
    const rows = typed(
      ws.db,
      kind.row,
      `${kind.select} WHERE ${kind.table}.agent_id = ? AND revision = (SELECT max(revision) FROM ${revisions} r WHERE r.${parentId} = ${kind.table}.id) ORDER BY ${kind.table}.name`,
    ).all(agent.id);
    return rows.map((row) => kind.toValue(agent.name, row));
  };
  return {
    list,
    /**
     * Inside a write transaction: the parent row of `name` (made on first save) and the number of
     * the next revision; content identical to the latest is refused.
     */
    next: (
      ws: Workspace,
      agent: { id: number; name: string },
      name: string,
      hash: string,
    ): { parentId: number; revision: number; previous: number | null } => {
      let parent = typed(ws.db, IdRow, `SELECT id FROM ${kind.table} WHERE agent_id = ? AND name = ?`).get(agent.id, name);
      parent ??= {
        id: Number(
          sql(ws.db, `INSERT INTO ${kind.table} (agent_id, name, created_at) VALUES (?, ?, ?)`).run(agent.id, name, ws.now())
            .lastInsertRowid,
        ),
      };
      const latest = typed(
        ws.db,
        RevisionHashRow,
        `SELECT revision, hash FROM ${revisions} WHERE ${parentId} = ? ORDER BY revision DESC LIMIT 1`,
      ).get(parent.id);
      if (latest?.hash === hash)
        throw new SlipwayError(
          'no_changes',
          `${kind.noun} ${name} of "${agent.name}" already has this content (revision ${latest.revision})`,
        );
      return { parentId: parent.id, revision: (latest?.revision ?? 0) + 1, previous: latest?.revision ?? null };
    },
    /** The latest revision, or a given one; a missing one is refused naming those that exist. */
    get: (ws: Workspace, agentName: string, name: string, revision?: number): Value => {
      const agent = requireAgent(ws, agentName);
      const row = typed(
        ws.db,
        kind.row,
        `${kind.select} WHERE ${kind.table}.agent_id = ? AND ${kind.table}.name = ? AND (? IS NULL OR revision = ?) ORDER BY revision DESC LIMIT 1`,
      ).get(agent.id, name, revision ?? null, revision ?? null);
      if (row) return kind.toValue(agent.name, row);
      const names = typed(ws.db, NameRow, `SELECT name FROM ${kind.table} WHERE agent_id = ? ORDER BY name`)
        .all(agent.id)
        .map((known) => known.name);
      const known = names.length > 0 ? `${kind.table}: ${names.join(', ')}` : kind.emptyHint;
      throw new SlipwayError(
        'not_found',
        `agent "${agent.name}" has no ${kind.noun} "${name}"${revision ? ` at revision ${revision}` : ''} (${known})`,
      );
    },
    history: (ws: Workspace, agentName: string, name: string): Value[] => {
      const agent = requireAgent(ws, agentName);
      const rows = typed(
        ws.db,
        kind.row,
        `${kind.select} WHERE ${kind.table}.agent_id = ? AND ${kind.table}.name = ? ORDER BY revision DESC`,
      ).all(agent.id, name);
      return rows.map((row) => kind.toValue(agent.name, row));
    },
  };
}
