import type { CaseResult, RunStatus } from '../../../shared/engine/runner';
import { SlipwayError } from '../../../shared/errors';
import { writeTransaction } from '../../../shared/node/sqlite';
import { sql } from '../statements';
import type { Workspace } from '../workspace';
import { appendAudit } from './audit-log';
import { requireAgent } from './lookup';

export interface Attestation {
  versionHash: string;
  suite: string;
  suiteRevisionHash: string;
  passed: boolean;
  total: number;
  passRate: number;
  minPassRate: number | null;
  runId: number;
  finishedAt: string;
}

export interface RunSummary {
  id: number;
  agent: string;
  version: string;
  versionHash: string;
  suite: string;
  suiteRevision: number;
  suiteRevisionHash: string;
  settings: Record<string, unknown>;
  status: RunStatus | 'running';
  actor: string;
  startedAt: string;
  finishedAt: string | null;
  total: number | null;
  passed: number | null;
  passRate: number | null;
  minPassRate: number | null;
  gatePassed: boolean | null;
  costUsd: number | null;
  costKnown: boolean | null;
}

interface RunRow {
  id: number;
  agent: string;
  version_label: string;
  version_hash: string;
  suite: string;
  revision: number;
  suite_hash: string;
  settings: string;
  status: RunSummary['status'];
  actor: string;
  started_at: string;
  finished_at: string | null;
  total: number | null;
  passed: number | null;
  pass_rate: number | null;
  min_pass_rate: number | null;
  gate_passed: number | null;
  cost_usd: number | null;
  cost_known: number | null;
}

const RUN_SQL = `SELECT runs.*, agents.name AS agent, suites.name AS suite, suite_revisions.revision AS revision, suite_revisions.hash AS suite_hash
  FROM runs JOIN agents ON agents.id = runs.agent_id JOIN suite_revisions ON suite_revisions.id = runs.suite_revision_id JOIN suites ON suites.id = suite_revisions.suite_id`;

function toSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    agent: row.agent,
    version: row.version_label,
    versionHash: row.version_hash,
    suite: row.suite,
    suiteRevision: row.revision,
    suiteRevisionHash: row.suite_hash,
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    status: row.status,
    actor: row.actor,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    total: row.total,
    passed: row.passed,
    passRate: row.pass_rate,
    minPassRate: row.min_pass_rate,
    gatePassed: row.gate_passed === null ? null : row.gate_passed === 1,
    costUsd: row.cost_usd,
    costKnown: row.cost_known === null ? null : row.cost_known === 1,
  };
}

export interface NewRun {
  agentId: number;
  versionId: number | null;
  versionLabel: string;
  versionHash: string;
  suiteRevisionId: number;
  settings: Record<string, unknown>;
}

export function startRun(ws: Workspace, run: NewRun): number {
  return writeTransaction(ws.db, () =>
    Number(
      sql(ws.db, "INSERT INTO runs (agent_id, version_id, version_label, version_hash, suite_revision_id, settings, status, actor, started_at) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?)").run(
        run.agentId,
        run.versionId,
        run.versionLabel,
        run.versionHash,
        run.suiteRevisionId,
        JSON.stringify(run.settings),
        ws.identity().author,
        ws.now(),
      ).lastInsertRowid,
    ),
  );
}

/** Each result is committed as it arrives, so a crash or a cancel keeps everything that finished. */
export function recordResult(ws: Workspace, runId: number, result: CaseResult): void {
  writeTransaction(ws.db, () => {
    sql(ws.db, 'INSERT INTO run_results (run_id, case_id, repeat, status, result) VALUES (?, ?, ?, ?, ?)').run(runId, result.caseId, result.repeat, result.status, JSON.stringify(result));
  });
}

export interface RunEnd {
  status: RunStatus;
  total: number;
  passed: number;
  minPassRate: number | null;
  costUsd: number;
  costKnown: boolean;
}

/** The gate: complete, and every result passed or the pass rate reaches the minimum. */
export function gatePasses(end: Pick<RunEnd, 'status' | 'total' | 'passed' | 'minPassRate'>): boolean {
  if (end.status !== 'finished' || end.total === 0) return false;
  return end.minPassRate === null ? end.passed === end.total : end.passed / end.total >= end.minPassRate;
}

