import { SlipwayError } from '../shared/errors';
import type { Command, CommandAction, CommandAnswer, ReleasePlan, ReleaseState, RuntimeEvent } from '../shared/release/protocol';
import { applyAction } from '../shared/release/state';
import type { RuntimeStore } from './store';

/** The eval gate: every suite the plan names must have a passing attestation for this exact version. */
function checkGate(plan: ReleasePlan | undefined, hash: string, semver: string): void {
  if (!plan) return;
  const missing = plan.gate.suites.filter((suite) => !plan.gate.attestations.some((attestation) => attestation.suite === suite && attestation.versionHash === hash && attestation.passed));
  if (missing.length > 0) {
    throw new SlipwayError('conflict', `the eval gate refuses ${semver}: ${missing.map((suite) => `suite ${suite}`).join(', ')} ${missing.length === 1 ? 'has' : 'have'} no passing attestation for this version's hash (run it and push the plan again with the attestation)`);
  }
}

/**
 * Commands on an agent's release: idempotent by key, refused when the sender saw another
 * generation, gated by the plan's eval gate, stored with their event in one transaction.
 */
export function createReleaseControl(store: RuntimeStore, emit: (event: RuntimeEvent) => void) {
  const commit = (agent: string, action: CommandAction, actor: string, key?: string): CommandAnswer => {
    const state = store.state(agent);
    const plan = store.setting<ReleasePlan>(agent, 'plan');
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
    const shaped = action.type === 'canary' && plan?.shadow ? withShadowPhase(next, plan) : action.type === 'set-weight' && plan ? atPlanStep(next, plan, action.weight) : next;
    const answer = { applied: true, state: shaped };
    const event = store.commit(shaped, { ...(key ? { key, answer: { applied: false, state: shaped } } : {}), event: { type: happened.type, actor, detail: happened.detail } });
    emit(event);
    return answer;
  };

  return {
    /** A command from a client: a replayed key answers as before, a stale generation is refused with the current state. */
    command: (agent: string, command: Command, actor: string): CommandAnswer => {
      const replay = store.answered(command.idempotencyKey);
      if (replay) return replay;
      const state = store.state(agent);
      if (command.expectedGeneration !== state.generation) {
        throw Object.assign(new SlipwayError('conflict', `the release of ${agent} is at generation ${state.generation}, not ${command.expectedGeneration}: read the state and decide again`), { state });
      }
      return commit(agent, command.action, command.actor ?? actor, command.idempotencyKey);
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
      emit(store.commit(next, { event: { type: 'step-advanced', actor, detail: { version: { hash: state.canary.hash, semver: state.canary.semver }, step, weight } } }));
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
  return { ...state, canary: { ...state.canary, weight: 0 }, shadow: { hash: state.canary.hash, semver: state.canary.semver, share: plan.shadow.share }, plan: { step: -1, since: state.updatedAt } };
}

export type ReleaseControl = ReturnType<typeof createReleaseControl>;
