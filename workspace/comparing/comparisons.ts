import { z } from 'zod';
import { CASE_VERDICTS, compareVersions, type CaseRow, type CaseVerdict } from '../../shared/compare';
import { ComparisonStats, ComparisonSummary, StoredCaseRow } from '../../shared/contract/comparing';
import { StoredResult } from '../../shared/contract/testing';
import type { DatasetItem } from '../../shared/dataset';
import type { CaseResult } from '../../shared/engine/runner';
import { SlipwayError } from '../../shared/errors';
import { writeTransaction } from '../../shared/node/sqlite';
import { sql, typed } from '../statements';
import { jsonColumn } from '../../shared/json-column';
import type { Workspace } from '../workspace';
import { appendAudit } from '../audit/audit-log';
import { datasetRevisionById } from './datasets';
import { requireAgent } from '../lookup';
import { OWNER, ownerIsGone } from '../owner';

const AgentIdRow = z.object({ agent_id: z.int() });
const StoredCaseRowJson = z.object({ row: jsonColumn(StoredCaseRow) });
const VerdictRow = z.object({ verdict: z.enum(CASE_VERDICTS) });
const IdOwnerRow = z.object({ id: z.int(), owner: z.string().nullable() });
const CaseIdRow = z.object({ case_id: z.string() });
const RevisionIdRow = z.object({ revisionId: z.int() });

export type ComparisonStatus = ComparisonSummary['status'];

