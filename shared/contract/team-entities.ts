import { z } from 'zod';
import { TeamName, TeamState } from '../release/protocol';

/** The shapes of agent teams that cross the contract. */

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

/** A team on a runtime target: its state, or the last known one and the problem when it cannot be reached. */
export const TeamView = z.object({
  team: z.string(),
  target: z.string(),
  reachable: z.boolean(),
  state: TeamState.nullable(),
  lastContact: z.string().nullable(),
  problem: z.string().nullable(),
});
export type TeamView = z.infer<typeof TeamView>;
