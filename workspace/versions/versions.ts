import { z } from 'zod';
import { normalizeLineEndings } from '../../shared/agent-files';
import { describeChanges, suggestBump, type Change } from '../../shared/changes';
import type { BumpSuggestion, VersionDetail, VersionDiff, VersionSummary } from '../../shared/contract/versions';
import { SlipwayError } from '../../shared/errors';
import { diffFiles } from '../../shared/file-diff';
import { canonicalManifest, type ManifestEntry } from '../../shared/manifest';
import { parseRef, formatRef, type Ref } from '../../shared/ref';
import { applyBump, bumpBetween, chooseVersion, type Bump } from '../../shared/semver';
import { parseAgentFiles, validateAgentFiles } from '../../shared/validate-files';
import { snapshotRules } from '../../shared/node/json-schema-rules';
import { nodeSha256 } from '../../shared/node/sha256';
import { writeTransaction } from '../../shared/node/sqlite';
import { sql, typed, typedArrays } from '../statements';
import type { Workspace } from '../workspace';
import { appendAudit } from '../audit/audit-log';
import { draftFiles, draftParentId, storeDraft, STARTER_FILES } from '../agents/drafts';
import { createAgent } from '../agents/agents';
import {
  findAgent,
  highestVersion,
  labelsByVersion,
  requireActiveAgent,
  requireAgent,
  resolveVersion,
  semverOf,
  versionById,
  versionFiles,
  AgentRow,
  VersionRow,
} from '../lookup';

const IdRow = z.object({ id: z.number() });

type Files = Record<string, string>;

function normalize(files: Files): Files {
  return Object.fromEntries(Object.entries(files).map(([name, text]) => [name, normalizeLineEndings(text)]));
}

interface Plan {
  files: Files;
  manifest: ReturnType<typeof canonicalManifest>;
  highest: VersionRow | undefined;
  bump: Bump | null;
  reason: string;
  changes: Change[];
}

/** Validates files and works out what a snapshot of them against the agent's highest version would be. */
function plan(ws: Workspace, agent: AgentRow, files: Files): Plan {
  const parsed = parseAgentFiles(files, snapshotRules(agent.name));
  const manifest = canonicalManifest(files, nodeSha256);
  const highest = highestVersion(ws, agent.id);
  if (!highest) return { files, manifest, highest, bump: null, reason: 'first version', changes: [] };
  if (highest.hash === manifest.hash) {
    return { files, manifest, highest, bump: null, reason: `no changes since ${highest.semver}`, changes: [] };
  }
  const previousFiles = versionFiles(ws, highest.id);
  const changes = describeChanges(parseAgentFiles(previousFiles), parsed, previousFiles, files);
  const suggestion = suggestBump(changes);
  // Files can differ while parsing to the same thing and no formatting rule catches it (a file
  // renamed away and back, say); that still changes the content hash, so call it a patch.
  return suggestion
    ? { files, manifest, highest, bump: suggestion.bump, reason: suggestion.reason, changes }
    : { files, manifest, highest, bump: 'patch', reason: 'files changed → patch', changes };
}

function toSummary(ws: Workspace, agent: AgentRow, row: VersionRow, labels: Map<number, string[]>): VersionSummary {
  return {
    agent: agent.name,
    semver: row.semver,
    hash: row.hash,
    parent: semverOf(ws, row.parent_id),
    author: row.author,
    message: row.message,
    bump: row.bump,
    createdAt: row.created_at,
    labels: labels.get(row.id) ?? [],
  };
}

function toDetail(
  ws: Workspace,
  agent: AgentRow,
  row: VersionRow,
  known?: { files: Files; manifest: ManifestEntry[] },
): VersionDetail {
  const files = known?.files ?? versionFiles(ws, row.id);
  const manifest = known?.manifest ?? canonicalManifest(files, nodeSha256).entries;
  return { ...toSummary(ws, agent, row, labelsByVersion(ws, agent.id)), files, manifest };
}

export interface SnapshotRequest {
  agent: string;
  message: string;
  bump?: Bump | undefined;
  version?: string | undefined;
  files?: Files | undefined;
  /** Overrides the workspace author (the sample loader). */
  author?: string;
}

