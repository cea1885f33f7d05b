import type { AuditEntry } from './contract/audit';
import { diffFiles, type FileDiff } from './file-diff';

/** One field an action changed, as text a person reads: never JSON cut mid-token. */
export interface FieldChange {
  field: string;
  before: string | null;
  after: string | null;
}

/** An audit row as the Audit tab shows it: what changed field by field, files as diffs, and the runtime's answer joined to a release action. */
export interface AuditRowView {
  entry: AuditEntry;
  changes: FieldChange[];
  files: FileDiff[];
  /** The runtime's events for this release action (same agent, target and generation). */
  answers: AuditEntry[];
}

const MAX_TEXT = 160;
const MAX_ITEMS = 8;
const MAX_DEPTH = 3;

function clipText(text: string): string {
  if (text.length <= MAX_TEXT) return text;
  const cut = text.slice(0, MAX_TEXT);
  const space = cut.lastIndexOf(' ');
  return `${space > MAX_TEXT / 2 ? cut.slice(0, space) : cut}…`;
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return clipText(value.replace(/\s+/g, ' ').trim() || '(empty)');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => (typeof item === 'object' && item !== null ? '{…}' : scalarText(item)));
    return `${items.join(', ') || '(none)'}${value.length > MAX_ITEMS ? `, and ${value.length - MAX_ITEMS} more` : ''}`;
  }
  return `${Object.keys(value as object).length} fields`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFileSet(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((content) => typeof content === 'string');
}

/** Dot paths to readable text, a few levels deep; `files` is left to the diff. */
function flatten(value: unknown, prefix = '', depth = 0, into = new Map<string, string>()): Map<string, string> {
  if (!isRecord(value) || depth >= MAX_DEPTH) {
    if (prefix) into.set(prefix, scalarText(value));
    return into;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (depth === 0 && key === 'files' && isFileSet(inner)) continue;
    flatten(inner, prefix ? `${prefix}.${key}` : key, depth + 1, into);
  }
  return into;
}

/** What one row changed: each field whose text differs before and after, and its files as diffs. */
export function changesOf(entry: Pick<AuditEntry, 'before' | 'after'>): { changes: FieldChange[]; files: FileDiff[] } {
  const before = flatten(entry.before);
  const after = flatten(entry.after);
  const fields = [...new Set([...before.keys(), ...after.keys()])];
  const changes = fields
    .filter((field) => before.get(field) !== after.get(field))
    .map((field) => ({ field, before: before.get(field) ?? null, after: after.get(field) ?? null }));
  const beforeFiles = isRecord(entry.before) && isFileSet(entry.before.files) ? entry.before.files : null;
  const afterFiles = isRecord(entry.after) && isFileSet(entry.after.files) ? entry.after.files : null;
  const files =
    beforeFiles || afterFiles
      ? diffFiles(beforeFiles ?? {}, afterFiles ?? {}, { before: 'before', after: 'after' }).filter(
          (file) => file.status !== 'unchanged',
        )
      : [];
  return { changes, files };
}

const generationOf = (value: unknown): number | null =>
  isRecord(value) && typeof value.generation === 'number' ? value.generation : null;

/** "triage on prod (event 12)" → "prod": the target a release or runtime row is about. */
function targetOf(entry: AuditEntry): string | null {
  const match = / on (\S+)(?: \(event \d+\))?$/.exec(entry.subject);
  return match?.[1] ?? null;
}

/**
 * The rows the Audit tab shows: a release action made here with the runtime's own event for it
 * (same agent, target and generation) joined to it as its answer, so one action is one row.
 * Runtime events nobody here caused (a guardrail's rollback, another client's command) stay rows.
 */
export function auditRows(entries: readonly AuditEntry[]): AuditRowView[] {
  const answered = new Set<number>();
  const answersOf = new Map<number, AuditEntry[]>();
  for (const entry of entries) {
    if (!entry.action.startsWith('release.')) continue;
    const generation = generationOf(entry.after);
    const target = targetOf(entry);
    if (generation === null || target === null) continue;
    const answers = entries.filter(
      (candidate) =>
        candidate.action.startsWith('runtime.') &&
        !answered.has(candidate.id) &&
        candidate.agent === entry.agent &&
        targetOf(candidate) === target &&
        generationOf(candidate.after) === generation,
    );
    for (const answer of answers) answered.add(answer.id);
    if (answers.length) answersOf.set(entry.id, answers);
  }
  return entries
    .filter((entry) => !answered.has(entry.id))
    .map((entry) => ({ entry, ...changesOf(entry), answers: answersOf.get(entry.id) ?? [] }));
}
