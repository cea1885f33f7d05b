import type { PlanRevision } from '../../shared/contract/release';
import { ReleasePlan } from '../../shared/release/protocol';
import { sql } from '../statements';
import type { Workspace } from '../workspace';
import { requireAgent } from '../lookup';

/** An agent's release plans, each save its next immutable revision. */

interface Row {
  revision: number;
  plan: string;
  author: string;
  created_at: string;
}

function toRevision(row: Row): PlanRevision {
  return { revision: row.revision, plan: ReleasePlan.parse(JSON.parse(row.plan)), author: row.author, createdAt: row.created_at };
}

export function planRevisions(ws: Workspace, agent: string): PlanRevision[] {
  return (
    sql(ws.db, 'SELECT revision, plan, author, created_at FROM release_plans WHERE agent_id = ? ORDER BY revision DESC').all(
      requireAgent(ws, agent).id,
    ) as Row[]
  ).map(toRevision);
}

export function latestPlan(ws: Workspace, agent: string): PlanRevision | null {
  const row = sql(
    ws.db,
    'SELECT revision, plan, author, created_at FROM release_plans WHERE agent_id = ? ORDER BY revision DESC LIMIT 1',
  ).get(requireAgent(ws, agent).id) as Row | undefined;
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
  const row = { revision, plan: JSON.stringify(plan), author: ws.identity().author, created_at: ws.now() };
  sql(ws.db, 'INSERT INTO release_plans (agent_id, revision, plan, author, created_at) VALUES (?, ?, ?, ?, ?)').run(
    requireAgent(ws, agent).id,
    row.revision,
    row.plan,
    row.author,
    row.created_at,
  );
  return { saved: toRevision(row), previous };
}