/** Inside a write transaction: a version row and its files (blobs shared by content). */
function insertVersion(
  ws: Workspace,
  row: {
    agentId: number;
    semver: string;
    hash: string;
    manifest: string;
    parentId: number | null;
    author: string;
    message: string;
    bump: Bump | null;
    createdAt: string;
  },
  files: Files,
  entries: ReadonlyArray<{ name: string; sha256: string }>,
): number {
  const [major, minor, patch] = row.semver.split('.').map(Number);
  const versionId = Number(
    sql(
      ws.db,
      'INSERT INTO versions (agent_id, semver, major, minor, patch, hash, manifest, parent_id, author, message, bump, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      row.agentId,
      row.semver,
      major,
      minor,
      patch,
      row.hash,
      row.manifest,
      row.parentId,
      row.author,
      row.message,
      row.bump,
      row.createdAt,
    ).lastInsertRowid,
  );
  const putBlob = sql(ws.db, 'INSERT OR IGNORE INTO blobs (sha256, size, content) VALUES (?, ?, ?)');
  const putFile = sql(ws.db, 'INSERT INTO version_files (version_id, name, blob_sha256) VALUES (?, ?, ?)');
  for (const { name, sha256 } of entries) {
    const content = files[name] ?? '';
    putBlob.run(sha256, Buffer.byteLength(content, 'utf8'), content);
    putFile.run(versionId, name, sha256);
  }
  return versionId;
}

export function snapshot(ws: Workspace, request: SnapshotRequest): VersionDetail {
  return writeTransaction(ws.db, () => {
    const agent = requireActiveAgent(ws, request.agent);
    const fromDraft = request.files === undefined;
    const draft = draftFiles(ws, agent.id);
    const files = normalize(request.files ?? draft);
    const planned = plan(ws, agent, files);
    if (planned.highest && planned.bump === null) throw new SlipwayError('no_changes', `nothing to snapshot: ${planned.reason}`);
    const semver = chooseVersion(planned.highest?.semver ?? null, planned.bump ?? 'patch', {
      bump: request.bump,
      version: request.version,
    });
    const { hash, text: manifest, entries } = planned.manifest;
    const draftParent = draftParentId(ws, agent.id);
    const parentId = fromDraft ? draftParent : (planned.highest?.id ?? null);
    const author = request.author ?? ws.identity().author;
    const createdAt = ws.now();
    const bump = planned.highest ? bumpBetween(planned.highest.semver, semver) : null;
    const versionId = insertVersion(
      ws,
      { agentId: agent.id, semver, hash, manifest, parentId, author, message: request.message.trim(), bump, createdAt },
      files,
      entries,
    );
    const cleanHash =
      draftParent === null ? canonicalManifest(STARTER_FILES, nodeSha256).hash : versionById(ws, draftParent).hash;
    // A folder snapshot carries the draft along only when the draft holds no unsnapshotted work.
    if (fromDraft || canonicalManifest(draft, nodeSha256).hash === cleanHash) storeDraft(ws, agent.id, files, versionId, draft);
    appendAudit(ws, {
      action: 'version.snapshot',
      agentId: agent.id,
      subject: `${agent.name}@${semver}`,
      reason: request.message.trim(),
      ...(request.author ? { actor: request.author } : {}),
      before: { latest: planned.highest?.semver ?? null },
      after: { semver, hash, suggested: planned.reason, bump },
    });
    const row: VersionRow = {
      id: versionId,
      agent_id: agent.id,
      semver,
      hash,
      parent_id: parentId,
      author,
      message: request.message.trim(),
      bump,
      created_at: createdAt,
    };
    return toDetail(ws, agent, row, { files, manifest: entries });
  });
}

export function suggestForFiles(ws: Workspace, agentName: string, given?: Files): BumpSuggestion {
  const agent = requireAgent(ws, agentName);
  const files = normalize(given ?? draftFiles(ws, agent.id));
  const diagnostics = validateAgentFiles(files, snapshotRules(agent.name));
  if (diagnostics.length > 0) return { bump: null, version: null, reason: 'the files have errors', changes: [], diagnostics };
  const planned = plan(ws, agent, files);
  if (!planned.highest) return { bump: null, version: '1.0.0', reason: 'first version → 1.0.0', changes: [], diagnostics };
  if (planned.bump === null) return { bump: null, version: null, reason: planned.reason, changes: [], diagnostics };
  return {
    bump: planned.bump,
    version: applyBump(planned.highest.semver, planned.bump),
    reason: planned.reason,
    changes: planned.changes,
    diagnostics,
  };
}

