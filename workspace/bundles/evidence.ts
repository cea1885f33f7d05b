import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import { parseJsonWithin } from '../../shared/bounded-parse';
import { clip } from '../../shared/issues';
import { normalizeLineEndings } from '../../shared/agent-files';
import {
  evidencePath,
  ImportedEvidence,
  LIMITS,
  type BundledEvidence,
  type BundledVersion,
  type BundleManifest,
} from '../../shared/bundle';
import { nodeSha256 } from '../../shared/node/sha256';
import { parseSuiteYaml } from '../../shared/suite-file';
import { SlipwayError } from '../../shared/errors';
import { refuse } from '../../shared/node/bundle-archive';
import { comparisonReport } from '../comparing/handlers';
import { sql, typed } from '../statements';
import { jsonColumn } from '../../shared/json-column';
import { listComparisons } from '../comparing/comparisons';
import { findAgent, requireAgent } from '../lookup';
import { listRuns, runResults } from '../testing/runs';
import { getSuite, listSuites, saveSuite } from '../testing/suites';
import type { Workspace } from '../workspace';

const EvidenceRow = z.object({
  id: z.number(),
  kind: z.enum(['run', 'comparison']),
  title: z.string(),
  versions: jsonColumn(ImportedEvidence.shape.versions),
  source: jsonColumn(ImportedEvidence.shape.source),
  imported_at: z.string(),
});
const EvidenceFileRow = z.object({ kind: z.enum(['run', 'comparison']), content: z.string(), agent: z.string() });

/** Evidence in bundles: exported with versions on request, checked on inspection, imported with them. */

export interface EvidenceFile {
  item: BundledEvidence;
  content: string;
}

/** The bundled agents' suites, and the ended runs and finished comparisons of the bundled versions. */
export function collectEvidence(ws: Workspace, versions: BundledVersion[]): EvidenceFile[] {
  const files: EvidenceFile[] = [];
  for (const agent of [...new Set(versions.map((version) => version.agent))]) {
    const semverOf = new Map(
      versions.filter((version) => version.agent === agent).map((version) => [version.hash, version.semver]),
    );
    for (const suite of listSuites(ws, agent)) {
      files.push({
        item: {
          kind: 'suite',
          agent,
          path: evidencePath('suite', agent, suite.name),
          title: `suite ${suite.name} (revision ${suite.revision})`,
          versions: [],
        },
        content: suite.content,
      });
    }
    for (const run of listRuns(ws, agent)) {
      const semver = semverOf.get(run.versionHash);
      if (!semver || run.status === 'running') continue;
      const title = `${run.suite} on ${semver}: ${run.passed ?? 0}/${run.total ?? 0} passed (${run.status}, ${run.finishedAt ?? run.startedAt})`;
      files.push({
        item: { kind: 'run', agent, path: evidencePath('run', agent, `run-${run.id}`), title, versions: [semver] },
        content: `${JSON.stringify({ summary: run, results: runResults(ws, run.id) }, null, 2)}\n`,
      });
    }
    for (const comparison of listComparisons(ws, agent)) {
      const concerned = comparison.refs.flatMap((ref) => semverOf.get(ref.hash) ?? []);
      if (concerned.length === 0 || comparison.status !== 'finished') continue;
      const title = `comparison of ${comparison.refs.map((ref) => ref.version).join(' vs ')} on ${comparison.dataset.name} (${comparison.finishedAt ?? comparison.startedAt})`;
      files.push({
        item: {
          kind: 'comparison',
          agent,
          path: evidencePath('comparison', agent, `comparison-${comparison.id}`),
          title,
          versions: [...new Set(concerned)],
        },
        content: comparisonReport(ws, comparison.id, 'html').content,
      });
    }
  }
  return files;
}

const RunEvidence = z.object({
  summary: z.object({ suite: z.string(), version: z.string() }).loose(),
  results: z.array(z.unknown()),
});

