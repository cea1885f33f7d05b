import type { PlanRevision } from '../../shared/contract/release';
import { ReleasePlan } from '../../shared/release/protocol';
import { z } from 'zod';
import { sql, typed } from '../statements';
import { jsonColumn } from '../../shared/json-column';
import type { Workspace } from '../workspace';
import { requireAgent } from '../lookup';

/** An agent's release plans, each save its next immutable revision. */

const Row = z.object({ revision: z.int(), plan: jsonColumn(ReleasePlan), author: z.string(), created_at: z.string() });

function toRevision(row: z.infer<typeof Row>): PlanRevision {
  return { revision: row.revision, plan: row.plan, author: row.author, createdAt: row.created_at };
}

export function planRevisions(ws: Workspace, agent: string): PlanRevision[] {
  return typed(
    ws.db,
    Row,
    'SELECT revision, plan, author, created_at FROM release_plans WHERE agent_id = ? ORDER BY revision DESC',
  )
    .all(requireAgent(ws, agent).id)
    .map(toRevision);
}

export function latestPlan(ws: Workspace, agent: string): PlanRevision | null {
  const row = typed(
    ws.db,
    Row,
    'SELECT revision, plan, author, created_at FROM release_plans WHERE agent_id = ? ORDER BY revision DESC LIMIT 1',
  ).get(requireAgent(ws, agent).id);
  return row ? toRevision(row) : null;
}

/** Inside the caller's write transaction: the plan as the next revision, or the latest when it is the same plan. */
export function savePlan(
  ws: Workspace,
  agent: string,
  plan: ReleasePlan,
): { saved: PlanRevision; previous: PlanRevision | null } {
  const previous = latestPlan(ws, agent);
  if (previous && JSON.stringify(previous.plan) === JSON.stringify(ReleasePlan.parse(plan))) return { saved: previous, previous };
  const revision = (previous?.revision ?? 0) + 1;
  const row = { revision, plan: ReleasePlan.parse(plan), author: ws.identity().author, created_at: ws.now() };
  sql(ws.db, 'INSERT INTO release_plans (agent_id, revision, plan, author, created_at) VALUES (?, ?, ?, ?, ?)').run(
    requireAgent(ws, agent).id,
    row.revision,
    JSON.stringify(plan),
    row.author,
    row.created_at,
  );
  return { saved: toRevision(row), previous };
}