const HistoryRow = z.tuple([
  z.int(),
  z.string(),
  z.string(),
  z.string().nullable(),
  z.string(),
  z.string(),
  VersionRow.shape.bump,
  z.string(),
]);

/** An agent's versions, newest first; `limit` answers only the newest ones (History's first screen). */
export function listVersions(ws: Workspace, agentName: string, limit?: number): VersionSummary[] {
  const agent = requireAgent(ws, agentName);
  // The parent's semver comes from a join, so a page of the newest versions names parents outside it.
  const rows = typedArrays(
    ws.db,
    HistoryRow,
    `SELECT v.id, v.semver, v.hash, p.semver, v.author, v.message, v.bump, v.created_at
       FROM versions v LEFT JOIN versions p ON p.id = v.parent_id
      WHERE v.agent_id = ? ORDER BY v.major DESC, v.minor DESC, v.patch DESC LIMIT ?`,
  ).all(agent.id, limit ?? -1);
  const labels = labelsByVersion(ws, agent.id);
  return rows.map(([id, semver, hash, parent, author, message, bump, createdAt]) => ({
    agent: agent.name,
    semver,
    hash,
    parent,
    author,
    message,
    bump,
    createdAt,
    labels: labels.get(id) ?? [],
  }));
}

export function getVersion(ws: Workspace, refText: string): VersionDetail {
  const { agent, version } = resolveVersion(ws, parseRef(refText));
  return toDetail(ws, agent, version);
}

/** The files a ref names, the draft included. */
export function filesAt(ws: Workspace, ref: Ref): { files: Files; label: string } {
  if (ref.selector.kind === 'draft') {
    const agent = requireAgent(ws, ref.agent);
    return { files: draftFiles(ws, agent.id), label: formatRef(ref) };
  }
  const { agent, version } = resolveVersion(ws, ref);
  return { files: versionFiles(ws, version.id), label: `${agent.name}@${version.semver}` };
}

export function diffVersions(ws: Workspace, fromText: string, toText: string): VersionDiff {
  const from = filesAt(ws, parseRef(fromText));
  const to = filesAt(ws, parseRef(toText));
  const files = diffFiles(from.files, to.files, { before: from.label, after: to.label });
  const both = { from: from.label, to: to.label, before: from.files, after: to.files, files };
  if (validateAgentFiles(from.files).length > 0 || validateAgentFiles(to.files).length > 0)
    return { ...both, changes: [], bump: null, reason: 'cannot classify the changes: the draft has errors' };
  const changes = describeChanges(parseAgentFiles(from.files), parseAgentFiles(to.files), from.files, to.files);
  const suggestion = suggestBump(changes);
  return {
    ...both,
    changes,
    bump: suggestion?.bump ?? null,
    reason: suggestion?.reason ?? (files.every((file) => file.status === 'unchanged') ? 'identical' : 'files changed'),
  };
}

/**
 * A version from a bundle, as it was: its semver, parent, author, message and time kept. Inside
 * the import's transaction; the agent is made if this workspace has none of that name.
 */
export function importVersion(
  ws: Workspace,
  version: {
    agent: string;
    semver: string;
    hash: string;
    parent: string | null;
    author: string;
    message: string;
    bump: Bump | null;
    createdAt: string;
  },
  files: Files,
): number {
  // The rules a snapshot obeys hold here too, whoever calls.
  parseAgentFiles(files, snapshotRules(version.agent));
  const agent = findAgent(ws, version.agent) ?? requireAgent(ws, createAgent(ws, version.agent, '').name);
  const parentId =
    version.parent === null
      ? null
      : (typed(ws.db, IdRow, 'SELECT id FROM versions WHERE agent_id = ? AND semver = ?').get(agent.id, version.parent)?.id ??
        null);
  const { text: manifest, entries } = canonicalManifest(files, nodeSha256);
  return insertVersion(
    ws,
    {
      agentId: agent.id,
      semver: version.semver,
      hash: version.hash,
      manifest,
      parentId,
      author: version.author,
      message: version.message,
      bump: version.bump,
      createdAt: version.createdAt,
    },
    files,
    entries,
  );
}
