import { SlipwayError } from '../errors';
import type { CommandAction, ReleaseState, TeamState, VersionRef } from './protocol';

/** What an applied command says happened, for the event stream. */
export interface Happened {
  type:
    | 'deployed'
    | 'canary-started'
    | 'weight-set'
    | 'paused'
    | 'resumed'
    | 'promoted'
    | 'rolled-back'
    | 'shadow-set'
    | 'shadow-off';
  detail: Record<string, unknown>;
}

export function emptyState(agent: string, now: string): ReleaseState {
  return {
    agent,
    stable: null,
    canary: null,
    shadow: null,
    paused: false,
    plan: null,
    history: [],
    generation: 0,
    updatedAt: now,
  };
}

function refused(message: string): SlipwayError {
  return new SlipwayError('invalid_input', message);
}

const name = (ref: VersionRef) => `${ref.semver} (${ref.hash.slice(0, 12)})`;

/**
 * A command applied to an agent's release state: the next state (one generation on) and what
 * happened, or a refusal that says why. Pure: the runtime stores the result and routes by it.
 * `version` looks up an uploaded version; `withPlan` says whether a release plan is set.
 */
export function applyAction(
  state: ReleaseState,
  action: CommandAction,
  context: { version: (hash: string) => VersionRef | undefined; now: string; withPlan: boolean },
): { state: ReleaseState; happened: Happened } {
  const uploaded = (hash: string) => {
    const found = context.version(hash);
    if (!found)
      throw new SlipwayError(
        'not_found',
        `version ${hash.slice(0, 12)} has not been uploaded to this runtime: upload it first (PUT /v1/agents/${state.agent}/versions/${hash})`,
      );
    return found;
  };
  const next = (change: Partial<ReleaseState>, happened: Happened) => ({
    state: { ...state, ...change, generation: state.generation + 1, updatedAt: context.now },
    happened,
  });
  switch (action.type) {
    case 'deploy': {
      if (state.stable)
        throw refused(`${state.agent} already has a stable version (${name(state.stable)}): release a new one with a canary`);
      const version = uploaded(action.version);
      return next({ stable: version }, { type: 'deployed', detail: { version } });
    }
    case 'canary': {
      if (!state.stable) throw refused(`${state.agent} has no stable version yet: deploy one first`);
      if (state.canary)
        throw refused(`${state.agent} already has a canary (${name(state.canary)}): promote it or roll it back first`);
      const version = uploaded(action.version);
      if (version.hash === state.stable.hash) throw refused(`${name(version)} is already the stable version`);
      return next(
        {
          canary: { ...version, weight: action.weight },
          paused: false,
          plan: context.withPlan ? { step: 0, since: context.now } : null,
        },
        { type: 'canary-started', detail: { version, weight: action.weight } },
      );
    }
    case 'set-weight': {
      if (!state.canary) throw refused(`${state.agent} has no canary to set a weight on`);
      return next(
        { canary: { ...state.canary, weight: action.weight } },
        { type: 'weight-set', detail: { version: state.canary, from: state.canary.weight, to: action.weight } },
      );
    }
    case 'pause':
    case 'resume': {
      if (!state.canary) throw refused(`${state.agent} has no canary to ${action.type}`);
      if (state.paused === (action.type === 'pause'))
        throw refused(`the canary of ${state.agent} is already ${action.type === 'pause' ? 'paused' : 'running'}`);
      return next(
        {
          paused: action.type === 'pause',
          plan: state.plan && action.type === 'resume' ? { ...state.plan, since: context.now } : state.plan,
        },
        { type: action.type === 'pause' ? 'paused' : 'resumed', detail: { version: state.canary } },
      );
    }
    case 'promote': {
      if (!state.canary || !state.stable) throw refused(`${state.agent} has no canary to promote`);
      const { weight: _weight, ...promoted } = state.canary;
      return next(
        { stable: promoted, canary: null, paused: false, plan: null, history: [...state.history, state.stable] },
        { type: 'promoted', detail: { version: promoted, previous: state.stable } },
      );
    }
    case 'rollback': {
      if (action.to) {
        const target = uploaded(action.to);
        const history = state.stable && state.stable.hash !== target.hash ? [...state.history, state.stable] : state.history;
        return next(
          { stable: target, canary: null, paused: false, plan: null, history },
          { type: 'rolled-back', detail: { to: target, from: state.canary ?? state.stable, reason: action.reason } },
        );
      }
      if (state.canary)
        return next(
          { canary: null, paused: false, plan: null },
          { type: 'rolled-back', detail: { to: state.stable, from: state.canary, reason: action.reason } },
        );
      const previous = state.history[state.history.length - 1];
      if (!previous) throw refused(`${state.agent} has no canary and no earlier stable version to roll back to`);
      return next(
        { stable: previous, history: state.history.slice(0, -1), plan: null },
        { type: 'rolled-back', detail: { to: previous, from: state.stable, reason: action.reason } },
      );
    }
    case 'shadow': {
      if (!state.stable) throw refused(`${state.agent} has no stable version to shadow`);
      const version = uploaded(action.version);
      return next(
        { shadow: { ...version, share: action.share } },
        { type: 'shadow-set', detail: { version, share: action.share } },
      );
    }
    case 'shadow-off': {
      if (!state.shadow) throw refused(`${state.agent} has no shadow to turn off`);
      return next({ shadow: null }, { type: 'shadow-off', detail: { version: state.shadow } });
    }
  }
}

