import { z } from 'zod';
import { AgentName, LabelName, Semver } from '../names';
import { BUMPS } from '../semver';
import { Message, Reason, RefText, method, query } from './common';
import { Diagnostic, FileSet } from './agents';

/** Immutable versions and the labels that point at them. */

export const BumpKind = z.enum(BUMPS);

export const VersionSummary = z.object({
  agent: AgentName,
  semver: Semver,
  hash: z.string(),
  parent: Semver.nullable(),
  author: z.string(),
  message: z.string(),
  bump: BumpKind.nullable(),
  createdAt: z.string(),
  labels: z.array(LabelName),
});
export type VersionSummary = z.infer<typeof VersionSummary>;

export const VersionDetail = VersionSummary.extend({
  files: FileSet,
  manifest: z.array(z.object({ name: z.string(), sha256: z.string() })),
});
export type VersionDetail = z.infer<typeof VersionDetail>;

export const Change = z.object({
  kind: z.string(),
  file: z.string(),
  summary: z.string(),
  bump: BumpKind,
});

export const BumpSuggestion = z.object({
  /** null when there is nothing to snapshot. */
  bump: BumpKind.nullable(),
  version: Semver.nullable(),
  reason: z.string(),
  changes: z.array(Change),
  diagnostics: z.array(Diagnostic),
});
export type BumpSuggestion = z.infer<typeof BumpSuggestion>;

export const VersionDiff = z.object({
  from: z.string(),
  to: z.string(),
  /** Every file of both sides, for side-by-side views. */
  before: FileSet,
  after: FileSet,
  files: z.array(
    z.object({ name: z.string(), status: z.enum(['added', 'removed', 'modified', 'unchanged']), patch: z.string() }),
  ),
  changes: z.array(Change),
  bump: BumpKind.nullable(),
  reason: z.string(),
});
export type VersionDiff = z.infer<typeof VersionDiff>;

export const LabelState = z.object({
  agent: AgentName,
  name: LabelName,
  semver: Semver,
  hash: z.string(),
  movedAt: z.string(),
  movedBy: z.string(),
});
export type LabelState = z.infer<typeof LabelState>;

export const LabelMove = z.object({
  id: z.int(),
  agent: AgentName,
  label: LabelName,
  from: Semver.nullable(),
  to: Semver,
  actor: z.string(),
  reason: z.string(),
  at: z.string(),
});
export type LabelMove = z.infer<typeof LabelMove>;

/** Snapshot, read and diff versions; move labels. */
export const versionsContract = {
  versions: {
    snapshot: method(
      z.object({
        agent: AgentName,
        message: Message,
        bump: BumpKind.optional(),
        version: z.string().optional(),
        files: FileSet.optional(),
      }),
      VersionDetail,
    ),
    /** Newest first; `limit` answers only the newest ones. */
    list: query(z.object({ agent: AgentName, limit: z.int().min(1).max(100_000).optional() }), z.array(VersionSummary)),
    get: query(z.object({ ref: RefText }), VersionDetail),
    diff: query(z.object({ from: RefText, to: RefText }), VersionDiff),
    /** A version's files (or the draft's), for writing them to a folder. */
    files: query(z.object({ ref: RefText }), z.object({ ref: z.string(), files: FileSet })),
    suggestBump: query(z.object({ agent: AgentName, files: FileSet.optional() }), BumpSuggestion),
  },
  labels: {
    list: query(z.object({ agent: AgentName }), z.array(LabelState)),
    set: method(z.object({ agent: AgentName, label: LabelName, ref: RefText, reason: Reason }), LabelMove),
    history: query(z.object({ agent: AgentName, label: LabelName.optional() }), z.array(LabelMove)),
  },
} as const;
