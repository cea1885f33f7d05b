import { afterEach, describe, expect, it } from 'vitest';
import { createTrustStore } from '../trust/store';
import type { ResultRow } from '../../../shared/contract/testing';
import { startTestHost, type TestHost } from '../../../test-support/browser-host';
import { agentFiles } from '../../../test-support/workspace';
import { createTryStore, templateVariables } from '../try/store';
import { suiteDiagnostics } from '../../../shared/suite-file';
import { createTestsStore, etaSeconds, visibleRows } from './store';

let t: TestHost;
afterEach(async () => t?.close());

const MOCK =
  'provider: mock\nmodel: mock-1\nmock:\n  rules:\n    - match: "refund"\n      reply: "billing"\n    - reply: "general"\n';
const SUITE =
  'name: basics\ncases:\n  - id: refund\n    vars: { id: 1, body: refund please }\n    assert: [{ type: contains, value: billing }]\n  - id: hello\n    vars: { id: 2, body: hello }\n    assert: [{ type: contains, value: billing }]\n';

async function setup() {
  t = await startTestHost();
  await t.client.agents.create({ name: 'triage' });
  await t.client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles({ 'config.yaml': MOCK }) });
  const errors: string[] = [];
  const notify = (message: string) => errors.push(message);
  const store = createTestsStore({
    client: t.client,
    notify,
    confirmRun: createTrustStore({ client: t.client, notify }).getState().confirmRun,
  });
  const unsubscribe = t.transport.subscribe(
    (event) => event.type === 'run.progress' && store.getState().onProgress(event.payload),
  );
  return { store, errors, unsubscribe };
}

const row = (
  caseId: string,
  status: ResultRow['status'],
  latencyMs: number,
  costUsd: number | null,
  flaky = false,
): ResultRow => ({ caseId, repeat: 0, status, latencyMs, costUsd, tokens: 10, problem: null, flaky });

describe('tests store', () => {
  it('checks a new suite as it is typed, saves it, runs it and follows the run to its end over the browser host', async () => {
    const { store, errors, unsubscribe } = await setup();
    await store.getState().load('triage');
    expect(store.getState().suites).toEqual([]);
    store.getState().newSuite('name: basics\ncases: nope\n');
    expect(store.getState().diagnostics[0]).toMatchObject({ line: 2 });
    expect(await store.getState().save('first')).toBe(false);
    expect(errors[0]).toMatch(/cases/);

    store.getState().setText(SUITE);
    expect(store.getState().diagnostics).toEqual([]);
    expect(await store.getState().save('two cases')).toBe(true);
    expect(store.getState().suite).toMatchObject({ name: 'basics', revision: 1, cases: 2 });
    expect(store.getState().dirty).toBe(false);

    const started = await store.getState().startRun({ ref: 'latest', suite: 'basics', concurrency: 2, repeat: 1 });
    expect(store.getState().run?.id).toBe(started?.id);
    await expect.poll(() => store.getState().run?.status, { timeout: 5000 }).toBe('finished');
    expect(store.getState().live[started?.id ?? 0]).toMatchObject({ status: 'finished', passed: 1, failed: 1 });
    expect(store.getState().rows.map((result) => [result.caseId, result.status])).toEqual(
      expect.arrayContaining([
        ['refund', 'passed'],
        ['hello', 'failed'],
      ]),
    );
    expect(store.getState().runs.map((run) => run.id)).toEqual([started?.id]);
    await store.getState().openCase('hello', 0);
    expect(store.getState().detail).toMatchObject({ output: 'general', verdicts: [{ type: 'contains', pass: false }] });

    const second = await store.getState().startRun({ ref: 'triage@1.0.0', suite: 'basics', concurrency: 1, repeat: 1 });
    await expect.poll(() => store.getState().run?.status, { timeout: 5000 }).toBe('finished');
    expect(store.getState().previous?.id).toBe(started?.id);
    expect(store.getState().comparison).toMatchObject({ earlier: started?.id, later: second?.id, newFailures: [], fixes: [] });
    expect(store.getState().trend).toEqual([
      expect.objectContaining({ version: 'triage@1.0.0', runId: second?.id, passRate: 0.5 }),
    ]);
    unsubscribe();
  });

  it('filters by outcome (flaky across repeats) and sorts the slowest and dearest first', () => {
    const rows = [
      row('a', 'passed', 10, 0.2),
      row('b', 'failed', 30, null),
      row('c', 'errored', 20, 0.1),
      row('d', 'passed', 5, 0.3, true),
      row('d', 'failed', 50, 0.01, true),
    ];
    expect(visibleRows(rows, 'failed', 'order').map((result) => result.caseId)).toEqual(['b', 'd']);
    expect(visibleRows(rows, 'flaky', 'order')).toHaveLength(2);
    expect(visibleRows(rows, 'all', 'latency').map((result) => result.latencyMs)).toEqual([50, 30, 20, 10, 5]);
    expect(visibleRows(rows, 'all', 'cost').map((result) => result.costUsd)).toEqual([0.3, 0.2, 0.1, 0.01, null]);
    expect(etaSeconds({ done: 0, total: 10, elapsedMs: 500 })).toBeNull();
    expect(etaSeconds({ done: 5, total: 20, elapsedMs: 2000 })).toBe(6);
    expect(
      suiteDiagnostics('name: x\ncases: []\nbogus: 1\n')
        .map((diagnostic) => diagnostic.message)
        .join('\n'),
    ).toMatch(/bogus/);
  });
});

describe('try store', () => {
  it('runs the draft and the latest version side by side; an empty field is a variable not given', async () => {
    t = await startTestHost();
    await t.client.agents.create({ name: 'triage' });
    await t.client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles({ 'config.yaml': MOCK }) });
    await t.client.drafts.writeFile({
      agent: 'triage',
      file: 'config.yaml',
      content: MOCK.replace('reply: "general"', 'reply: "general (draft)"'),
    });
    expect(templateVariables({ 'prompt.md': 'Desk {{ team }}', 'user.md': 'Ticket {{id}}: {{body}} {{customer.name}}' })).toEqual(
      ['team', 'id', 'body', 'customer'],
    );
    const store = createTryStore({
      client: t.client,
      notify: () => undefined,
      confirmRun: createTrustStore({ client: t.client, notify: () => undefined }).getState().confirmRun,
    });
    store.getState().load('triage');
    store.getState().setVar('id', '7');
    store.getState().setVar('body', 'hello there');
    store.getState().setCompareWith('latest');
    await store.getState().run();
    const { draft, other } = store.getState();
    expect(draft.state === 'done' && draft.result.output).toBe('general (draft)');
    expect(other.state === 'done' && other.result).toMatchObject({ version: 'triage@1.0.0', output: 'general' });

    store.getState().setVar('body', '');
    await store.getState().run();
    const missing = store.getState().draft;
    expect(missing.state === 'done' && missing.result.error).toMatchObject({
      kind: 'config',
      message: expect.stringContaining('{{body}}') as unknown as string,
    });
  });
});