/**
 * A routing key's place in [0, 1), the same every time, so a user stays on one version: FNV-1a,
 * then murmur3's finalizer, so keys that differ in one character land far apart.
 */
export function routingPoint(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index += 1) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}

/** Which version serves a request with this routing key: the canary below its weight, else stable. */
export function route(state: ReleaseState, key: string): { version: VersionRef; canary: boolean } | null {
  if (!state.stable) return null;
  if (state.canary && routingPoint(key) * 100 < state.canary.weight) {
    const { weight: _weight, ...canary } = state.canary;
    return { version: canary, canary: true };
  }
  return { version: state.stable, canary: false };
}

export function emptyTeam(team: string, now: string): TeamState {
  return { team, release: null, members: {}, history: [], generation: 0, updatedAt: now };
}

/**
 * Every member switches to its version as its stable, any canary or shadow ended, one
 * generation on for the team and for each member. Pure: the runtime commits all of it at once.
 */
export function applyTeamRelease(
  team: TeamState,
  states: ReleaseState[],
  members: Record<string, VersionRef>,
  release: string | null,
  now: string,
): { team: TeamState; states: ReleaseState[] } {
  const switched = states.map((state) => {
    const version = members[state.agent];
    if (!version) throw refused(`${state.agent} has no version in this team release`);
    const history = state.stable && state.stable.hash !== version.hash ? [...state.history, state.stable] : state.history;
    return {
      ...state,
      stable: version,
      canary: null,
      shadow: null,
      paused: false,
      plan: null,
      history,
      generation: state.generation + 1,
      updatedAt: now,
    };
  });
  const previous =
    Object.keys(team.members).length > 0 ? [...team.history, { release: team.release, members: team.members }] : team.history;
  return {
    team: { ...team, release, members, history: previous, generation: team.generation + 1, updatedAt: now },
    states: switched,
  };
}

/** The previous team release, restored in one step; refused when there is none. */
export function applyTeamRollback(
  team: TeamState,
  states: (agent: string) => ReleaseState,
  now: string,
): { team: TeamState; states: ReleaseState[]; restored: TeamState['history'][number] } {
  const restored = team.history[team.history.length - 1];
  if (!restored) throw refused(`team ${team.team} has no previous team release to roll back to`);
  const next = applyTeamRelease(
    { ...team, history: team.history.slice(0, -1), members: {} },
    Object.keys(restored.members).map(states),
    restored.members,
    restored.release,
    now,
  );
  return { team: { ...next.team, history: team.history.slice(0, -1) }, states: next.states, restored };
}
