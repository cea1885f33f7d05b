import type { Handlers } from '../../shared/contract/contract';
import { RELEASE, requireTrustedRun } from '../bundles/trust';
import { resolveAgentRef } from '../versions/agent-ref';
import { TeamMember, type TeamPromotion, type TeamRelease, type TeamView } from '../../shared/contract/teams';
import { forgetLeft, hasLeft, membersServing } from './live-teams';
import { SlipwayError } from '../../shared/errors';
import { writeTransaction } from '../../shared/node/sqlite';
import { sha256Hex } from '../../shared/hash';
import { z } from 'zod';
import { TeamState, type ReleaseState } from '../../shared/release/protocol';
import { unreachable, type TargetAccess } from '../release/handlers';
import { appendAudit } from '../audit/audit-log';
import { resolveVersion, versionFiles } from '../lookup';
import { readSetting, writeSetting } from '../settings/values';
import {
  checkPins,
  createTeam,
  createTeamRelease,
  getTeam,
  listTeams,
  requireTeam,
  resolvePins,
  setTeamMembers,
  teamMatrix,
  teamRelease,
  teamReleasesOfAgent,
} from './teams';
import type { Workspace } from '../workspace';

const Known = z.object({ state: TeamState, at: z.string(), serving: z.array(TeamMember).default([]) });

/** What each member serves, from the states a team command answered with (a team command leaves none out of it). */
function servingOf(team: TeamState, states: readonly ReleaseState[]): TeamMember[] {
  return Object.entries(team.members).map(([agent, pinned]) => {
    const state = states.find((candidate) => candidate.agent === agent);
    const serving = { stable: state?.stable ?? null, canary: state?.canary ?? null };
    return { agent, pinned, ...serving, left: hasLeft(pinned, serving, undefined) };
  });
}

/**
 * Agent teams: members, releases that pin one version of each, the dependency checks, and
 * releasing a whole team on a runtime target in one step (refused while a dependency is broken).
 */
