import { z } from 'zod';
import { SlipwayError } from '../shared/errors';
import type { Ref } from '../shared/ref';
import { typed } from './statements';
import type { Workspace } from './workspace';

const SemverRow = z.object({ semver: z.string() });
const NameContentRow = z.object({ name: z.string(), content: z.string() });
const NameVersionIdRow = z.object({ name: z.string(), version_id: z.int() });
const VersionIdRow = z.object({ version_id: z.int() });

export const AgentRow = z.object({
  id: z.int(),
  name: z.string(),
  description: z.string(),
  created_at: z.string(),
  archived_at: z.string().nullable(),
});
export type AgentRow = z.infer<typeof AgentRow>;

export const VersionRow = z.object({
  id: z.int(),
  agent_id: z.int(),
  semver: z.string(),
  hash: z.string(),
  parent_id: z.int().nullable(),
  author: z.string(),
  message: z.string(),
  bump: z.enum(['major', 'minor', 'patch']).nullable(),
  created_at: z.string(),
});
export type VersionRow = z.infer<typeof VersionRow>;

const Name = z.object({ name: z.string() });

const VERSION_COLUMNS = 'id, agent_id, semver, hash, parent_id, author, message, bump, created_at';

export function findAgent(ws: Workspace, name: string): AgentRow | undefined {
  return typed(ws.db, AgentRow, 'SELECT id, name, description, created_at, archived_at FROM agents WHERE name = ?').get(name);
}

export function requireAgent(ws: Workspace, name: string): AgentRow {
  const agent = findAgent(ws, name);
  if (agent) return agent;
  const names = typed(ws.db, Name, 'SELECT name FROM agents ORDER BY name')
    .all()
    .map((row) => row.name);
  const known = names.length > 0 ? `agents: ${names.join(', ')}` : 'the workspace has no agents yet';
  throw new SlipwayError('not_found', `no agent named "${name}" (${known})`);
}

export function requireActiveAgent(ws: Workspace, name: string): AgentRow {
  const agent = requireAgent(ws, name);
  if (agent.archived_at) throw new SlipwayError('conflict', `agent "${name}" is archived: restore it first`);
  return agent;
}

export function versionById(ws: Workspace, id: number): VersionRow {
  const row = typed(ws.db, VersionRow, `SELECT ${VERSION_COLUMNS} FROM versions WHERE id = ?`).get(id);
  if (!row) throw new SlipwayError('internal', `version row ${id} is missing`);
  return row;
}

export function semverOf(ws: Workspace, id: number | null): string | null {
  if (id === null) return null;
  return typed(ws.db, SemverRow, 'SELECT semver FROM versions WHERE id = ?').get(id)?.semver ?? null;
}

export function highestVersion(ws: Workspace, agentId: number): VersionRow | undefined {
  return typed(
    ws.db,
    VersionRow,
    `SELECT ${VERSION_COLUMNS} FROM versions WHERE agent_id = ? ORDER BY major DESC, minor DESC, patch DESC LIMIT 1`,
  ).get(agentId);
}

export function versionFiles(ws: Workspace, versionId: number): Record<string, string> {
  const rows = typed(
    ws.db,
    NameContentRow,
    `SELECT version_files.name AS name, blobs.content AS content FROM version_files
       JOIN blobs ON blobs.sha256 = version_files.blob_sha256 WHERE version_id = ? ORDER BY name`,
  ).all(versionId);
  return Object.fromEntries(rows.map((row) => [row.name, row.content]));
}

export function labelsByVersion(ws: Workspace, agentId: number): Map<number, string[]> {
  const rows = typed(ws.db, NameVersionIdRow, 'SELECT name, version_id FROM labels WHERE agent_id = ? ORDER BY name').all(
    agentId,
  );
  const map = new Map<number, string[]>();
  for (const row of rows) map.set(row.version_id, [...(map.get(row.version_id) ?? []), row.name]);
  return map;
}

/** The version a ref names. `draft` is not a version: callers that accept it handle it first. */
export function resolveVersion(ws: Workspace, ref: Ref): { agent: AgentRow; version: VersionRow } {
  const agent = requireAgent(ws, ref.agent);
  const { selector } = ref;
  let version: VersionRow | undefined;
  switch (selector.kind) {
    case 'draft':
      throw new SlipwayError('invalid_input', `${ref.agent}@draft is the editable draft, not a version`);
    case 'latest':
      version = highestVersion(ws, agent.id);
      if (!version) throw new SlipwayError('not_found', `agent "${agent.name}" has no versions yet`);
      return { agent, version };
    case 'semver':
      version = typed(
        ws.db,
        VersionRow,
        `SELECT ${VERSION_COLUMNS} FROM versions WHERE agent_id = ? AND major = ? AND minor = ? AND patch = ?`,
      ).get(agent.id, ...selector.semver.split('.').map(Number));
      if (!version) {
        const latest = highestVersion(ws, agent.id);
        throw new SlipwayError(
          'not_found',
          `agent "${agent.name}" has no version ${selector.semver} (${latest ? `latest is ${latest.semver}` : 'no versions yet'})`,
        );
      }
      return { agent, version };
    case 'label': {
      const row = typed(ws.db, VersionIdRow, 'SELECT version_id FROM labels WHERE agent_id = ? AND name = ?').get(
        agent.id,
        selector.label,
      );
      if (!row) {
        const names = typed(ws.db, Name, 'SELECT name FROM labels WHERE agent_id = ? ORDER BY name')
          .all(agent.id)
          .map((label) => label.name);
        throw new SlipwayError(
          'not_found',
          `agent "${agent.name}" has no label "${selector.label}" (${names.length > 0 ? `labels: ${names.join(', ')}` : 'no labels yet'})`,
        );
      }
      return { agent, version: versionById(ws, row.version_id) };
    }
    case 'hash': {
      const rows = typed(
        ws.db,
        VersionRow,
        `SELECT ${VERSION_COLUMNS} FROM versions WHERE agent_id = ? AND hash >= ? AND hash < ? ORDER BY major DESC, minor DESC, patch DESC`,
      ).all(agent.id, selector.prefix, `${selector.prefix}g`);
      const hashes = new Set(rows.map((row) => row.hash));
      if (hashes.size > 1)
        throw new SlipwayError(
          'invalid_input',
          `sha256:${selector.prefix} matches ${hashes.size} different versions of "${agent.name}": give more digits`,
        );
      version = rows[0];
      if (!version)
        throw new SlipwayError('not_found', `agent "${agent.name}" has no version with hash sha256:${selector.prefix}`);
      return { agent, version };
    }
  }
}
