import { sha256Hex } from '../shared/hash';
import { SlipwayError } from '../shared/errors';
import { z } from 'zod';
import {
  CommandAnswer,
  TeamAnswer,
  type Command,
  type CommandAction,
  type ReleaseState,
  type RuntimeEvent,
  type TeamReleaseCommand,
  type TeamRollbackCommand,
  type TeamState,
  type VersionRef,
} from '../shared/release/protocol';
import {
  advanceStep,
  applyAction,
  applyTeamRelease,
  applyTeamRollback,
  checkGateUnlessServedBefore,
  teamRollbackTarget,
  versionPutInFront,
} from '../shared/release/state';
import type { KeyUse, RuntimeStore } from './store';

/** The actor of what the runtime does by itself (guardrail rollbacks, a plan's steps). */
export const RUNTIME_ACTOR = 'runtime';

/** What a key is used for: its scope, a hash of what the command asks, and the command in words. */
function keyUse(key: string, scope: string, asks: unknown): KeyUse {
  const command = JSON.stringify(asks);
  return { key, scope, content: sha256Hex(command), command: `${scope} ${command.slice(0, 300)}` };
}

/**
 * The answer a retried key gets: the first answer again when it is the same command in the same
 * scope; a 409 naming the earlier command when the key was used for something else (another
 * agent, another action), never another command's answer.
 */
function replay<S extends z.ZodType>(
  found: { use: KeyUse; answer: (schema: z.ZodType) => unknown } | undefined,
  use: KeyUse,
  schema: S,
): z.output<S> | undefined {
  if (!found) return undefined;
  // Keys from before commands were hashed carry no content: their scope alone decides.
  if (found.use.scope === use.scope && (found.use.content === use.content || found.use.content === ''))
    return found.answer(schema) as z.output<S>;
  throw new SlipwayError(
    'conflict',
    `idempotency key "${use.key}" was already used for another command (${found.use.command}): send this one with a new key`,
  );
}

/**
 * Commands on an agent's release: idempotent by key (scoped to the agent and bound to the
 * command), refused when the sender saw another generation, stored with their event in one
 * transaction. The actor is always the caller's token, never what a body says.
 */
