import type { Handlers } from '../../shared/contract/contract';
import { RELEASE, requireTrustedRun } from '../bundles/trust';
import { resolveAgentRef } from '../versions/agent-ref';
import type { TeamView } from '../../shared/contract/teams';
import { SlipwayError } from '../../shared/errors';
import { writeTransaction } from '../../shared/node/sqlite';
import { z } from 'zod';
import { TeamState } from '../../shared/release/protocol';
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

const Known = z.object({ state: TeamState, at: z.string() });

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
      const at = new Date().toISOString();
      writeSetting(ws, `team:${target}:${team}`, { state, at });
      await access.pullEvents(target, client, label);
      return { team, target, reachable: true, state, lastContact: at, problem: null, problemCode: null };
    } catch (error) {
      if (!unreachable(error)) throw error;
      const last = known(team, target);
      return {
        team,
        target,
        reachable: false,
        state: last?.state ?? null,
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
    writeSetting(ws, `team:${target}:${team}`, { state, at: new Date().toISOString() });
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
        if (!release.check.ok) {
          const breaks = release.check.dependencies.flatMap((dependency) => dependency.breaks);
          writeTransaction(ws.db, () =>
            appendAudit(ws, {
              action: 'team.promote.refused',
              agentId: null,
              subject: `${release.name} on ${target}`,
              reason: breaks.join('; '),
            }),
          );
          throw new SlipwayError('check_failed', `${release.name} cannot be promoted: ${breaks.join('; ')}`);
        }
        // Every member is held to bundle trust before anything goes to the runtime.
        for (const pin of release.pins) requireTrustedRun(ws, resolveAgentRef(ws, `${pin.agent}@sha256:${pin.hash}`), RELEASE);
        const { client, label } = access.client(target);
        for (const pin of release.pins) {
          const { version } = resolveVersion(ws, { agent: pin.agent, selector: { kind: 'hash', prefix: pin.hash } });
          await client.upload(pin.agent, pin.hash, pin.semver, versionFiles(ws, version.id));
        }
        const answer = await client.teamRelease(name, Object.fromEntries(release.pins.map((pin) => [pin.agent, pin.hash])), {
          release: release.name,
        });
        settle(name, target, label, 'team.promote', release.name, release.message, answer.team, answer.members);
        return view(name, target);
      },
      rollback: async ({ name, target, reason }) => {
        requireTeam(ws, name);
        const { client, label } = access.client(target);
        const answer = await client.teamRollback(name, reason);
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
