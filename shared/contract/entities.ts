import { z } from 'zod';
import { AgentName, LabelName, Semver } from '../names';
import { BUMPS } from '../semver';

/** The shapes that cross the contract. Times are ISO-8601 strings, so every transport carries them. */

export const FileSet = z.record(z.string(), z.string());

export const Agent = z.object({
  name: AgentName,
  description: z.string(),
  createdAt: z.string(),
  archived: z.boolean(),
});
export type Agent = z.infer<typeof Agent>;

export const LabelPointer = z.object({ name: LabelName, semver: Semver });

export const AgentSummary = Agent.extend({
  latest: z.object({ semver: Semver, hash: z.string(), createdAt: z.string() }).nullable(),
  versionCount: z.int(),
  labels: z.array(LabelPointer),
  draftChanged: z.boolean(),
});
export type AgentSummary = z.infer<typeof AgentSummary>;

export const Diagnostic = z.object({
  file: z.string(),
  path: z.string(),
  message: z.string(),
  line: z.int(),
  column: z.int(),
});

export const Draft = z.object({
  agent: AgentName,
  parent: Semver.nullable(),
  files: FileSet,
  updatedAt: z.string(),
  changed: z.boolean(),
  changedFiles: z.array(z.string()),
});
export type Draft = z.infer<typeof Draft>;

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

export const AuditEntry = z.object({
  id: z.int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  agent: z.string().nullable(),
  subject: z.string(),
  reason: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditVerification = z.object({
  ok: z.boolean(),
  rows: z.int(),
  firstBadId: z.int().nullable(),
  problem: z.string().nullable(),
});

export const Settings = z.object({
  author: z.string(),
  authorSource: z.enum(['settings', 'git', 'os']),
});
export type Settings = z.infer<typeof Settings>;

/** What the About window shows: every version that matters in a bug report, and where the data is. */
export const About = z.object({
  slipway: z.string(),
  electron: z.string().nullable(),
  chrome: z.string().nullable(),
  node: z.string(),
  sqlite: z.string(),
  betterSqlite3: z.string(),
  platform: z.string(),
  workspace: z.string(),
});
export type About = z.infer<typeof About>;
