import { z } from 'zod';
import { errorCodes } from '../errors';
import { ReleaseState, TeamName, TeamState, VersionRef } from '../release/protocol';
import { AgentName } from '../names';
import { Reason, RefText, method, query } from './common';
import { TargetName } from './release';

/** Agent teams: releases that pin one version of each member. */

export { TeamName };

export const TeamPin = z.object({ agent: z.string(), semver: z.string(), hash: z.string() });

/** One dependency between pinned members (AGENT@SEMVER on both sides), checked. */
export const DependencyCheck = z.object({
  consumer: z.string(),
  producer: z.string(),
  ok: z.boolean(),
  breaks: z.array(z.string()),
  notChecked: z.array(z.string()),
});
export type DependencyCheck = z.infer<typeof DependencyCheck>;

export const TeamCheck = z.object({ ok: z.boolean(), dependencies: z.array(DependencyCheck) });
export type TeamCheck = z.infer<typeof TeamCheck>;

export const TeamRelease = z.object({
  team: z.string(),
  number: z.int(),
  /** team#number */
  name: z.string(),
  message: z.string(),
  author: z.string(),
  createdAt: z.string(),
  pins: z.array(TeamPin),
  check: TeamCheck,
});
export type TeamRelease = z.infer<typeof TeamRelease>;

export const TeamDetail = z.object({ name: z.string(), members: z.array(z.string()), releases: z.array(TeamRelease) });
export type TeamDetail = z.infer<typeof TeamDetail>;

export const MatrixCell = z.object({
  consumer: z.string(),
  producer: z.string(),
  ok: z.boolean(),
  breaks: z.array(z.string()),
  notChecked: z.array(z.string()),
});
export const TeamMatrix = z.object({
  team: z.string(),
  /** One per dependency between members: the consumer's recent versions against the producer's. */
  edges: z.array(
    z.object({
      consumer: z.string(),
      producer: z.string(),
      consumerVersions: z.array(z.string()),
      producerVersions: z.array(z.string()),
      cells: z.array(MatrixCell),
    }),
  ),
});
export type TeamMatrix = z.infer<typeof TeamMatrix>;

export const TeamReleaseOfVersion = z.object({
  team: z.string(),
  number: z.int(),
  name: z.string(),
  semver: z.string(),
  createdAt: z.string(),
});
export type TeamReleaseOfVersion = z.infer<typeof TeamReleaseOfVersion>;

/** What a member serves on the runtime beside what its team release pinned. */
export const TeamMember = z.object({
  agent: z.string(),
  pinned: VersionRef,
  stable: VersionRef.nullable(),
  canary: ReleaseState.shape.canary,
  /** It serves something other than the team release (a single-agent command moved it, with --leave-team). */
  left: z.boolean(),
});
export type TeamMember = z.infer<typeof TeamMember>;

/** A team on a runtime target: its state, or the last known one and the problem when it cannot be reached. */
export const TeamView = z.object({
  team: z.string(),
  target: z.string(),
  reachable: z.boolean(),
  state: TeamState.nullable(),
  /** What each member serves now (the last known when unreachable): team status says what the runtime serves, not only what was released. */
  serving: z.array(TeamMember),
  lastContact: z.string().nullable(),
  problem: z.string().nullable(),
  problemCode: z.enum(errorCodes).nullable(),
});
export type TeamView = z.infer<typeof TeamView>;

/** A promote's outcome: the team as the runtime answered, whether the switch was applied, and why not. */
export const TeamPromotion = TeamView.extend({
  applied: z.boolean(),
  /** Why nothing was applied: the release already serves. */
  note: z.string().nullable(),
});
export type TeamPromotion = z.infer<typeof TeamPromotion>;

/** Teams, their releases, checks and matrix, promoted and rolled back as one. */
export const teamsContract = {
  teams: {
    list: query(z.object({}), z.array(TeamDetail)),
    get: query(z.object({ name: TeamName }), TeamDetail),
    create: method(
      z.object({ name: TeamName, members: z.array(AgentName).min(1, 'a team has members: name at least two agents') }),
      TeamDetail,
    ),
    setMembers: method(
      z.object({ name: TeamName, members: z.array(AgentName).min(1, 'a team has members: name at least two agents') }),
      TeamDetail,
    ),
    /** The dependencies among members at these refs (each member's latest when not named), checked; writes nothing. */
    check: query(z.object({ name: TeamName, pins: z.record(AgentName, RefText).default({}) }), TeamCheck),
    /** A team release pinning one version of each member (latest when not named), with its check. */
    release: method(
      z.object({
        name: TeamName,
        pins: z.record(AgentName, RefText).default({}),
        message: z.string().trim().min(1, 'say why this team release exists').max(2000),
      }),
      TeamRelease,
    ),
    matrix: query(z.object({ name: TeamName }), TeamMatrix),
    /** The team releases that pinned a version of this agent, for History. */
    ofAgent: query(z.object({ agent: AgentName }), z.array(TeamReleaseOfVersion)),
    /** The team on a runtime target (the last known state when it cannot be reached). */
    view: method(z.object({ name: TeamName, target: TargetName }), TeamView),
    /** Switches every member to its pinned version on the target in one step; refused, with every break, when a dependency is broken. */
    promote: method(z.object({ name: TeamName, number: z.int().min(1), target: TargetName }), TeamPromotion),
    rollback: method(z.object({ name: TeamName, target: TargetName, reason: Reason }), TeamView),
  },
} as const;
