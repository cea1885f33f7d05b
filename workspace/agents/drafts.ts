import { z } from 'zod';
import { AGENT_FILES, isAgentFileName, normalizeLineEndings } from '../../shared/agent-files';
import type { Draft, RestoredDraft } from '../../shared/contract/agents';
import { SlipwayError } from '../../shared/errors';
import { parseRefIn } from '../../shared/ref';
import { writeTransaction } from '../../shared/node/sqlite';
import { sql, typed } from '../statements';
import type { Workspace } from '../workspace';
import { appendAudit } from '../audit/audit-log';
import { requireActiveAgent, requireAgent, resolveVersion, semverOf, versionFiles, type AgentRow } from '../lookup';

const NameContentRow = z.object({ name: z.string(), content: z.string() });
const ParentIdRow = z.object({ parent_id: z.number().nullable() });
const ParentIdUpdatedAtRow = z.object({ parent_id: z.number().nullable(), updated_at: z.string() });

/** What a new agent starts with: a draft that is already valid, so the first snapshot is one step away. */
export const STARTER_FILES: Readonly<Record<string, string>> = {
  'prompt.md': 'You are a helpful assistant.\n',
  'user.md': '{{message}}\n',
  'config.yaml': 'provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\ntemperature: 0.2\nmax_tokens: 512\n',
  'tools.json': '[]\n',
};

function checkFileName(name: string): void {
  if (!isAgentFileName(name)) {
    throw new SlipwayError('invalid_files', `"${name}" is not an agent file: allowed files are ${AGENT_FILES.join(', ')}`);
  }
}

export function draftFiles(ws: Workspace, agentId: number): Record<string, string> {
  const rows = typed(ws.db, NameContentRow, 'SELECT name, content FROM draft_files WHERE agent_id = ? ORDER BY name').all(
    agentId,
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.content]));
}

export function draftParentId(ws: Workspace, agentId: number): number | null {
  return typed(ws.db, ParentIdRow, 'SELECT parent_id FROM drafts WHERE agent_id = ?').get(agentId)?.parent_id ?? null;
}

function changedFiles(files: Record<string, string>, parent: Record<string, string> | null): string[] {
  if (!parent) return Object.keys(files).sort();
  const names = new Set([...Object.keys(files), ...Object.keys(parent)]);
  return [...names].filter((name) => files[name] !== parent[name]).sort();
}

export function readDraft(ws: Workspace, agent: AgentRow): Draft {
  const row = typed(ws.db, ParentIdUpdatedAtRow, 'SELECT parent_id, updated_at FROM drafts WHERE agent_id = ?').one(agent.id);
  const files = draftFiles(ws, agent.id);
  const changed = changedFiles(files, row.parent_id === null ? null : versionFiles(ws, row.parent_id));
  return {
    agent: agent.name,
    parent: semverOf(ws, row.parent_id),
    files,
    updatedAt: row.updated_at,
    changed: changed.length > 0,
    changedFiles: changed,
  };
}

/**
 * Replaces the draft's files and parent, writing only the files that differ (a snapshot
 * usually changes one file, and every byte written is WAL to checkpoint). Runs inside the
 * caller's write transaction.
 */
export function storeDraft(
  ws: Workspace,
  agentId: number,
  files: Readonly<Record<string, string>>,
  parentId: number | null,
  current = draftFiles(ws, agentId),
): void {
  const upsert = sql(
    ws.db,
    'INSERT INTO draft_files (agent_id, name, content) VALUES (?, ?, ?) ON CONFLICT(agent_id, name) DO UPDATE SET content = excluded.content',
  );
  const remove = sql(ws.db, 'DELETE FROM draft_files WHERE agent_id = ? AND name = ?');
  for (const name of Object.keys(current)) if (files[name] === undefined) remove.run(agentId, name);
  for (const [name, text] of Object.entries(files)) {
    const content = normalizeLineEndings(text);
    if (current[name] !== content) upsert.run(agentId, name, content);
  }
  sql(
    ws.db,
    'INSERT INTO drafts (agent_id, parent_id, updated_at) VALUES (?, ?, ?) ON CONFLICT(agent_id) DO UPDATE SET parent_id = excluded.parent_id, updated_at = excluded.updated_at',
  ).run(agentId, parentId, ws.now());
}

function touch(ws: Workspace, agentId: number): void {
  sql(ws.db, 'UPDATE drafts SET updated_at = ? WHERE agent_id = ?').run(ws.now(), agentId);
}

