import type { Guardrails, ReleaseState, RuntimeEvent } from '../shared/release/protocol';
import { windowStats, type Recorder, type WindowStats } from './metrics';
import type { ReleaseControl } from './release-control';
import type { RuntimeStore } from './store';

export interface Trip {
  metric: 'error rate' | 'p95 latency' | 'cost per request' | 'live assertion failure rate';
  threshold: number;
  value: number;
}

/** The first guardrail a window breaks, with its threshold and value; null when healthy or too few requests. */
export function firstTrip(guardrails: Guardrails, stats: WindowStats): Trip | null {
  if (stats.requests < guardrails.minRequests) return null;
  if (guardrails.maxErrorRate !== undefined && stats.errorRate > guardrails.maxErrorRate)
    return { metric: 'error rate', threshold: guardrails.maxErrorRate, value: stats.errorRate };
  if (guardrails.maxP95LatencyMs !== undefined && stats.p95LatencyMs !== null && stats.p95LatencyMs > guardrails.maxP95LatencyMs)
    return { metric: 'p95 latency', threshold: guardrails.maxP95LatencyMs, value: stats.p95LatencyMs };
  if (
    guardrails.maxCostPerRequestUsd !== undefined &&
    stats.costPerRequestUsd !== null &&
    stats.costPerRequestUsd > guardrails.maxCostPerRequestUsd
  )
    return { metric: 'cost per request', threshold: guardrails.maxCostPerRequestUsd, value: stats.costPerRequestUsd };
  if (guardrails.maxAssertionFailureRate !== undefined && stats.assertionFailureRate > guardrails.maxAssertionFailureRate)
    return {
      metric: 'live assertion failure rate',
      threshold: guardrails.maxAssertionFailureRate,
      value: stats.assertionFailureRate,
    };
  return null;
}

const ACTOR = 'runtime';

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
      const window = recorder
        .since(state.agent, nowMs - guardrails.windowMs)
        .filter((request) => request.version === canary.hash);
      const trip = firstTrip(guardrails, windowStats(window));
      if (trip) {
        options.emit(
          store.event(state.agent, {
            type: 'guardrail-tripped',
            actor: ACTOR,
            detail: {
              version: { hash: canary.hash, semver: canary.semver },
              ...trip,
              requests: window.length,
              windowMs: guardrails.windowMs,
            },
          }),
        );
        control.internal(
          state.agent,
          { type: 'rollback', reason: `guardrail tripped: ${trip.metric} ${trip.value} > ${trip.threshold}` },
          ACTOR,
        );
        return;
      }
    }
    const plan = store.setting(state.agent, 'plan');
    if (!plan?.autoAdvance || !state.plan || state.paused) return;
    const held = nowMs - Date.parse(state.plan.since);
    const hold = state.plan.step < 0 ? (plan.shadow?.durationMs ?? 0) : (plan.steps[state.plan.step]?.holdMs ?? 0);
    if (held < hold) return;
    const nextStep = state.plan.step + 1;
    const next = plan.steps[nextStep];
    if (next) control.toStep(state.agent, nextStep, next.weight, ACTOR);
    else control.internal(state.agent, { type: 'promote' }, ACTOR);
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