export function finishRun(ws: Workspace, runId: number, end: RunEnd): RunSummary {
  return writeTransaction(ws.db, () => {
    const gate = gatePasses(end);
    const passRate = end.total === 0 ? 0 : end.passed / end.total;
    sql(ws.db, 'UPDATE runs SET status = ?, finished_at = ?, total = ?, passed = ?, pass_rate = ?, min_pass_rate = ?, gate_passed = ?, cost_usd = ?, cost_known = ? WHERE id = ?').run(
      end.status,
      ws.now(),
      end.total,
      end.passed,
      passRate,
      end.minPassRate,
      gate ? 1 : 0,
      end.costUsd,
      end.costKnown ? 1 : 0,
      runId,
    );
    const summary = getRunSummary(ws, runId);
    const agentId = (sql(ws.db, 'SELECT agent_id FROM runs WHERE id = ?').get(runId) as { agent_id: number }).agent_id;
    appendAudit(ws, {
      action: 'run.finish',
      agentId,
      subject: `${summary.version} × ${summary.suite}#${summary.suiteRevision}`,
      after: { runId, status: end.status, passed: end.passed, total: end.total, passRate, gatePassed: gate },
    });
    return summary;
  });
}

export function getRunSummary(ws: Workspace, runId: number): RunSummary {
  const row = sql(ws.db, `${RUN_SQL} WHERE runs.id = ?`).get(runId) as RunRow | undefined;
  if (!row) throw new SlipwayError('not_found', `no run ${runId}`);
  return toSummary(row);
}

export function runResults(ws: Workspace, runId: number): CaseResult[] {
  const rows = sql(ws.db, 'SELECT result FROM run_results WHERE run_id = ? ORDER BY rowid').all(runId) as Array<{ result: string }>;
  return rows.map((row) => JSON.parse(row.result) as CaseResult);
}

export function listRuns(ws: Workspace, agentName: string, suite?: string): RunSummary[] {
  const agent = requireAgent(ws, agentName);
  const rows = sql(ws.db, `${RUN_SQL} WHERE runs.agent_id = ? AND (? IS NULL OR suites.name = ?) ORDER BY runs.id DESC`).all(agent.id, suite ?? null, suite ?? null) as RunRow[];
  return rows.map(toSummary);
}

/** The evidence a release's eval gate asks for; only a run that ended has one. */
export function attestationOf(summary: RunSummary): Attestation | null {
  if (summary.status === 'running' || summary.finishedAt === null) return null;
  return {
    versionHash: summary.versionHash,
    suite: summary.suite,
    suiteRevisionHash: summary.suiteRevisionHash,
    passed: summary.gatePassed ?? false,
    total: summary.total ?? 0,
    passRate: summary.passRate ?? 0,
    minPassRate: summary.minPassRate,
    runId: summary.id,
    finishedAt: summary.finishedAt,
  };
}

/** The latest answer for a version's case and repeat, from any earlier run, for the result cache. */
export function cachedAnswer(ws: Workspace, versionHash: string, caseId: string, repeat: number): CaseResult | undefined {
  const row = sql(
    ws.db,
    "SELECT run_results.result FROM run_results JOIN runs ON runs.id = run_results.run_id WHERE runs.version_hash = ? AND case_id = ? AND repeat = ? AND run_results.status <> 'errored' ORDER BY runs.id DESC LIMIT 1",
  ).get(versionHash, caseId, repeat) as { result: string } | undefined;
  return row ? (JSON.parse(row.result) as CaseResult) : undefined;
}

export interface RunComparison {
  earlier: number;
  later: number;
  newFailures: string[];
  fixes: string[];
  stillFailing: string[];
}

function caseOutcomes(results: CaseResult[]): Map<string, boolean> {
  const outcomes = new Map<string, boolean>();
  for (const result of results) outcomes.set(result.caseId, (outcomes.get(result.caseId) ?? true) && result.status === 'passed');
  return outcomes;
}

/** What changed between two runs of the same suite: cases that broke, cases that were fixed. */
export function compareRuns(ws: Workspace, earlierId: number, laterId: number): RunComparison {
  const earlier = getRunSummary(ws, earlierId);
  const later = getRunSummary(ws, laterId);
  if (earlier.suite !== later.suite || earlier.agent !== later.agent) {
    throw new SlipwayError('invalid_input', `runs ${earlierId} and ${laterId} are of different suites (${earlier.agent}/${earlier.suite}, ${later.agent}/${later.suite})`);
  }
  const before = caseOutcomes(runResults(ws, earlierId));
  const after = caseOutcomes(runResults(ws, laterId));
  const ids = [...after.keys()];
  return {
    earlier: earlierId,
    later: laterId,
    newFailures: ids.filter((id) => before.get(id) === true && after.get(id) === false),
    fixes: ids.filter((id) => before.get(id) === false && after.get(id) === true),
    stillFailing: ids.filter((id) => before.get(id) === false && after.get(id) === false),
  };
}