export function getDraft(ws: Workspace, name: string): Draft {
  return readDraft(ws, requireAgent(ws, name));
}

export function writeDraftFile(ws: Workspace, name: string, file: string, content: string): Draft {
  checkFileName(file);
  return writeTransaction(ws.db, () => {
    const agent = requireActiveAgent(ws, name);
    sql(
      ws.db,
      'INSERT INTO draft_files (agent_id, name, content) VALUES (?, ?, ?) ON CONFLICT(agent_id, name) DO UPDATE SET content = excluded.content',
    ).run(agent.id, file, normalizeLineEndings(content));
    touch(ws, agent.id);
    return readDraft(ws, agent);
  });
}

export function removeDraftFile(ws: Workspace, name: string, file: string): Draft {
  checkFileName(file);
  return writeTransaction(ws.db, () => {
    const agent = requireActiveAgent(ws, name);
    const result = sql(ws.db, 'DELETE FROM draft_files WHERE agent_id = ? AND name = ?').run(agent.id, file);
    if (result.changes === 0) throw new SlipwayError('not_found', `the draft of "${name}" has no file ${file}`);
    touch(ws, agent.id);
    return readDraft(ws, agent);
  });
}

export function replaceDraft(ws: Workspace, name: string, files: Record<string, string>): Draft {
  Object.keys(files).forEach(checkFileName);
  return writeTransaction(ws.db, () => {
    const agent = requireActiveAgent(ws, name);
    storeDraft(ws, agent.id, files, draftParentId(ws, agent.id));
    return readDraft(ws, agent);
  });
}

const ReplacedDraft = z.object({ parent: z.string().nullable(), files: z.record(z.string(), z.string()).optional() });
const ReplacingRow = z.object({ action: z.string(), agent_id: z.number().nullable(), before: z.string().nullable() });

/**
 * Puts new files and parent into the draft. The replaced draft's changes go into the audit row,
 * so they are never lost and `recoverDraft` can put them back; answers that row's id when there
 * were changes to keep.
 */
function replaceDraftWith(
  ws: Workspace,
  agent: AgentRow,
  action: 'draft.reset' | 'draft.recover',
  files: Record<string, string>,
  parentId: number | null,
  extra: Record<string, unknown>,
): RestoredDraft {
  const previous = readDraft(ws, agent);
  storeDraft(ws, agent.id, files, parentId);
  const id = appendAudit(ws, {
    action,
    agentId: agent.id,
    subject: `${agent.name}@draft`,
    before: {
      parent: previous.parent,
      changedFiles: previous.changedFiles,
      files: previous.changed ? previous.files : undefined,
    },
    after: { parent: semverOf(ws, parentId), ...extra },
  });
  return { ...readDraft(ws, agent), replaced: previous.changed ? id : null };
}

/** Checks a version out into the draft. */
export function resetDraft(ws: Workspace, name: string, refText: string): RestoredDraft {
  const ref = parseRefIn(name, refText);
  return writeTransaction(ws.db, () => {
    const agent = requireActiveAgent(ws, name);
    const { version } = resolveVersion(ws, ref);
    return replaceDraftWith(ws, agent, 'draft.reset', versionFiles(ws, version.id), version.id, {});
  });
}

/** Undoes a restore: the draft it replaced (files and parent) comes back, and what is there now is kept the same way. */
export function recoverDraft(ws: Workspace, name: string, auditId: number): RestoredDraft {
  return writeTransaction(ws.db, () => {
    const agent = requireActiveAgent(ws, name);
    const row = typed(ws.db, ReplacingRow, 'SELECT action, agent_id, before FROM audit WHERE id = ?').get(auditId);
    if (!row || row.agent_id !== agent.id || (row.action !== 'draft.reset' && row.action !== 'draft.recover')) {
      throw new SlipwayError('not_found', `audit row ${auditId} is not a restore of ${name}'s draft`);
    }
    const replaced = ReplacedDraft.safeParse(row.before === null ? null : JSON.parse(row.before));
    if (!replaced.success || !replaced.data.files) {
      throw new SlipwayError(
        'invalid_input',
        `audit row ${auditId} replaced a draft without changes: there is nothing to recover`,
      );
    }
    const parent = replaced.data.parent === null ? null : resolveVersion(ws, parseRefIn(name, replaced.data.parent)).version.id;
    return replaceDraftWith(ws, agent, 'draft.recover', replaced.data.files, parent, { recovered: auditId });
  });
}