/** Checks each piece of evidence (a suite must parse, a run must be a run) and says which are new here. Writes nothing. */
export function planEvidence(
  ws: Workspace,
  manifest: BundleManifest,
  entries: Map<string, Buffer>,
): { add: string[]; present: string[] } {
  const plan = { add: [] as string[], present: [] as string[] };
  const agents = new Set(manifest.versions.map((version) => version.agent));
  for (const item of manifest.evidence) {
    if (!agents.has(item.agent)) throw refuse(`${item.path}: evidence for ${item.agent}, which has no version in the bundle`);
    const bytes = entries.get(item.path);
    if (bytes === undefined) throw refuse(`${item.path}: listed as evidence but missing`);
    if (!isUtf8(bytes)) throw refuse(`${item.path}: not UTF-8 text`);
    const content = bytes.toString('utf8');
    if (item.kind === 'suite') {
      try {
        parseSuiteYaml(content, item.path);
      } catch (error) {
        throw refuse(
          `${item.path}: not a suite Slipway reads (${clip(error instanceof Error ? error.message : String(error), 400)})`,
        );
      }
    } else if (item.kind === 'run' && !RunEvidence.safeParse(safeJson(content)).success) {
      throw refuse(`${item.path}: not a run Slipway reads`);
    }
    (isPresent(ws, item, content) ? plan.present : plan.add).push(item.title);
  }
  return plan;
}

/** A run's JSON under the limits, or null (which no run schema takes). */
function safeJson(text: string): unknown {
  try {
    return parseJsonWithin(text, LIMITS.entryBytes, 'the run');
  } catch {
    return null;
  }
}

function isPresent(ws: Workspace, item: BundledEvidence, content: string): boolean {
  const agent = findAgent(ws, item.agent);
  if (!agent) return false;
  if (item.kind === 'suite') {
    const name = parseSuiteYaml(content, item.path).name;
    const here = listSuites(ws, item.agent).find((suite) => suite.name === name);
    return here !== undefined && getSuite(ws, item.agent, name).content === normalizeLineEndings(content);
  }
  return (
    sql(ws.db, 'SELECT 1 FROM imported_evidence WHERE agent_id = ? AND sha256 = ?').get(agent.id, nodeSha256(content)) !==
    undefined
  );
}

/** Inside the import's transaction: suites become their next revision here; runs and reports are kept as imported evidence. */
export function importEvidence(
  ws: Workspace,
  manifest: BundleManifest,
  entries: Map<string, Buffer>,
  signer: string | null,
): { suiteRevisionIds: number[] } {
  const suiteRevisionIds: number[] = [];
  const source = JSON.stringify({ ...manifest.exportedFrom, exportedAt: manifest.createdAt, signedBy: signer });
  for (const item of manifest.evidence) {
    const content = entries.get(item.path)?.toString('utf8') ?? '';
    if (isPresent(ws, item, content)) continue;
    if (item.kind === 'suite') {
      const saved = saveSuite(
        ws,
        item.agent,
        content,
        `imported from a bundle of ${manifest.exportedFrom.workspace} (${manifest.exportedFrom.author})`,
      );
      suiteRevisionIds.push(saved.id);
      continue;
    }
    const agent = requireAgent(ws, item.agent);
    sql(
      ws.db,
      'INSERT INTO imported_evidence (agent_id, kind, title, versions, sha256, content, source, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(agent.id, item.kind, item.title, JSON.stringify(item.versions), nodeSha256(content), content, source, ws.now());
  }
  return { suiteRevisionIds };
}

/** The runs and reports that came with bundles, newest first. */
export function listImportedEvidence(ws: Workspace, agentName: string): ImportedEvidence[] {
  const agent = requireAgent(ws, agentName);
  const rows = typed(
    ws.db,
    EvidenceRow,
    'SELECT id, kind, title, versions, source, imported_at FROM imported_evidence WHERE agent_id = ? ORDER BY id DESC',
  ).all(agent.id);
  return rows.map(({ imported_at: importedAt, ...row }) => ({ ...row, importedAt }));
}

/** One piece of imported evidence as a file to save: the run's JSON or the comparison's HTML report. */
export function importedEvidenceFile(ws: Workspace, id: number): { fileName: string; content: string } {
  const row = typed(
    ws.db,
    EvidenceFileRow,
    'SELECT imported_evidence.kind, imported_evidence.content, agents.name AS agent FROM imported_evidence JOIN agents ON agents.id = imported_evidence.agent_id WHERE imported_evidence.id = ?',
  ).get(id);
  if (!row) throw new SlipwayError('not_found', `no imported evidence ${id}`);
  return { fileName: `${row.agent}-imported-${row.kind}-${id}.${row.kind === 'run' ? 'json' : 'html'}`, content: row.content };
}