export function createTeamHandlers(ws: Workspace, access: TargetAccess): Pick<Handlers, 'teams'> {
  const known = (team: string, target: string) => readSetting(ws, `team:${target}:${team}`, Known);

  const view = async (team: string, target: string): Promise<TeamView> => {
    requireTeam(ws, team);
    try {
      const { client, label } = access.client(target);
      const state = await client.team(team);
      const serving = await membersServing(ws, client, target, state);
      const at = new Date().toISOString();
      writeSetting(ws, `team:${target}:${team}`, { state, at, serving });
      await access.pullEvents(target, client, label);
      return { team, target, reachable: true, state, serving, lastContact: at, problem: null, problemCode: null };
    } catch (error) {
      if (!unreachable(error)) throw error;
      const last = known(team, target);
      return {
        team,
        target,
        reachable: false,
        state: last?.state ?? null,
        serving: last?.serving ?? [],
        lastContact: last?.at ?? null,
        problem: error instanceof Error ? error.message : String(error),
        problemCode: error instanceof SlipwayError ? error.code : null,
      };
    }
  };

  /** The runtime's answer, audited; each member's target label follows its new stable. */
  const settle = (
    team: string,
    target: string,
    label: string | null,
    action: 'team.promote' | 'team.rollback',
    subject: string,
    reason: string,
    state: TeamState,
    members: Parameters<TargetAccess['followLabel']>[2][],
  ) => {
    writeTransaction(ws.db, () => {
      appendAudit(ws, {
        action,
        agentId: null,
        subject: `${subject} on ${target}`,
        reason,
        after: {
          generation: state.generation,
          release: state.release,
          members: Object.fromEntries(Object.entries(state.members).map(([agent, version]) => [agent, version.semver])),
        },
      });
      for (const member of members)
        access.followLabel(
          member.agent,
          label,
          member,
          `${action === 'team.promote' ? 'promoted' : 'rolled back'} with team ${team} on ${target} (${state.release ?? 'no release'})`,
        );
    });
    writeSetting(ws, `team:${target}:${team}`, { state, at: new Date().toISOString(), serving: servingOf(state, members) });
    forgetLeft(ws, target, team);
  };

  const refuse = (action: string, subject: string, reason: string) =>
    writeTransaction(ws.db, () => appendAudit(ws, { action, agentId: null, subject, reason }));

  /** A team release onto a target: refused while broken or untrusted; a no-op when it already serves whole. */
  const promote = async (release: TeamRelease, target: string, sending: () => void): Promise<TeamPromotion> => {
    const name = release.team;
    if (!release.check.ok)
      throw new SlipwayError(
        'check_failed',
        `${release.name} cannot be promoted: ${release.check.dependencies.flatMap((dependency) => dependency.breaks).join('; ')}`,
      );
    // Every member is held to bundle trust before anything goes to the runtime.
    for (const pin of release.pins) requireTrustedRun(ws, resolveAgentRef(ws, `${pin.agent}@sha256:${pin.hash}`), RELEASE);
    const { client, label } = access.client(target);
    const current = await client.team(name);
    const states = await Promise.all(release.pins.map((pin) => client.state(pin.agent)));
    // What already serves, whole, is not applied again: no new generation, no event, no history entry.
    const serving =
      current.release === release.name &&
      Object.keys(current.members).length === release.pins.length &&
      release.pins.every(
        (pin, index) => current.members[pin.agent]?.hash === pin.hash && states[index]?.stable?.hash === pin.hash,
      ) &&
      states.every((state) => state.canary === null && state.shadow === null);
    const already = `${release.name} already serves on ${target} (generation ${current.generation}): nothing applied`;
    if (serving) return { ...(await view(name, target)), applied: false, note: already };
    for (const pin of release.pins) {
      const { version } = resolveVersion(ws, { agent: pin.agent, selector: { kind: 'hash', prefix: pin.hash } });
      await client.upload(pin.agent, pin.hash, pin.semver, versionFiles(ws, version.id));
    }
    // The same promote from the same generation carries the same key, whichever run (or workspace) sends it: applied once.
    const pins = release.pins.map((pin) => [pin.agent, pin.hash]);
    const idempotencyKey = `team-promote-${sha256Hex(JSON.stringify([name, release.name, pins, current.generation])).slice(0, 40)}`;
    sending();
    const answer = await client.teamRelease(name, Object.fromEntries(pins), {
      release: release.name,
      expectedGeneration: current.generation,
      idempotencyKey,
    });
    // A replayed answer was settled by the run that got it first: no second audit row, no label moved twice.
    if (answer.applied) {
      settle(name, target, label, 'team.promote', release.name, release.message, answer.team, answer.members);
      await access.pullEvents(target, client, label).catch((error: unknown) => {
        if (!unreachable(error)) throw error;
      });
    }
    // The runtime's own answer, not a second read that could fail after the switch.
    return {
      team: name,
      target,
      reachable: true,
      state: answer.team,
      serving: servingOf(answer.team, answer.members),
      lastContact: new Date().toISOString(),
      problem: null,
      problemCode: null,
      applied: answer.applied,
      note: answer.applied ? null : already,
    };
  };

  return {
    teams: {
      list: () => listTeams(ws),
      get: ({ name }) => getTeam(ws, name),
      create: ({ name, members }) => createTeam(ws, name, members),
      setMembers: ({ name, members }) => setTeamMembers(ws, name, members),
      check: ({ name, pins }) => checkPins(ws, resolvePins(ws, name, pins), name),
      release: ({ name, pins, message }) => createTeamRelease(ws, name, pins, message),
      matrix: ({ name }) => teamMatrix(ws, name),
      ofAgent: ({ agent }) => teamReleasesOfAgent(ws, agent),
      view: ({ name, target }) => view(name, target),
      promote: async ({ name, number, target }) => {
        const release = teamRelease(ws, name, number);
        const subject = `${release.name} on ${target}`;
        const lost = `: the switch may have been applied before the runtime stopped answering. See what it serves with slipway team status ${name} -t ${target}; promoting ${release.name} again applies it at most once`;
        let sent = false;
        try {
          return await promote(release, target, () => (sent = true));
        } catch (error) {
          if (!(error instanceof SlipwayError)) throw error;
          // Every refusal is recorded (a broken release, trust, the runtime's gate or policy, a runtime gone); a promote cut off
          // after it was sent is recorded as unconfirmed, since it may have been applied.
          if (sent && unreachable(error)) {
            refuse('team.promote.unconfirmed', subject, `${error.message}; it may have been applied`);
            throw new SlipwayError('unavailable', `${error.message}${lost}`);
          }
          refuse('team.promote.refused', subject, error.message);
          throw error;
        }
      },
      rollback: async ({ name, target, reason }) => {
        requireTeam(ws, name);
        const { client, label } = access.client(target);
        let answer;
        try {
          answer = await client.teamRollback(name, reason);
        } catch (error) {
          // A refused rollback is recorded like every other refusal (no previous release); one cut off may have been applied.
          if (error instanceof SlipwayError)
            refuse(
              unreachable(error) ? 'team.rollback.unconfirmed' : 'team.rollback.refused',
              `team ${name} on ${target}`,
              `${reason} — ${unreachable(error) ? 'no answer, it may have been applied' : 'refused'}: ${error.message}`,
            );
          throw error;
        }
        settle(
          name,
          target,
          label,
          'team.rollback',
          `team ${name} to ${answer.team.release ?? 'its previous release'}`,
          reason,
          answer.team,
          answer.members,
        );
        return view(name, target);
      },
    },
  };
}
