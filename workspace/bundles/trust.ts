import { z } from 'zod';
import { clip } from '../../shared/issues';
import type { AgentConfig } from '../../shared/agent-files';
import type { BundleManifest } from '../../shared/bundle';
import type { BundleOrigin, RunAllow, RunCheck } from '../../shared/contract/bundles';
import { SlipwayError } from '../../shared/errors';
import { writeTransaction } from '../../shared/node/sqlite';
import { hostsOf, runNeeds, type RunNeed } from '../../shared/run-needs';
import type { Suite } from '../../shared/suite';
import { parseAgentFiles, validateAgentFiles } from '../../shared/validate-files';
import { appendAudit } from '../audit/audit-log';
import { versionFiles } from '../lookup';
import { sql, typed } from '../statements';
import type { Workspace } from '../workspace';
import { trustedKeys } from './signing';

/**
 * The trust of what came from elsewhere. A version or suite revision imported from a bundle
 * carries its origin; until the user trusts that origin (or the key that signed it), running it
 * may not start a program, send a key or call a host this workspace's own versions never call —
 * the app asks first, the CLI refuses without `--allow-command`, `--allow-keys`, `--allow-hosts`.
 */

const OriginRow = z.object({
  id: z.int(),
  manifest_sha256: z.string(),
  workspace: z.string(),
  author: z.string(),
  exported_at: z.string(),
  signed_by: z.string().nullable(),
  imported_at: z.string(),
  trusted_at: z.string().nullable(),
});
type OriginRow = z.infer<typeof OriginRow>;

const ORIGIN_SQL = `SELECT origins.id, manifest_sha256, workspace, author, exported_at, signed_by, imported_at, trusted_at
  FROM origins LEFT JOIN origin_trust ON origin_trust.origin_id = origins.id`;

