import { SlipwayError } from '../shared/errors';
import type {
  Command,
  CommandAction,
  CommandAnswer,
  ReleasePlan,
  ReleaseState,
  RuntimeEvent,
  TeamAnswer,
  TeamReleaseCommand,
  TeamRollbackCommand,
  TeamState,
  VersionRef,
} from '../shared/release/protocol';
import { applyAction, applyTeamRelease, applyTeamRollback } from '../shared/release/state';
import type { RuntimeStore } from './store';

/** The eval gate: every suite the plan names must have a passing attestation for this exact version. */
function checkGate(plan: ReleasePlan | undefined, hash: string, semver: string): void {
  if (!plan) return;
  const missing = plan.gate.suites.filter(
    (suite) =>
      !plan.gate.attestations.some(
        (attestation) => attestation.suite === suite && attestation.versionHash === hash && attestation.passed,
      ),
  );
  if (missing.length > 0) {
    throw new SlipwayError(
      'conflict',
      `the eval gate refuses ${semver}: ${missing.map((suite) => `suite ${suite}`).join(', ')} ${missing.length === 1 ? 'has' : 'have'} no passing attestation for this version's hash (run it and push the plan again with the attestation)`,
    );
  }
}

/**
 * Commands on an agent's release: idempotent by key, refused when the sender saw another
 * generation, gated by the plan's eval gate, stored with their event in one transaction.
 */
export function createReleaseControl(store: RuntimeStore, emit: (event: RuntimeEvent) => void) {
  const commit = (agent: string, action: CommandAction, actor: string, key?: string): CommandAnswer => {
    const state = store.state(agent);
    const plan = store.setting(agent, 'plan');
    if (action.type === 'canary') {
      const version = store.version(action.version);
      if (version) checkGate(plan, version.ref.hash, version.ref.semver);
    }
    const { state: next, happened } = applyAction(state, action, {
      version: (hash) => {
        const found = store.version(hash);
        return found && found.agent === agent ? found.ref : undefined;
      },
      now: store.now(),
      withPlan: plan !== undefined,
    });
    const shaped =
      action.type === 'canary' && plan?.shadow
        ? withShadowPhase(next, plan)
        : action.type === 'set-weight' && plan
          ? atPlanStep(next, plan, action.weight)
          : next;
    const answer = { applied: true, state: shaped };
    const event = store.commit(shaped, {
      ...(key ? { key, answer: { applied: false, state: shaped } } : {}),
      event: { type: happened.type, actor, detail: happened.detail },
    });
    emit(event);
    return answer;
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
    key: string,
    actor: string,
    event: (state: ReleaseState) => { type: 'team-released' | 'team-rolled-back'; detail: Record<string, unknown> },
  ): TeamAnswer => {
    const answer = { applied: true, team, members: states };
    for (const happened of store.commitTeam(team, states, { key, answer, event: (state) => ({ ...event(state), actor }) }))
      emit(happened);
    return answer;
  };

  return {
    /** A command from a client: a replayed key answers as before, a stale generation is refused with the current state. */
    command: (agent: string, command: Command, actor: string): CommandAnswer => {
      const replay = store.answered(command.idempotencyKey);
      if (replay) return replay;
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
      return commit(agent, command.action, command.actor ?? actor, command.idempotencyKey);
    },
    /** Every member to its version at once: one generation of the team, one of each member, one transaction. */
    teamRelease: (name: string, command: TeamReleaseCommand, actor: string): TeamAnswer => {
      const replay = store.teamAnswered(command.idempotencyKey);
      if (replay) return replay;
      const team = currentTeam(name, command.expectedGeneration);
      const members: Record<string, VersionRef> = {};
      for (const [agent, hash] of Object.entries(command.members)) {
        const found = store.version(hash);
        if (!found || found.agent !== agent)
          throw new SlipwayError(
            'not_found',
            `version ${hash.slice(0, 12)} of ${agent} has not been uploaded to this runtime: upload it first (PUT /v1/agents/${agent}/versions/${hash})`,
          );
        members[agent] = found.ref;
      }
      const next = applyTeamRelease(
        team,
        Object.keys(members).map((agent) => store.state(agent)),
        members,
        command.release ?? null,
        store.now(),
      );
      return commitTeam(next.team, next.states, command.idempotencyKey, command.actor ?? actor, (state) => ({
        type: 'team-released',
        detail: { team: name, release: next.team.release, version: state.stable },
      }));
    },
    /** The previous team release back, in one step. */
    teamRollback: (name: string, command: TeamRollbackCommand, actor: string): TeamAnswer => {
      const replay = store.teamAnswered(command.idempotencyKey);
      if (replay) return replay;
      const team = currentTeam(name, command.expectedGeneration);
      const next = applyTeamRollback(team, (agent) => store.state(agent), store.now());
      return commitTeam(next.team, next.states, command.idempotencyKey, command.actor ?? actor, (state) => ({
        type: 'team-rolled-back',
        detail: { team: name, release: next.restored.release, from: team.release, version: state.stable, reason: command.reason },
      }));
    },
    /** The runtime's own moves (guardrails, the plan): applied to whatever the state is now. */
    internal: (agent: string, action: CommandAction, actor: string): ReleaseState => commit(agent, action, actor).state,
    /** Advances the plan to a step without a client command. */
    toStep: (agent: string, step: number, weight: number, actor: string): ReleaseState => {
      const state = store.state(agent);
      if (!state.canary) return state;
      const next: ReleaseState = {
        ...state,
        canary: { ...state.canary, weight },
        shadow: state.shadow?.hash === state.canary.hash ? null : state.shadow,
        plan: { step, since: store.now() },
        generation: state.generation + 1,
        updatedAt: store.now(),
      };
      emit(
        store.commit(next, {
          event: {
            type: 'step-advanced',
            actor,
            detail: { version: { hash: state.canary.hash, semver: state.canary.semver }, step, weight },
          },
        }),
      );
      return next;
    },
  };
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

export type ReleaseControl = ReturnType<typeof createReleaseControl>;
