import { afterEach, describe, expect, it } from 'vitest';
import { createTrustStore } from '../trust/store';
import type { CaseRow } from '../../../shared/contract/comparing';
import { loadSamples } from '../../../workspace/agents/samples';
import { startTestHost, type TestHost } from '../../../test-support/browser-host';
import { createCompareStore, visibleCases } from './store';

let t: TestHost;
afterEach(async () => t?.close());

const side = { passRate: 1, output: '', latencyMs: 10, tokens: 5, costUsd: 0.001, error: null };
const row = (
  caseId: string,
  verdict: CaseRow['verdict'],
  latency: number,
  cost: number | null,
  categories: CaseRow['categories'] = [],
): CaseRow => ({
  caseId,
  verdict,
  categories,
  baseline: side,
  candidate: side,
  delta: {
    passRate: verdict === 'regressed' ? -1 : verdict === 'improved' ? 1 : 0,
    latencyMs: latency,
    tokens: 0,
    costUsd: cost,
  },
});

describe('compare store', () => {
  it('filters cases by verdict and change and sorts them by a delta, either way', () => {
    const rows = [
      row('a', 'same', 5, 0),
      row('b', 'regressed', -20, 0.002, ['format-broken']),
      row('c', 'changed', 40, null, ['length-changed']),
      row('d', 'improved', 0, -0.001),
    ];
    expect(visibleCases(rows, 'regressed', null, 'order', true).map((item) => item.caseId)).toEqual(['b']);
    expect(visibleCases(rows, 'all', 'length-changed', 'order', true).map((item) => item.caseId)).toEqual(['c']);
    expect(visibleCases(rows, 'all', null, 'latencyMs', true).map((item) => item.caseId)).toEqual(['c', 'a', 'd', 'b']);
    expect(visibleCases(rows, 'all', null, 'latencyMs', false).map((item) => item.caseId)).toEqual(['b', 'd', 'a', 'c']);
    expect(visibleCases(rows, 'all', null, 'costUsd', true).map((item) => item.caseId)).toEqual(['b', 'a', 'd', 'c']);
  });

  it('starts a comparison over the browser host, follows it to its end and opens a case', async () => {
    t = await startTestHost();
    loadSamples(t.ws);
    await t.client.datasets.fromSuite({ agent: 'ticket-triage', suite: 'triage-basics', name: 'basics' });
    const errors: string[] = [];
    const notify = (message: string) => errors.push(message);
    const store = createCompareStore({
      client: t.client,
      notify,
      confirmRun: createTrustStore({ client: t.client, notify }).getState().confirmRun,
    });
    const unsubscribe = t.transport.subscribe(
      (event) => event.type === 'compare.progress' && store.getState().onProgress(event.payload),
    );
    await store.getState().load('ticket-triage');
    expect(store.getState().datasets.map((dataset) => dataset.name)).toEqual(['basics']);
    expect(
      await store
        .getState()
        .start({ refs: ['production', 'production'], dataset: 'basics', suite: null, repeat: 1, concurrency: 2 }),
    ).not.toBeNull();
    await expect.poll(() => store.getState().open?.status, { timeout: 5000 }).toBe('finished');
    expect(store.getState().open?.stats?.pairs[0]?.verdicts).toEqual({ improved: 0, regressed: 0, same: 3, changed: 0 });

    await store
      .getState()
      .start({ refs: ['production', 'staging'], dataset: 'basics', suite: 'triage-basics', repeat: 1, concurrency: 2 });
    await expect.poll(() => store.getState().open?.status, { timeout: 5000 }).toBe('finished');
    expect(store.getState().comparisons).toHaveLength(2);
    store.getState().setVerdict('regressed');
    await store.getState().openCase('api-outage');
    expect(store.getState().detail?.candidate[0]?.output).toContain('p2');
    expect(errors).toEqual([]);
    expect(
      await store.getState().start({ refs: ['production', 'nope'], dataset: 'basics', suite: null, repeat: 1, concurrency: 1 }),
    ).toBeNull();
    expect(errors[0]).toMatch(/nope/);
    unsubscribe();
  });
});