/** Inside the import's transaction: the bundle's origin, and which of the versions and suite revisions it brought. */
export function recordOrigin(
  ws: Workspace,
  manifest: BundleManifest,
  manifestSha256: string,
  signedBy: string | null,
  brought: { versionIds: number[]; suiteRevisionIds: number[] },
): void {
  sql(
    ws.db,
    'INSERT OR IGNORE INTO origins (manifest_sha256, workspace, author, exported_at, signed_by, imported_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(manifestSha256, manifest.exportedFrom.workspace, manifest.exportedFrom.author, manifest.createdAt, signedBy, ws.now());
  const origin = typed(ws.db, z.object({ id: z.int() }), 'SELECT id FROM origins WHERE manifest_sha256 = ?').get(manifestSha256);
  if (!origin) return;
  for (const id of brought.versionIds)
    sql(ws.db, 'INSERT INTO version_origins (version_id, origin_id) VALUES (?, ?)').run(id, origin.id);
  for (const id of brought.suiteRevisionIds)
    sql(ws.db, 'INSERT INTO suite_revision_origins (suite_revision_id, origin_id) VALUES (?, ?)').run(id, origin.id);
}

function toOrigin(ws: Workspace, row: OriginRow): BundleOrigin {
  const signer = row.signed_by ? trustedKeys(ws).find((key) => key.fingerprint === row.signed_by) : undefined;
  const versions = typed(
    ws.db,
    z.object({ name: z.string() }),
    `SELECT agents.name || '@' || versions.semver AS name FROM version_origins
       JOIN versions ON versions.id = version_origins.version_id JOIN agents ON agents.id = versions.agent_id
       WHERE origin_id = ? ORDER BY agents.name, versions.major, versions.minor, versions.patch`,
  ).all(row.id);
  const suites = typed(
    ws.db,
    z.object({ name: z.string() }),
    `SELECT agents.name || '/' || suites.name || '#' || suite_revisions.revision AS name FROM suite_revision_origins
       JOIN suite_revisions ON suite_revisions.id = suite_revision_origins.suite_revision_id
       JOIN suites ON suites.id = suite_revisions.suite_id JOIN agents ON agents.id = suites.agent_id
       WHERE origin_id = ? ORDER BY 1`,
  ).all(row.id);
  return {
    manifestSha256: row.manifest_sha256,
    workspace: row.workspace,
    author: row.author,
    exportedAt: row.exported_at,
    importedAt: row.imported_at,
    signedBy: row.signed_by,
    trusted: row.trusted_at !== null || signer !== undefined,
    trustedBecause: row.trusted_at !== null ? `trusted on ${row.trusted_at}` : signer ? `signed by ${signer.name}` : null,
    versions: versions.map((version) => version.name),
    suites: suites.map((suite) => suite.name),
  };
}

export function listOrigins(ws: Workspace): BundleOrigin[] {
  return typed(ws.db, OriginRow, `${ORIGIN_SQL} ORDER BY origins.id DESC`)
    .all()
    .map((row) => toOrigin(ws, row));
}

/** Trusts a bundle's origin: what it brought then runs like the workspace's own. Audited; given once. */
export function trustOrigin(ws: Workspace, manifestSha256: string, reason: string): BundleOrigin {
  return writeTransaction(ws.db, () => {
    const row = typed(ws.db, OriginRow, `${ORIGIN_SQL} WHERE manifest_sha256 = ?`).get(manifestSha256);
    if (!row)
      throw new SlipwayError('not_found', `no bundle with the manifest sha256 ${manifestSha256.slice(0, 64)} was imported here`);
    if (row.trusted_at === null) {
      sql(ws.db, 'INSERT INTO origin_trust (origin_id, trusted_at, trusted_by, reason) VALUES (?, ?, ?, ?)').run(
        row.id,
        ws.now(),
        ws.identity().author,
        reason,
      );
      appendAudit(ws, {
        action: 'bundle.trust',
        agentId: null,
        subject: manifestSha256,
        reason,
        before: null,
        after: { workspace: row.workspace, author: row.author, signedBy: row.signed_by },
      });
    }
    return toOrigin(ws, typed(ws.db, OriginRow, `${ORIGIN_SQL} WHERE manifest_sha256 = ?`).get(manifestSha256) ?? row);
  });
}

/**
 * Where files with this content hash came from: null when any version made here has it (or
 * none was imported); otherwise the origin of an imported version that has it.
 */
function originOfHash(ws: Workspace, hash: string): BundleOrigin | null {
  const rows = typed(
    ws.db,
    z.object({ origin_id: z.int().nullable() }),
    'SELECT version_origins.origin_id FROM versions LEFT JOIN version_origins ON version_origins.version_id = versions.id WHERE versions.hash = ?',
  ).all(hash);
  if (rows.length === 0 || rows.some((row) => row.origin_id === null)) return null;
  const row = typed(ws.db, OriginRow, `${ORIGIN_SQL} WHERE origins.id = ?`).get(rows[0]?.origin_id ?? 0);
  return row ? toOrigin(ws, row) : null;
}

function originOfSuiteRevision(ws: Workspace, revisionId: number): BundleOrigin | null {
  const row = typed(
    ws.db,
    OriginRow,
    `${ORIGIN_SQL} JOIN suite_revision_origins ON suite_revision_origins.origin_id = origins.id WHERE suite_revision_id = ?`,
  ).get(revisionId);
  return row ? toOrigin(ws, row) : null;
}

/**
 * The hosts the workspace's own versions call: a host in this set is not "new". Drafts do not
 * count: restoring an imported version into the draft would make its hosts "used here".
 */
function hostsUsedHere(ws: Workspace): Set<string> {
  const configs: AgentConfig[] = [];
  const collect = (files: Record<string, string>) => {
    if (validateAgentFiles(files).length === 0) configs.push(parseAgentFiles(files).config);
  };
  const own = typed(
    ws.db,
    z.object({ id: z.int() }),
    'SELECT versions.id FROM versions LEFT JOIN version_origins ON version_origins.version_id = versions.id WHERE version_origins.origin_id IS NULL',
  ).all();
  for (const { id } of own) collect(versionFiles(ws, id));
  return hostsOf(configs);
}

/** The needs but the hosts this workspace's own versions call; those are read only when there is a host to judge. */
function withoutHostsUsedHere(ws: Workspace, needs: RunNeed[]): RunNeed[] {
  if (!needs.some((need) => need.kind === 'host')) return needs;
  const used = hostsUsedHere(ws);
  return needs.filter((need) => need.kind !== 'host' || !used.has(need.what));
}

export interface RunTarget {
  versionHash: string;
  label: string;
  agent: ReturnType<typeof parseAgentFiles>;
  suite?: { id: number; suite: Suite; label: string };
}

/** What running this target would do that its untrusted origin has not been allowed (empty when it is all the workspace's own or trusted). */
export function checkRun(ws: Workspace, target: RunTarget): RunCheck {
  const versionOrigin = originOfHash(ws, target.versionHash);
  const suiteOrigin = target.suite ? originOfSuiteRevision(ws, target.suite.id) : null;
  const needs: RunNeed[] = [];
  const untrusted = (origin: BundleOrigin | null) => origin !== null && !origin.trusted;
  // The version's own tool endpoints are called when the suite (the workspace's own, even) is live.
  const live = target.suite?.suite.tools_mode === 'live';
  if (untrusted(versionOrigin))
    needs.push(...runNeeds(target.agent.config, target.agent.tools, live ? { tools_mode: 'live' } : undefined));
  if (untrusted(suiteOrigin) && target.suite)
    needs.push(...runNeeds({ provider: 'mock', model: 'none' }, target.agent.tools, target.suite.suite));
  return {
    origin: untrusted(versionOrigin) ? versionOrigin : untrusted(suiteOrigin) ? suiteOrigin : null,
    needs: withoutHostsUsedHere(ws, needs),
  };
}

const FLAG: Record<RunNeed['kind'], keyof RunAllow> = { command: 'command', key: 'keys', host: 'hosts' };

/** Refuses a run whose untrusted origin needs what `allow` does not grant, saying what and how to allow it. */
/** No allowance: a release puts a version in front of traffic, so only a trusted origin will do. */
export const RELEASE: RunAllow = { command: false, keys: false, hosts: false };

export function requireTrustedRun(ws: Workspace, target: RunTarget, allow: RunAllow): void {
  const { origin, needs } = checkRun(ws, target);
  const refused = needs.filter((need) => !allow[FLAG[need.kind]]);
  if (!origin || refused.length === 0) return;
  const what = refused.map(
    (need) =>
      `${need.kind === 'command' ? 'run' : need.kind === 'key' ? 'send the key' : 'call'} ${clip(need.what, 200)} (${need.by})`,
  );
  const flags = [...new Set(refused.map((need) => `--allow-${FLAG[need.kind]}`))].join(' ');
  const trust = `slipway bundle trust ${origin.manifestSha256} -m WHY`;
  throw new SlipwayError(
    'forbidden',
    `${target.label}${target.suite ? ` with ${target.suite.label}` : ''} came from a bundle of ${clip(origin.workspace, 200)} (${clip(origin.author, 200)}, ${origin.signedBy ? `signed by ${origin.signedBy}, a key not trusted here` : 'unsigned'}) that this workspace does not trust, and would ${what.join('; ')}. ${
      allow === RELEASE
        ? `A release puts it in front of traffic: trust the bundle first (${trust})`
        : `Trust the bundle (${trust}) or allow this run (${flags})`
    }`,
  );
}
