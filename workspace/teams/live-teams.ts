import { z } from 'zod';
import type { TeamMember } from '../../shared/contract/teams';
import type { RuntimeClient } from '../../shared/release/client';
import type { ReleaseState, TeamState, VersionRef } from '../../shared/release/protocol';
import { typed } from '../statements';
import { readSetting, writeSetting } from '../settings/values';
import type { Workspace } from '../workspace';
import { dependsOn, pairBreaks, type Pinned } from './teams';

const NameRow = z.object({ name: z.string() });
const VersionIdRow = z.object({ id: z.int() });
const SemverRow = z.object({ semver: z.string() });

/** The workspace's teams that hold this agent. */
export function teamsOf(ws: Workspace, agent: string): string[] {
  return typed(
    ws.db,
    NameRow,
    `SELECT teams.name FROM teams JOIN team_members ON team_members.team_id = teams.id
       JOIN agents ON agents.id = team_members.agent_id WHERE agents.name = ? ORDER BY teams.name`,
  )
    .all(agent)
    .map((row) => row.name);
}

const Left = z.record(z.string(), z.string());
const leftKey = (target: string, team: string) => `team-left:${target}:${team}`;

/** Records that a member was put in front of traffic at a version that breaks its live team (asked for with --leave-team). */
export function markLeft(ws: Workspace, target: string, team: string, agent: string, hash: string): void {
  writeSetting(ws, leftKey(target, team), { ...(readSetting(ws, leftKey(target, team), Left) ?? {}), [agent]: hash });
}

/** A member left the team release when its stable is not the pinned version, or it serves a canary it left the team for. */
export function hasLeft(pinned: VersionRef, state: Pick<ReleaseState, 'stable' | 'canary'>, leftAt: string | undefined): boolean {
  return state.stable?.hash !== pinned.hash || (state.canary !== null && state.canary.hash === leftAt);
}

/** What each member of a team serves on a runtime beside what the team release pinned, and whether it left it. */
export async function membersServing(
  ws: Workspace,
  runtime: RuntimeClient,
  target: string,
  team: TeamState,
): Promise<TeamMember[]> {
  const left = readSetting(ws, leftKey(target, team.team), Left) ?? {};
  return Promise.all(
    Object.entries(team.members).map(async ([agent, pinned]) => {
      const state = await runtime.state(agent);
      return { agent, pinned, stable: state.stable, canary: state.canary, left: hasLeft(pinned, state, left[agent]) };
    }),
  );
}

/** A team release promoted again brings every member back: what they left for is forgotten. */
export function forgetLeft(ws: Workspace, target: string, team: string): void {
  writeSetting(ws, leftKey(target, team), {});
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
    const breaks: string[] = [];
    const mine = pinnedOf(ws, agent, candidate);
    // What this workspace does not hold cannot be checked: said as a break (--leave-team goes ahead), never passed.
    if (!mine) {
      found.push({
        team,
        release: state.release,
        breaks: [`${agent} ${candidate.semver} is not a version of this workspace: its dependencies cannot be checked`],
      });
      continue;
    }
    for (const member of Object.keys(state.members).filter((name) => name !== agent)) {
      const serving: ReleaseState = await runtime.state(member);
      // A canary taking no traffic (a shadow phase) serves nobody.
      const versions = [serving.stable, serving.canary && serving.canary.weight > 0 ? serving.canary : null];
      for (const version of versions) {
        if (!version) continue;
        const theirs = pinnedOf(ws, member, version);
        if (theirs) {
          breaks.push(...pairBreaks(ws, mine, theirs));
          continue;
        }
        // Unknown here: a break only when one of the two may depend on the other (by the versions this workspace holds).
        const pinned = pinnedOf(ws, member, state.members[member] as VersionRef);
        if (dependsOn(ws, mine, member) || (pinned && dependsOn(ws, pinned, agent)))
          breaks.push(
            `${member} serves ${version.semver} (${version.hash.slice(0, 12)}), which this workspace does not hold: the dependency cannot be checked`,
          );
      }
    }
    if (breaks.length) found.push({ team, release: state.release, breaks: [...new Set(breaks)] });
  }
  return found;
}
