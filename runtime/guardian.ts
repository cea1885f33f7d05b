import type { ReleaseState, RuntimeEvent } from '../shared/release/protocol';
import { nextPlanMove } from '../shared/release/state';
import { firstTrip, inWindow, windowStats } from '../shared/release/window';
import type { Recorder } from './metrics';
import { RUNTIME_ACTOR, type ReleaseControl } from './release-control';
import type { RuntimeStore } from './store';

/**
 * Every interval, for each agent with a canary: judge the canary's window against the
 * guardrails and roll back on a trip (with an event naming the threshold and the value); with
 * auto-advance, step the plan forward once a step has held healthy for its hold time, and
 * promote after the last.
 */
export function startGuardian(
  store: RuntimeStore,
  recorder: Recorder,
  control: ReleaseControl,
  options: { intervalMs: number; emit: (event: RuntimeEvent) => void },
) {
  const check = (state: ReleaseState, nowMs: number) => {
    const canary = state.canary;
    if (!canary) return;
    const guardrails = store.setting(state.agent, 'guardrails');
    if (guardrails) {
      // The window as the app computes it too: the buckets that overlap it (shared/release/window.ts).
      const stats = windowStats(
        inWindow(recorder.window(state.agent, canary.hash, guardrails.windowMs), guardrails.windowMs, nowMs),
      );
      const trip = firstTrip(guardrails, stats);
      if (trip) {
        options.emit(
          store.event(state.agent, {
            type: 'guardrail-tripped',
            actor: RUNTIME_ACTOR,
            detail: {
              version: { hash: canary.hash, semver: canary.semver },
              ...trip,
              requests: stats.requests,
              windowMs: guardrails.windowMs,
            },
          }),
        );
        control.internal(
          state.agent,
          { type: 'rollback', reason: `guardrail tripped: ${trip.metric} ${trip.value} > ${trip.threshold}` },
          RUNTIME_ACTOR,
        );
        return;
      }
    }
    const move = nextPlanMove(state, store.setting(state.agent, 'plan') ?? null, nowMs);
    if (move.type === 'step') control.toStep(state.agent, move.step, move.weight, RUNTIME_ACTOR);
    else if (move.type === 'promote') control.internal(state.agent, { type: 'promote' }, RUNTIME_ACTOR);
  };

  const timer = setInterval(() => {
    const nowMs = Date.now();
    for (const state of store.releases()) {
      try {
        check(state, nowMs);
      } catch (error) {
        console.error(`guardian: ${state.agent}:`, error);
      }
    }
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
