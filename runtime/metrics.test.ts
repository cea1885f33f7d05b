import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/workspace';
import { createRecorder, type ServedRequest } from './metrics';
import { openRuntimeStore, type RuntimeStore } from './store';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function storeIn(): { store: RuntimeStore } {
  const { dir, cleanup } = tempDir('slipway-metrics-');
  const store = openRuntimeStore(dir);
  cleanups.push(() => {
    store.close();
    cleanup();
  });
  return { store };
}

const served = (atMs: number, version = 'a'.repeat(64), latencyMs = 10, error = false): ServedRequest => ({
  agent: 'triage',
  version,
  segment: '',
  atMs,
  latencyMs,
  error,
  inputTokens: 3,
  outputTokens: 2,
  costUsd: 0.001,
  toolCalls: 0,
  assertionFailed: false,
});
const model = { name: 'mock-1', system: 'mock' };

describe('the metrics recorder', () => {
  it('counts at record time into buckets, regroups them wider on read, and marks the bucket still filling', () => {
    const { store } = storeIn();
    // On a minute's boundary, so a 60 s regrouping holds the whole minute.
    let now = 999_999_960_000;
    const recorder = createRecorder(store, { flushMs: 60_000, bucketMs: 10_000, retentionMs: 86_400_000, now: () => now });
    for (let second = 0; second < 60; second += 1)
      recorder.record(served(now + second * 1000, undefined, 10 + second, second % 10 === 0), model);
    now += 59_000;
    const fine = recorder.buckets('triage', now - 60_000, 10_000);
    expect(fine.map((bucket) => [bucket.requests, bucket.errors, bucket.partial])).toEqual([
      [10, 1, false],
      [10, 1, false],
      [10, 1, false],
      [10, 1, false],
      [10, 1, false],
      [10, 1, true],
    ]);
    const wide = recorder.buckets('triage', now - 60_000, 60_000);
    expect(wide).toHaveLength(1);
    expect(wide[0]).toMatchObject({ requests: 60, errors: 6, inputTokens: 180, widthMs: 60_000 });
    expect(Math.abs((wide[0]?.latencyP95 ?? 0) - 67) / 67).toBeLessThan(0.02);
    recorder.close();
  });

  it('keeps the database bounded under sustained traffic: rows per bucket, not per request, trimmed past the retention', () => {
    const { store } = storeIn();
    let now = 2_000_000_000_000;
    const recorder = createRecorder(store, { flushMs: 60_000, bucketMs: 10_000, retentionMs: 3_600_000, now: () => now });
    let most = 0;
    // Three hours of traffic, 600 requests a minute over two versions, flushed each minute.
    for (let minute = 0; minute < 180; minute += 1) {
      for (let index = 0; index < 600; index += 1)
        recorder.record(served(now + (index % 60) * 1000, index % 2 ? 'a'.repeat(64) : 'b'.repeat(64), 5 + (index % 40)), model);
      now += 60_000;
      recorder.buckets('triage', now, 10_000);
      most = Math.max(most, store.aggregatesSince('triage', 10_000, 0).length);
    }
    // One hour kept (trimmed as it flushes, once a minute): 360 buckets of 10 s for each of two versions, however many requests they counted.
    expect(most).toBeLessThanOrEqual(2 * (360 + 6 + 1));
    expect(store.aggregatesSince('triage', 10_000, 0).reduce((sum, row) => sum + row.requests, 0)).toBeLessThanOrEqual(61 * 600);
    recorder.close();
  });

  it('answers reads past the fine hours from ten-minute buckets, so no read touches more than a bounded number of rows', () => {
    const { store } = storeIn();
    let now = 3_000_000_000_000 - (3_000_000_000_000 % 600_000);
    const recorder = createRecorder(store, { flushMs: 60_000, bucketMs: 10_000, retentionMs: 7 * 86_400_000, now: () => now });
    const start = now;
    // Two days of a request every ten seconds.
    for (let at = start; at < start + 2 * 86_400_000; at += 10_000) recorder.record(served(at), model);
    now = start + 2 * 86_400_000;
    const lastHour = recorder.buckets('triage', now - 3_600_000, 10_000);
    expect(lastHour).toHaveLength(360);
    expect(lastHour.every((bucket) => bucket.widthMs === 10_000)).toBe(true);
    const twoDays = recorder.buckets('triage', start, 10_000);
    expect(twoDays).toHaveLength(288);
    expect(twoDays.every((bucket) => bucket.widthMs === 600_000)).toBe(true);
    expect(twoDays.reduce((sum, bucket) => sum + bucket.requests, 0)).toBe(2 * 8640);
    // Since the beginning of time is since the retention's start.
    expect(recorder.buckets('triage', 0, 10_000)).toHaveLength(288);
    // Fine buckets past their six hours are trimmed; ten-minute ones stay for the retention.
    expect(store.aggregatesSince('triage', 10_000, 0).length).toBeLessThanOrEqual(6 * 360 + 7);
    recorder.close();
  });
});