const ComparisonRow = z.object({
  id: z.int(),
  agent: z.string(),
  dataset: z.string(),
  dataset_revision: z.int(),
  dataset_items: z.int(),
  suite: z.string().nullable(),
  suite_revision: z.int().nullable(),
  refs: jsonColumn(ComparisonSummary.shape.refs),
  settings: jsonColumn(ComparisonSummary.shape.settings),
  seed: z.int(),
  status: ComparisonSummary.shape.status,
  actor: z.string(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  stats: jsonColumn(ComparisonStats).nullable(),
});
type ComparisonRow = z.infer<typeof ComparisonRow>;

const ResultJson = z.object({ side: z.int(), result: jsonColumn(StoredResult) });

const COMPARISON_SQL = `SELECT comparisons.id, agents.name AS agent, datasets.name AS dataset, dataset_revisions.revision AS dataset_revision, dataset_revisions.items AS dataset_items,
    suites.name AS suite, suite_revisions.revision AS suite_revision, refs, settings, seed, status, actor, started_at, finished_at, stats
  FROM comparisons JOIN agents ON agents.id = comparisons.agent_id
  JOIN dataset_revisions ON dataset_revisions.id = comparisons.dataset_revision_id JOIN datasets ON datasets.id = dataset_revisions.dataset_id
  LEFT JOIN suite_revisions ON suite_revisions.id = comparisons.suite_revision_id LEFT JOIN suites ON suites.id = suite_revisions.suite_id`;

function toSummary(row: ComparisonRow): ComparisonSummary {
  return {
    id: row.id,
    agent: row.agent,
    dataset: { name: row.dataset, revision: row.dataset_revision, items: row.dataset_items },
    suite: row.suite !== null && row.suite_revision !== null ? { name: row.suite, revision: row.suite_revision } : null,
    refs: row.refs,
    settings: row.settings,
    seed: row.seed,
    status: row.status,
    actor: row.actor,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    stats: row.stats,
  };
}

export interface NewComparison {
  agentId: number;
  datasetRevisionId: number;
  suiteRevisionId: number | null;
  refs: ComparisonSummary['refs'];
  settings: ComparisonSummary['settings'];
  seed: number;
}

export function startComparison(ws: Workspace, comparison: NewComparison): number {
  return writeTransaction(ws.db, () =>
    Number(
      sql(
        ws.db,
        "INSERT INTO comparisons (agent_id, dataset_revision_id, suite_revision_id, refs, settings, seed, status, actor, owner, started_at) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)",
      ).run(
        comparison.agentId,
        comparison.datasetRevisionId,
        comparison.suiteRevisionId,
        JSON.stringify(comparison.refs),
        JSON.stringify(comparison.settings),
        comparison.seed,
        ws.identity().author,
        OWNER,
        ws.now(),
      ).lastInsertRowid,
    ),
  );
}

/** Each result is committed as it arrives: a crash or a cancel keeps what finished. */
export function recordComparisonResult(ws: Workspace, comparisonId: number, side: number, result: CaseResult): void {
  writeTransaction(ws.db, () => {
    sql(
      ws.db,
      'INSERT INTO comparison_results (comparison_id, side, case_id, repeat, status, result) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(comparisonId, side, result.caseId, result.repeat, result.status, JSON.stringify(result));
  });
}

export function getComparison(ws: Workspace, id: number): ComparisonSummary {
  const row = typed(ws.db, ComparisonRow, `${COMPARISON_SQL} WHERE comparisons.id = ?`).get(id);
  if (!row) throw new SlipwayError('not_found', `no comparison ${id}`);
  return toSummary(row);
}

export function listComparisons(ws: Workspace, agentName: string): ComparisonSummary[] {
  const agent = requireAgent(ws, agentName);
  return typed(ws.db, ComparisonRow, `${COMPARISON_SQL} WHERE comparisons.agent_id = ? ORDER BY comparisons.id DESC`)
    .all(agent.id)
    .map(toSummary);
}

/** Every stored result of a comparison, by side, then by case id. */
function resultsBySide(ws: Workspace, id: number, sides: number): Array<Map<string, CaseResult[]>> {
  const bySide = Array.from({ length: sides }, () => new Map<string, CaseResult[]>());
  const rows = typed(
    ws.db,
    ResultJson,
    'SELECT side, result FROM comparison_results WHERE comparison_id = ? ORDER BY side, case_id, repeat',
  ).all(id);
  for (const { side, result } of rows) {
    const cases = bySide[side];
    cases?.set(result.caseId, [...(cases.get(result.caseId) ?? []), result]);
  }
  return bySide;
}

/**
 * Ends a comparison: the verdict of every case that has results on every side, the statistics,
 * the status and an audit row, in one transaction.
 */
export function finishComparison(
  ws: Workspace,
  id: number,
  status: Exclude<ComparisonStatus, 'running'>,
  caseOrder: string[],
  options: { rounds?: number } = {},
): ComparisonSummary {
  const summary = getComparison(ws, id);
  const bySide = resultsBySide(ws, id, summary.refs.length);
  const complete = caseOrder.filter((caseId) => bySide.every((side) => (side.get(caseId)?.length ?? 0) > 0));
  const { stats, rows } = compareVersions(
    summary.refs.map((ref) => ref.version),
    complete,
    bySide,
    { seed: summary.seed, repeat: summary.settings.repeat, ...(options.rounds ? { rounds: options.rounds } : {}) },
  );
  return writeTransaction(ws.db, () => {
    const insert = sql(
      ws.db,
      'INSERT INTO comparison_rows (comparison_id, candidate, position, case_id, verdict, row) VALUES (?, ?, ?, ?, ?, ?)',
    );
    rows.forEach((candidateRows, offset) =>
      candidateRows.forEach((row, position) =>
        insert.run(id, offset + 1, position, row.caseId, row.verdict, JSON.stringify(row)),
      ),
    );
    sql(ws.db, 'UPDATE comparisons SET status = ?, finished_at = ?, stats = ? WHERE id = ?').run(
      status,
      ws.now(),
      JSON.stringify(stats),
      id,
    );
    const agentId = typed(ws.db, AgentIdRow, 'SELECT agent_id FROM comparisons WHERE id = ?').get(id)?.agent_id ?? null;
    appendAudit(ws, {
      action: 'comparison.finish',
      agentId,
      subject: `${summary.refs.map((ref) => ref.version).join(' vs ')} on ${summary.dataset.name}#${summary.dataset.revision}`,
      after: {
        comparisonId: id,
        status,
        cases: complete.length,
        regressions: stats.pairs
          .filter((pair) => pair.significantRegression)
          .map((pair) => summary.refs[pair.candidate]?.version),
      },
    });
    return getComparison(ws, id);
  });
}

/** Each case's verdict for one candidate (1 is the first after the baseline). */
export function comparisonRows(ws: Workspace, id: number, candidate: number): CaseRow[] {
  return typed(
    ws.db,
    StoredCaseRowJson,
    'SELECT row FROM comparison_rows WHERE comparison_id = ? AND candidate = ? ORDER BY position',
  )
    .all(id, candidate)
    .map((stored) => stored.row);
}

/** Every repeat of one case on the baseline and on a candidate, for the side-by-side view. */
export function comparisonCase(
  ws: Workspace,
  id: number,
  candidate: number,
  caseId: string,
): { baseline: CaseResult[]; candidate: CaseResult[]; verdict: CaseVerdict | null } {
  const read = (side: number) =>
    typed(
      ws.db,
      ResultJson,
      'SELECT side, result FROM comparison_results WHERE comparison_id = ? AND side = ? AND case_id = ? ORDER BY repeat',
    )
      .all(id, side, caseId)
      .map((row) => row.result);
  const baseline = read(0);
  if (baseline.length === 0) throw new SlipwayError('not_found', `comparison ${id} has no case ${caseId}`);
  const verdict = typed(
    ws.db,
    VerdictRow,
    'SELECT verdict FROM comparison_rows WHERE comparison_id = ? AND candidate = ? AND case_id = ?',
  ).get(id, candidate, caseId);
  return { baseline, candidate: read(candidate), verdict: verdict?.verdict ?? null };
}

/** Comparisons left running by a process of this machine that died end as interrupted, with what they stored. */
export function endOrphanedComparisons(ws: Workspace): number[] {
  const running = typed(ws.db, IdOwnerRow, "SELECT id, owner FROM comparisons WHERE status = 'running'").all();
  const orphans = running.filter((comparison) => ownerIsGone(comparison.owner));
  for (const comparison of orphans) {
    const order = typed(
      ws.db,
      CaseIdRow,
      'SELECT DISTINCT case_id FROM comparison_results WHERE comparison_id = ? AND side = 0 ORDER BY rowid',
    )
      .all(comparison.id)
      .map((row) => row.case_id);
    finishComparison(ws, comparison.id, 'interrupted', order);
  }
  return orphans.map((comparison) => comparison.id);
}

/** The items of the dataset revision a comparison ran on. */
export function datasetItemsOf(ws: Workspace, id: number): DatasetItem[] {
  const row = typed(ws.db, RevisionIdRow, 'SELECT dataset_revision_id AS revisionId FROM comparisons WHERE id = ?').get(id);
  if (!row) throw new SlipwayError('not_found', `no comparison ${id}`);
  return datasetRevisionById(ws, row.revisionId).dataset.items;
}
