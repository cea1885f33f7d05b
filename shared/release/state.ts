import { SlipwayError } from '../errors';
import type { CommandAction, ReleasePlan, ReleaseState, TeamState, VersionRef } from './protocol';

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
    | 'shadow-off'
    | 'step-advanced';
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
 * `version` looks up an uploaded version of this agent; `plan` is the release plan, if one is
 * set: its eval gate decides whether a canary may start, its shadow phase comes first, and a
 * weight set by hand that is one of its steps moves the plan there.
 */
export function applyAction(
  state: ReleaseState,
  action: CommandAction,
  context: { version: (hash: string) => VersionRef | undefined; now: string; plan: ReleasePlan | null },
): { state: ReleaseState; happened: Happened } {
  const applied = applyBare(state, action, context);
  const plan = context.plan;
  if (!plan) return applied;
  if (action.type === 'canary' && plan.shadow) return { ...applied, state: withShadowPhase(applied.state, plan) };
  if (action.type === 'set-weight') return { ...applied, state: atPlanStep(applied.state, plan, action.weight) };
  return applied;
}

/** The eval gate: every suite the plan names must have a passing attestation for this exact version. */
export function checkGate(plan: ReleasePlan | null, version: VersionRef): void {
  if (!plan) return;
  const missing = plan.gate.suites.filter(
    (suite) =>
      !plan.gate.attestations.some(
        (attestation) => attestation.suite === suite && attestation.versionHash === version.hash && attestation.passed,
      ),
  );
  if (missing.length > 0)
    throw new SlipwayError(
      'conflict',
      `the eval gate refuses ${version.semver}: ${missing.map((suite) => `suite ${suite}`).join(', ')} ${missing.length === 1 ? 'has' : 'have'} no passing attestation for this version's hash (run it and push the plan again with the attestation)`,
    );
}

/**
 * The eval gate for a version about to serve all of an agent's traffic without a canary (a
 * rollback to a named version, a team release): one that served as stable before has been
 * through it; any other must pass it, or a rollback would be a way around the gate.
 */
export function checkGateUnlessServedBefore(state: ReleaseState, plan: ReleasePlan | null, version: VersionRef): void {
  const servedBefore = state.stable?.hash === version.hash || state.history.some((entry) => entry.hash === version.hash);
  if (!servedBefore) checkGate(plan, version);
}

/**
 * The version a command would put in front of traffic, if any: the one it names, the canary a
 * promotion makes stable, the stable a rollback returns to (a canary's rollback changes no
 * stable, so none).
 */
export function versionPutInFront(state: ReleaseState, action: CommandAction): string | undefined {
  if ('version' in action) return action.version;
  if (action.type === 'promote') return state.canary?.hash;
  if (action.type === 'rollback') return action.to ?? (state.canary ? undefined : state.history.at(-1)?.hash);
  return undefined;
}

/** The team release a team rollback restores: its members' versions; none when there is no earlier release. */
export function teamRollbackTarget(team: TeamState): Record<string, VersionRef> {
  return team.history.at(-1)?.members ?? {};
}

/** A weight set by hand that is one of the plan's steps moves the plan there (and its hold starts again). */
function atPlanStep(state: ReleaseState, plan: ReleasePlan, weight: number): ReleaseState {
  const step = plan.steps.findIndex((candidate) => candidate.weight === weight);
  return step >= 0 && state.plan ? { ...state, plan: { step, since: state.updatedAt } } : state;
}

/** With a shadow phase, a new canary first takes no traffic and mirrors a share of it. */
function withShadowPhase(state: ReleaseState, plan: ReleasePlan): ReleaseState {
  if (!state.canary || !plan.shadow) return state;
  return {
    ...state,
    canary: { ...state.canary, weight: 0 },
    shadow: { hash: state.canary.hash, semver: state.canary.semver, share: plan.shadow.share },
    plan: { step: -1, since: state.updatedAt },
  };
}

/** What the plan does next for a healthy canary: hold, step to the next weight, or promote after the last. */
export type PlanMove = { type: 'hold' } | { type: 'step'; step: number; weight: number } | { type: 'promote' };

/** With auto-advance, the move once the current step (or the shadow phase) has held for its hold time. */
export function nextPlanMove(state: ReleaseState, plan: ReleasePlan | null, nowMs: number): PlanMove {
  if (!plan?.autoAdvance || !state.plan || !state.canary || state.paused) return { type: 'hold' };
  const held = nowMs - Date.parse(state.plan.since);
  const hold = state.plan.step < 0 ? (plan.shadow?.durationMs ?? 0) : (plan.steps[state.plan.step]?.holdMs ?? 0);
  if (held < hold) return { type: 'hold' };
  const step = state.plan.step + 1;
  const next = plan.steps[step];
  return next ? { type: 'step', step, weight: next.weight } : { type: 'promote' };
}

/** The canary moved to a step of the plan without a client command: one generation on; a shadow of the canary ends. */
export function advanceStep(
  state: ReleaseState,
  step: number,
  weight: number,
  now: string,
): { state: ReleaseState; happened: Happened } | null {
  if (!state.canary) return null;
  return {
    state: {
      ...state,
      canary: { ...state.canary, weight },
      shadow: state.shadow?.hash === state.canary.hash ? null : state.shadow,
      plan: { step, since: now },
      generation: state.generation + 1,
      updatedAt: now,
    },
    happened: {
      type: 'step-advanced',
      detail: { version: { hash: state.canary.hash, semver: state.canary.semver }, step, weight },
    },
  };
}

function applyBare(
  state: ReleaseState,
  action: CommandAction,
  context: { version: (hash: string) => VersionRef | undefined; now: string; plan: ReleasePlan | null },
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
      checkGate(context.plan, version);
      return next(
        {
          canary: { ...version, weight: action.weight },
          paused: false,
          plan: context.plan ? { step: 0, since: context.now } : null,
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
        checkGateUnlessServedBefore(state, context.plan, target);
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
  // The same release again (bringing back a member that left it) is no release before itself: history keeps one entry.
  const same =
    team.release === release &&
    Object.keys(team.members).length === Object.keys(members).length &&
    Object.entries(members).every(([agent, version]) => team.members[agent]?.hash === version.hash);
  const previous =
    Object.keys(team.members).length > 0 && !same
      ? [...team.history, { release: team.release, members: team.members }]
      : team.history;
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
  const restored = team.history.at(-1);
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
