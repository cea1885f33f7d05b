import { z } from 'zod';
import {
  ResultRow,
  RunStatus as StoredRunStatus,
  StoredResult,
  type RunSummary,
  type TrendPoint,
} from '../../shared/contract/testing';
import type { CaseResult, RunStatus } from '../../shared/engine/runner';
import type { Attestation } from '../../shared/release/protocol';
import { gatePasses } from '../../shared/run-report';
import { NO_CHECKS_REASON } from '../../shared/result-status';
import { SlipwayError } from '../../shared/errors';
import { writeTransaction } from '../../shared/node/sqlite';
import { sql, typed } from '../statements';
import { jsonColumn } from '../../shared/json-column';
import type { Workspace } from '../workspace';
import { appendAudit } from '../audit/audit-log';
import { requireAgent } from '../lookup';
import { OWNER, ownerIsGone } from '../owner';

const RunRow = z.object({
  id: z.int(),
  agent: z.string(),
  version_label: z.string(),
  version_hash: z.string(),
  suite: z.string(),
  revision: z.int(),
  suite_hash: z.string(),
  settings: jsonColumn(z.record(z.string(), z.unknown())),
  status: StoredRunStatus,
  actor: z.string(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  total: z.int().nullable(),
  passed: z.int().nullable(),
  pass_rate: z.number().nullable(),
  min_pass_rate: z.number().nullable(),
  gate_passed: z.int().nullable(),
  unchecked: z.int().nullable(),
  unevaluated: z.int().nullable(),
  cost_usd: z.number().nullable(),
  cost_known: z.int().nullable(),
});
type RunRow = z.infer<typeof RunRow>;

const IdOwnerRow = z.object({ id: z.int(), owner: z.string().nullable() });
const CountsRow = z.object({
  total: z.int(),
  passed: z.int().nullable(),
  unchecked: z.int().nullable(),
  unevaluated: z.int().nullable(),
  cost: z.number().nullable(),
});
const AgentIdRow = z.object({ agent_id: z.int() });
const OutcomeRow = ResultRow.pick({ caseId: true, status: true });
const GridRow = ResultRow.omit({ flaky: true });
const SuiteContentRow = z.object({ revisionId: z.int(), name: z.string(), content: z.string() });
const LatencyRow = z.object({ latency: z.number() });

/** A stored result's JSON, read back through the schema it was written by. */
const ResultJson = z.object({ result: jsonColumn(StoredResult) });

const RUN_SQL = `SELECT runs.*, agents.name AS agent, suites.name AS suite, suite_revisions.revision AS revision, suite_revisions.hash AS suite_hash
  FROM runs JOIN agents ON agents.id = runs.agent_id JOIN suite_revisions ON suite_revisions.id = runs.suite_revision_id JOIN suites ON suites.id = suite_revisions.suite_id`;

function toSummary(row: RunRow): RunSummary {
  const summary = {
    id: row.id,
    agent: row.agent,
    version: row.version_label,
    versionHash: row.version_hash,
    suite: row.suite,
    suiteRevision: row.revision,
    suiteRevisionHash: row.suite_hash,
    settings: row.settings,
    status: row.status,
    actor: row.actor,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    total: row.total,
    passed: row.passed,
    passRate: row.pass_rate,
    minPassRate: row.min_pass_rate,
    gatePassed: row.gate_passed === null ? null : row.gate_passed === 1,
    unchecked: row.unchecked,
    unevaluated: row.unevaluated,
    costUsd: row.cost_usd,
    costKnown: row.cost_known === null ? null : row.cost_known === 1,
  };
  return { ...summary, attestation: attestationOf(summary) };
}

export interface NewRun {
  agentId: number;
  versionId: number | null;
  versionLabel: string;
  versionHash: string;
  suiteRevisionId: number;
  settings: Record<string, unknown>;
}

/**
 * Runs left 'running' by a process of this machine that is gone (a crash, a kill) end as
 * 'interrupted', with the results they committed; runs of live processes and of other machines
 * are left alone. Returns the ids it ended.
 */
export function endOrphanedRuns(ws: Workspace): number[] {
  const running = typed(ws.db, IdOwnerRow, "SELECT id, owner FROM runs WHERE status = 'running'").all();
  const orphans = running.filter((run) => ownerIsGone(run.owner));
  for (const run of orphans) {
    const counts = typed(
      ws.db,
      CountsRow,
      `SELECT count(*) AS total, sum(status = 'passed') AS passed, sum(status = 'unchecked') AS unchecked,
         sum(json_extract(result, '$.error.kind') = 'assertion') AS unevaluated, sum(json_extract(result, '$.costUsd')) AS cost
       FROM run_results WHERE run_id = ?`,
    ).get(run.id) ?? { total: 0, passed: 0, unchecked: 0, unevaluated: 0, cost: 0 };
    finishRun(ws, run.id, {
      status: 'interrupted',
      total: counts.total,
      passed: counts.passed ?? 0,
      unchecked: counts.unchecked ?? 0,
      unevaluated: counts.unevaluated ?? 0,
      minPassRate: null,
      costUsd: counts.cost ?? 0,
      costKnown: false,
    });
  }
  return orphans.map((run) => run.id);
}

export function startRun(ws: Workspace, run: NewRun): number {
  return writeTransaction(ws.db, () =>
    Number(
      sql(
        ws.db,
        "INSERT INTO runs (agent_id, version_id, version_label, version_hash, suite_revision_id, settings, status, actor, started_at, owner) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)",
      ).run(
        run.agentId,
        run.versionId,
        run.versionLabel,
        run.versionHash,
        run.suiteRevisionId,
        JSON.stringify(run.settings),
        ws.identity().author,
        ws.now(),
        OWNER,
      ).lastInsertRowid,
    ),
  );
}

/** Each result is committed as it arrives, so a crash or a cancel keeps everything that finished. */
export function recordResult(ws: Workspace, runId: number, result: CaseResult): void {
  writeTransaction(ws.db, () => {
    sql(ws.db, 'INSERT INTO run_results (run_id, case_id, repeat, status, result) VALUES (?, ?, ?, ?, ?)').run(
      runId,
      result.caseId,
      result.repeat,
      result.status,
      JSON.stringify(result),
    );
  });
}

export interface RunEnd {
  status: RunStatus | 'interrupted';
  total: number;
  passed: number;
  /** Results of cases with no assertions, and results with an assertion that could not be evaluated. */
  unchecked: number;
  unevaluated: number;
  minPassRate: number | null;
  costUsd: number;
  costKnown: boolean;
}

export function finishRun(ws: Workspace, runId: number, end: RunEnd): RunSummary {
  return writeTransaction(ws.db, () => {
    const gate = gatePasses(end);
    const passRate = end.total === 0 ? 0 : end.passed / end.total;
    sql(
      ws.db,
      'UPDATE runs SET status = ?, finished_at = ?, total = ?, passed = ?, pass_rate = ?, min_pass_rate = ?, gate_passed = ?, unchecked = ?, unevaluated = ?, cost_usd = ?, cost_known = ? WHERE id = ?',
    ).run(
      end.status,
      ws.now(),
      end.total,
      end.passed,
      passRate,
      end.minPassRate,
      gate ? 1 : 0,
      end.unchecked,
      end.unevaluated,
      end.costUsd,
      end.costKnown ? 1 : 0,
      runId,
    );
    const summary = getRunSummary(ws, runId);
    const agentId = typed(ws.db, AgentIdRow, 'SELECT agent_id FROM runs WHERE id = ?').get(runId)?.agent_id ?? null;
    appendAudit(ws, {
      action: 'run.finish',
      agentId,
      subject: `${summary.version} × ${summary.suite}#${summary.suiteRevision}`,
      after: {
        runId,
        status: end.status,
        passed: end.passed,
        total: end.total,
        passRate,
        gatePassed: gate,
        ...(end.unchecked > 0 ? { unchecked: end.unchecked } : {}),
        ...(end.unevaluated > 0 ? { unevaluated: end.unevaluated } : {}),
      },
    });
    return summary;
  });
}

export function getRunSummary(ws: Workspace, runId: number): RunSummary {
  const row = typed(ws.db, RunRow, `${RUN_SQL} WHERE runs.id = ?`).get(runId);
  if (!row) throw new SlipwayError('not_found', `no run ${runId}`);
  return toSummary(row);
}

export function runResults(ws: Workspace, runId: number): CaseResult[] {
  return typed(ws.db, ResultJson, 'SELECT result FROM run_results WHERE run_id = ? ORDER BY rowid')
    .all(runId)
    .map((row) => row.result);
}

export function listRuns(ws: Workspace, agentName: string, suite?: string): RunSummary[] {
  const agent = requireAgent(ws, agentName);
  const rows = typed(
    ws.db,
    RunRow,
    `${RUN_SQL} WHERE runs.agent_id = ? AND (? IS NULL OR suites.name = ?) ORDER BY runs.id DESC`,
  ).all(agent.id, suite ?? null, suite ?? null);
  return rows.map(toSummary);
}

/** The evidence a release's eval gate asks for; only a run that ended has one. */
function attestationOf(summary: Omit<RunSummary, 'attestation'>): Attestation | null {
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
  return typed(
    ws.db,
    ResultJson,
    "SELECT run_results.result FROM run_results JOIN runs ON runs.id = run_results.run_id WHERE runs.version_hash = ? AND case_id = ? AND repeat = ? AND (run_results.status <> 'errored' OR json_extract(run_results.result, '$.error.kind') = 'assertion') ORDER BY runs.id DESC LIMIT 1",
  ).get(versionHash, caseId, repeat)?.result;
}

export interface RunComparison {
  earlier: number;
  later: number;
  newFailures: string[];
  fixes: string[];
  stillFailing: string[];
}

/** Per case: did every repeat pass? Read from the status column, never the stored JSON. */
function caseOutcomes(ws: Workspace, runId: number): Map<string, boolean> {
  const rows = typed(ws.db, OutcomeRow, 'SELECT case_id AS caseId, status FROM run_results WHERE run_id = ? ORDER BY rowid').all(
    runId,
  );
  const outcomes = new Map<string, boolean>();
  for (const row of rows) outcomes.set(row.caseId, (outcomes.get(row.caseId) ?? true) && row.status === 'passed');
  return outcomes;
}

/** What changed between two runs of the same suite: cases that broke, cases that were fixed. */
export function compareRuns(ws: Workspace, earlierId: number, laterId: number): RunComparison {
  const earlier = getRunSummary(ws, earlierId);
  const later = getRunSummary(ws, laterId);
  if (earlier.suite !== later.suite || earlier.agent !== later.agent) {
    throw new SlipwayError(
      'invalid_input',
      `runs ${earlierId} and ${laterId} are of different suites (${earlier.agent}/${earlier.suite}, ${later.agent}/${later.suite})`,
    );
  }
  const before = caseOutcomes(ws, earlierId);
  const after = caseOutcomes(ws, laterId);
  const ids = [...after.keys()];
  return {
    earlier: earlierId,
    later: laterId,
    newFailures: ids.filter((id) => before.get(id) === true && after.get(id) === false),
    fixes: ids.filter((id) => before.get(id) === false && after.get(id) === true),
    stillFailing: ids.filter((id) => before.get(id) === false && after.get(id) === false),
  };
}

/**
 * A run's results as the grid shows them. SQLite reads the few fields out of each stored JSON,
 * so opening a run of 10,000 results parses none of them in JavaScript.
 */
export function resultRows(ws: Workspace, runId: number): ResultRow[] {
  const rows = typed(
    ws.db,
    GridRow,
    `SELECT case_id AS caseId, repeat, status,
       json_extract(result, '$.latencyMs') AS latencyMs,
       json_extract(result, '$.costUsd') AS costUsd,
       json_extract(result, '$.inputTokens') + json_extract(result, '$.outputTokens') AS tokens,
       CASE WHEN status = 'unchecked' THEN ? ELSE COALESCE(json_extract(result, '$.error.message'),
         (SELECT json_extract(v.value, '$.type') || ': ' || json_extract(v.value, '$.reason') FROM json_each(result, '$.verdicts') AS v
          WHERE json_extract(v.value, '$.pass') = 0 LIMIT 1)) END AS problem
     FROM run_results WHERE run_id = ? ORDER BY rowid`,
  ).all(NO_CHECKS_REASON, runId);
  const outcomes = new Map<string, { passed: boolean; failed: boolean }>();
  for (const row of rows) {
    const seen = outcomes.get(row.caseId) ?? { passed: false, failed: false };
    if (row.status === 'passed') seen.passed = true;
    else seen.failed = true;
    outcomes.set(row.caseId, seen);
  }
  return rows.map((row) => {
    const seen = outcomes.get(row.caseId);
    return { ...row, flaky: Boolean(seen?.passed && seen.failed) };
  });
}

export function runResult(ws: Workspace, runId: number, caseId: string, repeat: number): CaseResult {
  const row = typed(ws.db, ResultJson, 'SELECT result FROM run_results WHERE run_id = ? AND case_id = ? AND repeat = ?').get(
    runId,
    caseId,
    repeat,
  );
  if (!row)
    throw new SlipwayError('not_found', `run ${runId} has no result for case ${caseId}${repeat > 0 ? ` #${repeat + 1}` : ''}`);
  return row.result;
}

/** The suite revision a run used, as saved. */
export function runSuiteContent(ws: Workspace, runId: number): { revisionId: number; name: string; content: string } {
  const row = typed(
    ws.db,
    SuiteContentRow,
    `SELECT suite_revisions.id AS revisionId, suites.name AS name, content FROM runs
       JOIN suite_revisions ON suite_revisions.id = runs.suite_revision_id JOIN suites ON suites.id = suite_revisions.suite_id
       WHERE runs.id = ?`,
  ).get(runId);
  if (!row) throw new SlipwayError('not_found', `no run ${runId}`);
  return row;
}

/** The run of the same suite of the same agent just before this one that ended, if any. */
export function previousRun(ws: Workspace, runId: number): RunSummary | null {
  const run = getRunSummary(ws, runId);
  const row = typed(
    ws.db,
    RunRow,
    `${RUN_SQL} WHERE runs.agent_id = (SELECT agent_id FROM runs WHERE id = ?) AND suites.name = ? AND runs.id < ? AND runs.status <> 'running' ORDER BY runs.id DESC LIMIT 1`,
  ).get(runId, run.suite, runId);
  return row ? toSummary(row) : null;
}

function p95(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? null;
}

/** Each version's latest complete run of each suite (or of one suite), in the order the versions were made. */
export function runTrend(ws: Workspace, agentName: string, suite?: string): TrendPoint[] {
  const agent = requireAgent(ws, agentName);
  const rows = typed(
    ws.db,
    RunRow,
    `${RUN_SQL} JOIN versions ON versions.id = runs.version_id
     WHERE runs.agent_id = ? AND runs.status = 'finished' AND (? IS NULL OR suites.name = ?)
       AND runs.id = (SELECT max(later.id) FROM runs AS later JOIN suite_revisions AS sr ON sr.id = later.suite_revision_id
                      WHERE later.version_id = runs.version_id AND sr.suite_id = suite_revisions.suite_id AND later.status = 'finished')
     ORDER BY versions.id, suites.name`,
  ).all(agent.id, suite ?? null, suite ?? null);
  return rows.map((row) => {
    const latencies = typed(
      ws.db,
      LatencyRow,
      "SELECT json_extract(result, '$.latencyMs') AS latency FROM run_results WHERE run_id = ?",
    )
      .all(row.id)
      .map((entry) => entry.latency);
    return {
      version: row.version_label,
      runId: row.id,
      suite: row.suite,
      passRate: row.pass_rate ?? 0,
      costUsd: row.cost_usd,
      p95LatencyMs: p95(latencies),
      finishedAt: row.finished_at ?? row.started_at,
    };
  });
}
