import { describe, expect, it } from 'vitest';
import type { VersionRef } from './protocol';
import { applyAction, emptyState, route, routingPoint } from './state';

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
});
