import { z } from 'zod';
import type { TeamMember } from '../../shared/contract/teams';
import type { RuntimeClient } from '../../shared/release/client';
import type { ReleaseState, TeamState, VersionRef } from '../../shared/release/protocol';
import { SlipwayError } from '../../shared/errors';
import { typed } from '../statements';
import type { Workspace } from '../workspace';
import { pairBreaks, type Pinned } from './teams';

const NameRow = z.object({ name: z.string() });
const VersionIdRow = z.object({ id: z.int() });
const SemverRow = z.object({ semver: z.string() });

/** The workspace's teams that hold this agent. */
function teamsOf(ws: Workspace, agent: string): string[] {
  return typed(
    ws.db,
    NameRow,
    `SELECT teams.name FROM teams JOIN team_members ON team_members.team_id = teams.id
       JOIN agents ON agents.id = team_members.agent_id WHERE agents.name = ? ORDER BY teams.name`,
  )
    .all(agent)
    .map((row) => row.name);
}

/** What each member of a team serves on a runtime beside what the team release pinned: a member whose stable or canary differs has left it. */
export async function membersServing(runtime: RuntimeClient, team: TeamState): Promise<TeamMember[]> {
  return Promise.all(
    Object.entries(team.members).map(async ([agent, pinned]) => {
      const state = await runtime.state(agent);
      return {
        agent,
        pinned,
        stable: state.stable,
        canary: state.canary,
        left: state.stable?.hash !== pinned.hash || state.canary !== null,
      };
    }),
  );
}

/** A version of this workspace by agent and hash, pinned for a check; null when the workspace does not hold it. */
function pinnedOf(ws: Workspace, agent: string, version: VersionRef): Pinned | null {
  const row = typed(
    ws.db,
    VersionIdRow,
    'SELECT versions.id FROM versions JOIN agents ON agents.id = versions.agent_id WHERE agents.name = ? AND versions.hash = ?',
  ).get(agent, version.hash);
  return row ? { agent, semver: version.semver, hash: version.hash, versionId: row.id } : null;
}

export interface TeamBreak {
  team: string;
  release: string | null;
  breaks: string[];
}

/**
 * The teams live on a runtime that hold the agent, and what putting `candidate` in front of
 * traffic for it would break there: each dependency between it and what the other members serve
 * now (their stable and any canary), checked as a team release is.
 */
export async function breaksOfLiveTeams(
  ws: Workspace,
  runtime: RuntimeClient,
  agent: string,
  hash: string,
): Promise<TeamBreak[]> {
  const found: TeamBreak[] = [];
  const semver = typed(
    ws.db,
    SemverRow,
    'SELECT versions.semver FROM versions JOIN agents ON agents.id = versions.agent_id WHERE agents.name = ? AND versions.hash = ?',
  ).get(agent, hash)?.semver;
  const candidate: VersionRef = { hash, semver: semver ?? hash.slice(0, 12) };
  for (const team of teamsOf(ws, agent)) {
    const state = await runtime.team(team);
    if (!state.members[agent]) continue;
    const others: Array<[string, VersionRef]> = [];
    for (const member of Object.keys(state.members).filter((name) => name !== agent)) {
      const serving: ReleaseState = await runtime.state(member);
      for (const version of [serving.stable, serving.canary]) if (version) others.push([member, version]);
    }
    const breaks: string[] = [];
    const mine = pinnedOf(ws, agent, candidate);
    if (!mine) throw new SlipwayError('not_found', `${agent} ${candidate.semver} is not a version of this workspace`);
    for (const [member, version] of others) {
      const theirs = pinnedOf(ws, member, version);
      if (!theirs) {
        breaks.push(
          `${member} serves ${version.semver} (${version.hash.slice(0, 12)}), which this workspace does not hold: it cannot be checked`,
        );
        continue;
      }
      breaks.push(...pairBreaks(ws, mine, theirs));
    }
    if (breaks.length) found.push({ team, release: state.release, breaks: [...new Set(breaks)] });
  }
  return found;
}