export function createReleaseControl(
  store: RuntimeStore,
  emit: (event: RuntimeEvent) => void,
  /** Refuses a version the operator's policy does not let run (checked again before it takes traffic). */
  mayRun: (agent: string, hash: string) => void,
) {
  const commit = (agent: string, action: CommandAction, actor: string, key?: KeyUse): CommandAnswer => {
    const state = store.state(agent);
    // Whatever a command puts in front of traffic must be allowed to run now (the flags may have
    // changed since it was uploaded) — except the runtime's own rollbacks, which are never held back.
    const moving = actor === RUNTIME_ACTOR && action.type === 'rollback' ? undefined : versionPutInFront(state, action);
    if (moving) mayRun(agent, moving);
    const { state: next, happened } = applyAction(state, action, {
      version: (hash) => store.version(agent, hash)?.ref,
      now: store.now(),
      plan: store.setting(agent, 'plan') ?? null,
    });
    const event = store.commit(next, {
      ...(key ? { key, answer: { applied: false, state: next } } : {}),
      // Every event says the generation it made, so what served each request can be checked against it.
      event: { type: happened.type, actor, detail: { ...happened.detail, generation: next.generation } },
    });
    emit(event);
    return { applied: true, state: next };
  };

  const currentTeam = (name: string, expected: number): TeamState => {
    const team = store.team(name);
    if (expected !== team.generation)
      throw Object.assign(
        new SlipwayError(
          'conflict',
          `team ${name} is at generation ${team.generation}, not ${expected}: read its state and decide again`,
        ),
        { state: team },
      );
    return team;
  };
  const commitTeam = (
    team: TeamState,
    states: ReleaseState[],
    key: KeyUse,
    actor: string,
    event: (state: ReleaseState) => { type: 'team-released' | 'team-rolled-back'; detail: Record<string, unknown> },
  ): TeamAnswer => {
    const answer = { applied: true, team, members: states };
    const made = (state: ReleaseState) => {
      const happened = event(state);
      return {
        ...happened,
        actor,
        detail: { ...happened.detail, generation: state.generation, teamGeneration: team.generation },
      };
    };
    for (const happened of store.commitTeam(team, states, { key, answer, event: made })) emit(happened);
    return answer;
  };

  return {
    /** A command from a client: a replayed key answers as before, a stale generation is refused with the current state. */
    command: (agent: string, command: Command, actor: string): CommandAnswer => {
      const use = keyUse(command.idempotencyKey, `agent:${agent}`, {
        action: command.action,
        expectedGeneration: command.expectedGeneration,
      });
      const replayed = replay(store.answered(command.idempotencyKey), use, CommandAnswer);
      if (replayed) return replayed;
      const state = store.state(agent);
      if (command.expectedGeneration !== state.generation) {
        throw Object.assign(
          new SlipwayError(
            'conflict',
            `the release of ${agent} is at generation ${state.generation}, not ${command.expectedGeneration}: read the state and decide again`,
          ),
          { state },
        );
      }
      return commit(agent, command.action, actor, use);
    },
    /** Every member to its version at once: one generation of the team, one of each member, one transaction. */
    teamRelease: (name: string, command: TeamReleaseCommand, actor: string): TeamAnswer => {
      const use = keyUse(command.idempotencyKey, `team:${name}`, {
        // In one order, so the same release sent with its members listed otherwise is the same command.
        members: Object.fromEntries(Object.entries(command.members).sort(([a], [b]) => a.localeCompare(b))),
        release: command.release ?? null,
        expectedGeneration: command.expectedGeneration,
      });
      const replayed = replay(store.answered(command.idempotencyKey), use, TeamAnswer);
      if (replayed) return replayed;
      const team = currentTeam(name, command.expectedGeneration);
      const members: Record<string, VersionRef> = {};
      const states = new Map(Object.keys(command.members).map((agent) => [agent, store.state(agent)]));
      // The release that already serves, whole, is not applied again: no generation, no event, no history entry.
      const serving =
        team.release === (command.release ?? null) &&
        Object.keys(team.members).length === Object.keys(command.members).length &&
        Object.entries(command.members).every(([agent, hash]) => {
          const state = states.get(agent);
          return team.members[agent]?.hash === hash && state?.stable?.hash === hash && !state.canary && !state.shadow;
        });
      if (serving) return { applied: false, team, members: [...states.values()] };
      for (const [agent, hash] of Object.entries(command.members)) {
        const found = store.version(agent, hash);
        if (!found)
          throw new SlipwayError(
            'not_found',
            `version ${hash.slice(0, 12)} of ${agent} has not been uploaded to this runtime: upload it first (PUT /v1/agents/${agent}/versions/${hash})`,
          );
        mayRun(agent, hash);
        checkGateUnlessServedBefore(states.get(agent) ?? store.state(agent), store.setting(agent, 'plan') ?? null, found.ref);
        members[agent] = found.ref;
      }
      const next = applyTeamRelease(
        team,
        Object.keys(members).map((agent) => states.get(agent) ?? store.state(agent)),
        members,
        command.release ?? null,
        store.now(),
      );
      return commitTeam(next.team, next.states, use, actor, (state) => ({
        type: 'team-released',
        detail: { team: name, release: next.team.release, version: state.stable },
      }));
    },
    /** The previous team release back, in one step. */
    teamRollback: (name: string, command: TeamRollbackCommand, actor: string): TeamAnswer => {
      const use = keyUse(command.idempotencyKey, `team:${name}`, {
        rollback: command.reason,
        expectedGeneration: command.expectedGeneration,
      });
      const replayed = replay(store.answered(command.idempotencyKey), use, TeamAnswer);
      if (replayed) return replayed;
      const team = currentTeam(name, command.expectedGeneration);
      for (const [agent, version] of Object.entries(teamRollbackTarget(team))) mayRun(agent, version.hash);
      const next = applyTeamRollback(team, (agent) => store.state(agent), store.now());
      return commitTeam(next.team, next.states, use, actor, (state) => ({
        type: 'team-rolled-back',
        detail: { team: name, release: next.restored.release, from: team.release, version: state.stable, reason: command.reason },
      }));
    },
    /** The runtime's own moves (guardrails, the plan): applied to whatever the state is now. */
    internal: (agent: string, action: CommandAction, actor: string): ReleaseState => commit(agent, action, actor).state,
    /** Advances the plan to a step without a client command. */
    toStep: (agent: string, step: number, weight: number, actor: string): ReleaseState => {
      const state = store.state(agent);
      const advanced = advanceStep(state, step, weight, store.now());
      if (!advanced) return state;
      emit(
        store.commit(advanced.state, {
          event: {
            type: advanced.happened.type,
            actor,
            detail: { ...advanced.happened.detail, generation: advanced.state.generation },
          },
        }),
      );
      return advanced.state;
    },
  };
}

export type ReleaseControl = ReturnType<typeof createReleaseControl>;
