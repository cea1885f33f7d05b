import { z } from 'zod';
import { AgentName, LabelName, Semver } from '../names';
import { INPUT_LIMITS } from '../limits';
import { OptionalReason, RefText, method, query, textUpTo } from './common';

/** Agents and their drafts: the shapes that cross the contract and the methods. */

export const FileSet = z
  .record(z.string().max(200), textUpTo(INPUT_LIMITS.agentFileChars, 'an agent file'))
  .refine((files) => Object.keys(files).length <= 32, 'an agent has at most 32 files');

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

/** A restore's answer: the new draft, and the audit row holding the changes it replaced (null when there were none). */
export const RestoredDraft = Draft.extend({ replaced: z.int().nullable() });
export type RestoredDraft = z.infer<typeof RestoredDraft>;

/** Create, rename, archive agents; read and write their drafts. */
export const agentsContract = {
  agents: {
    list: query(z.object({ includeArchived: z.boolean().default(false) }), z.array(AgentSummary)),
    create: method(z.object({ name: AgentName, description: z.string().max(2000).default('') }), Agent),
    rename: method(z.object({ name: AgentName, newName: AgentName, reason: OptionalReason }), Agent),
    describe: method(z.object({ name: AgentName, description: z.string().max(2000) }), Agent),
    archive: method(z.object({ name: AgentName, reason: OptionalReason }), Agent),
    restore: method(z.object({ name: AgentName, reason: OptionalReason }), Agent),
  },
  drafts: {
    get: query(z.object({ agent: AgentName }), Draft),
    writeFile: method(
      z.object({
        agent: AgentName,
        file: z.string().min(1).max(200),
        content: textUpTo(INPUT_LIMITS.agentFileChars, 'the file'),
      }),
      Draft,
    ),
    removeFile: method(z.object({ agent: AgentName, file: z.string().min(1) }), Draft),
    replace: method(z.object({ agent: AgentName, files: FileSet }), Draft),
    reset: method(z.object({ agent: AgentName, ref: RefText }), RestoredDraft),
    /** Puts back the draft a restore (or an earlier recover) replaced, named by its audit row. */
    recover: method(z.object({ agent: AgentName, audit: z.int().min(1) }), RestoredDraft),
    validate: query(z.object({ agent: AgentName }), z.array(Diagnostic)),
  },
} as const;
