import { describe, expect, it } from 'vitest';
import { ReleasePlan, type VersionRef } from './protocol';
import { advanceStep, applyAction, checkGate, emptyState, nextPlanMove, route, routingPoint } from './state';

const v = (n: number): VersionRef => ({ hash: String(n).repeat(64).slice(0, 64), semver: `1.${n}.0` });
const versions = new Map([1, 2, 3].map((n) => [v(n).hash, v(n)]));
const context = { version: (hash: string) => versions.get(hash), now: '2026-01-01T00:00:00Z', plan: null };

describe('release state', () => {
  it('deploys, runs a canary, steps it, promotes, and rolls back to the previous stable', () => {
    let state = emptyState('triage', context.now);
    expect(() => applyAction(state, { type: 'canary', version: v(2).hash, weight: 5 }, context)).toThrow(/no stable version yet/);
    state = applyAction(state, { type: 'deploy', version: v(1).hash }, context).state;
    expect(state).toMatchObject({ stable: v(1), generation: 1 });
    const started = applyAction(state, { type: 'canary', version: v(2).hash, weight: 5 }, context);
    expect(started.happened).toEqual({ type: 'canary-started', detail: { version: v(2), weight: 5 } });
    state = applyAction(started.state, { type: 'set-weight', weight: 50 }, context).state;
    expect(state.canary).toEqual({ ...v(2), weight: 50 });
    state = applyAction(state, { type: 'pause' }, context).state;
    expect(() => applyAction(state, { type: 'pause' }, context)).toThrow(/already paused/);
    state = applyAction(state, { type: 'promote' }, context).state;
    expect(state).toMatchObject({ stable: v(2), canary: null, paused: false, history: [v(1)], generation: 5 });
    const back = applyAction(state, { type: 'rollback', reason: 'p95 doubled' }, context);
    expect(back.state).toMatchObject({ stable: v(1), history: [] });
    expect(back.happened.detail).toMatchObject({ to: v(1), from: v(2), reason: 'p95 doubled' });
    expect(() => applyAction(back.state, { type: 'rollback', reason: 'again' }, context)).toThrow(
      /no canary and no earlier stable/,
    );
  });

  it('rolls a canary back to stable, or to a named version; refuses what cannot be', () => {
    let state = applyAction(emptyState('triage', context.now), { type: 'deploy', version: v(1).hash }, context).state;
    state = applyAction(state, { type: 'canary', version: v(2).hash, weight: 25 }, context).state;
    expect(applyAction(state, { type: 'rollback', reason: 'errors' }, context).state).toMatchObject({
      stable: v(1),
      canary: null,
    });
    expect(applyAction(state, { type: 'rollback', to: v(3).hash, reason: 'hotfix' }, context).state).toMatchObject({
      stable: v(3),
      canary: null,
      history: [v(1)],
    });
    expect(() => applyAction(state, { type: 'canary', version: v(3).hash, weight: 5 }, context)).toThrow(/already has a canary/);
    expect(() => applyAction(state, { type: 'rollback', to: 'f'.repeat(64), reason: 'x' }, context)).toThrow(
      /has not been uploaded/,
    );
    expect(() => applyAction(state, { type: 'shadow-off' }, context)).toThrow(/no shadow/);
  });

  it('routes by a sticky weighted hash: the same key to the same version, the canary its share', () => {
    let state = applyAction(emptyState('triage', context.now), { type: 'deploy', version: v(1).hash }, context).state;
    state = applyAction(state, { type: 'canary', version: v(2).hash, weight: 5 }, context).state;
    expect(route(state, 'user-42')).toEqual(route(state, 'user-42'));
    const n = 100_000;
    let canary = 0;
    for (let index = 0; index < n; index += 1) if (route(state, `user-${index}`)?.canary) canary += 1;
    expect(Math.abs((canary / n) * 100 - 5)).toBeLessThan(0.5);
    expect(routingPoint('a')).not.toBe(routingPoint('b'));
    expect(route(emptyState('x', context.now), 'k')).toBeNull();
  });

  it('runs a plan: the eval gate, the shadow phase, steps held for their time, a weight by hand moving the plan, promotion after the last', () => {
    const plan = ReleasePlan.parse({
      gate: { suites: ['basics'] },
      shadow: { share: 20, durationMs: 1000 },
      steps: [
        { weight: 5, holdMs: 1000 },
        { weight: 50, holdMs: 1000 },
      ],
      autoAdvance: true,
    });
    const withPlan = { ...context, plan };
    let state = applyAction(emptyState('triage', context.now), { type: 'deploy', version: v(1).hash }, withPlan).state;
    expect(() => applyAction(state, { type: 'canary', version: v(2).hash, weight: 5 }, withPlan)).toThrow(
      /the eval gate refuses 1\.2\.0: suite basics has no passing attestation/,
    );
    expect(() => checkGate(null, v(2))).not.toThrow();
    const attested = ReleasePlan.parse({
      ...plan,
      gate: {
        suites: ['basics'],
        attestations: [
          {
            versionHash: v(2).hash,
            suite: 'basics',
            suiteRevisionHash: 'r'.repeat(64),
            runId: 1,
            passed: true,
            total: 1,
            passRate: 1,
            minPassRate: null,
            finishedAt: context.now,
          },
        ],
      },
    });
    state = applyAction(state, { type: 'canary', version: v(2).hash, weight: 5 }, { ...context, plan: attested }).state;
    // The shadow phase first: no traffic to the canary, a share mirrored to it.
    expect(state).toMatchObject({
      canary: { weight: 0 },
      shadow: { hash: v(2).hash, share: 20 },
      plan: { step: -1 },
      generation: 2,
    });
    const at = (ms: number) => Date.parse(context.now) + ms;
    expect(nextPlanMove(state, attested, at(999))).toEqual({ type: 'hold' });
    expect(nextPlanMove(state, attested, at(1000))).toEqual({ type: 'step', step: 0, weight: 5 });
    const stepped = advanceStep(state, 0, 5, new Date(at(1000)).toISOString());
    expect(stepped?.happened).toEqual({ type: 'step-advanced', detail: { version: v(2), step: 0, weight: 5 } });
    state = stepped?.state ?? state;
    expect(state).toMatchObject({ canary: { weight: 5 }, shadow: null, plan: { step: 0 }, generation: 3 });
    expect(nextPlanMove({ ...state, paused: true }, attested, at(5000))).toEqual({ type: 'hold' });
    expect(nextPlanMove(state, { ...attested, autoAdvance: false }, at(5000))).toEqual({ type: 'hold' });
    // A weight set by hand that is a step of the plan moves the plan there.
    state = applyAction(
      state,
      { type: 'set-weight', weight: 50 },
      { ...context, now: new Date(at(1500)).toISOString(), plan: attested },
    ).state;
    expect(state.plan).toEqual({ step: 1, since: new Date(at(1500)).toISOString() });
    expect(nextPlanMove(state, attested, at(2500))).toEqual({ type: 'promote' });
    expect(advanceStep(emptyState('x', context.now), 0, 5, context.now)).toBeNull();
  });
});
