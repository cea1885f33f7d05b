import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../shared/contract/client';
import type { CompareProgressEvent } from '../../shared/contract/comparing';
import { createDispatch } from '../../shared/contract/dispatch';
import { recordEvents } from '../../test-support/events';
import { orderAgentFiles } from '../../test-support/order-agent';
import { tempWorkspace, type TestWorkspace } from '../../test-support/workspace';
import { loadSamples } from '../agents/samples';
import { sessionVault } from '../keys/secret-vault';
import { createServices, type Services } from '../services';

let t: TestWorkspace;
let services: Services;
let client: Client;
let recorded = recordEvents();

afterEach(async () => {
  await services?.close();
  t.cleanup();
});

function setup() {
  t = tempWorkspace();
  loadSamples(t.ws);
  recorded = recordEvents();
  services = createServices(t.ws, { vault: sessionVault({}), emit: recorded.emit });
  client = createClient(createDispatch(services.handlers));
}

/** A comparison's progress event (already pushed, or the next) that meets the condition. */
const progress = (id: number, condition: (event: CompareProgressEvent) => boolean) =>
  recorded.until((event) =>
    event.type === 'compare.progress' && event.payload.comparisonId === id && condition(event.payload) ? event : null,
  );
const endOf = (id: number) => progress(id, (event) => event.status !== 'running');

describe('datasets through the contract', () => {
  it('previews a CSV with its column roles, imports it whole with a mapping, refuses a bad line and builds one from a suite', async () => {
    setup();
    const csv = 'ticket_id,body,note\nT-1,charged twice,x\nT-2,API down,y\n';
    const preview = await client.datasets.preview({ fileName: 'Inbox.csv', content: csv });
    expect(preview).toMatchObject({ name: 'inbox', format: 'csv', items: 2 });
    expect(preview.columns.map((column) => column.role)).toEqual([
      { kind: 'var', name: 'ticket_id' },
      { kind: 'var', name: 'body' },
      { kind: 'var', name: 'note' },
    ]);
    const saved = await client.datasets.import({
      agent: 'ticket-triage',
      fileName: 'Inbox.csv',
      content: csv,
      mapping: { ticket_id: { kind: 'id' }, note: { kind: 'ignore' } },
      message: 'first inbox',
    });
    expect(saved).toMatchObject({ name: 'inbox', revision: 1, items: 2 });
    expect(saved.list[0]).toEqual({ id: 'T-1', vars: { body: 'charged twice' }, tools: [] });
    await expect(
      client.datasets.import({ agent: 'ticket-triage', fileName: 'more.jsonl', content: '{"id": "a"}\n{oops\n', message: 'bad' }),
    ).rejects.toThrow(/line 2: not JSON/);
    expect((await client.datasets.list({ agent: 'ticket-triage' })).map((dataset) => dataset.name)).toEqual(['inbox']);
    const fromSuite = await client.datasets.fromSuite({ agent: 'ticket-triage', suite: 'triage-basics' });
    expect(fromSuite).toMatchObject({ name: 'triage-basics', items: 3 });
    const edited = await client.datasets.save({
      agent: 'ticket-triage',
      name: 'inbox',
      jsonl: '{"id": "T-1", "vars": {"body": "charged three times"}}\n{"id": "T-3", "vars": {"body": "new"}}\n',
      message: 'edited',
    });
    expect(edited).toMatchObject({ revision: 2, items: 2 });
    expect((await client.datasets.get({ agent: 'ticket-triage', name: 'inbox', revision: 1 })).items).toBe(2);
    await expect(
      client.datasets.save({
        agent: 'ticket-triage',
        name: 'inbox',
        jsonl: '{"id": "T-1"}\n{"id": "bad id!"}\n',
        message: 'bad',
      }),
    ).rejects.toThrow(/line 2: id/);
    expect((await client.datasets.get({ agent: 'ticket-triage', name: 'inbox' })).revision).toBe(2);
  });
});

describe('comparisons through the contract', () => {
  it('runs two sample versions on a dataset in the background and stores verdicts, statistics and a report', async () => {
    setup();
    await client.datasets.fromSuite({ agent: 'ticket-triage', suite: 'triage-basics', name: 'basics' });
    const started = await client.comparisons.start({
      agent: 'ticket-triage',
      refs: ['production', 'staging'],
      dataset: 'basics',
      suite: 'triage-basics',
      repeat: 2,
      concurrency: 4,
      seed: 5,
    });
    expect(started).toMatchObject({
      status: 'running',
      refs: [
        { ref: 'production', version: 'ticket-triage@1.1.0' },
        { ref: 'staging', version: 'ticket-triage@1.1.1' },
      ],
    });
    await endOf(started.id);
    const done = await client.comparisons.get({ id: started.id });
    expect(done.status).toBe('finished');
    // Over cases, each by the majority of its 2 repeats; the results themselves beside.
    expect(done.stats?.versions.map((version) => [version.version, version.passed, version.total, version.results])).toEqual([
      ['ticket-triage@1.1.0', 3, 3, { passed: 6, total: 6 }],
      ['ticket-triage@1.1.1', 2, 3, { passed: 4, total: 6 }],
    ]);
    expect(done.stats?.pairs[0]).toMatchObject({
      mcnemar: { b: 1, c: 0, method: 'exact', p: 1 },
      verdicts: { regressed: 1 },
      significantRegression: false,
    });
    expect(done.stats?.pairs[0]?.sampleSize.more).toBeGreaterThan(0);
    const rows = await client.comparisons.cases({ id: started.id });
    expect(rows.find((row) => row.caseId === 'api-outage')).toMatchObject({ verdict: 'regressed', delta: { passRate: -1 } });
    const detail = await client.comparisons.case({ id: started.id, caseId: 'api-outage' });
    expect(detail.baseline).toHaveLength(2);
    expect(detail.candidate[0]?.output).toContain('"priority": "p2"');
    expect(detail.input).toMatchObject({ vars: { ticket_id: 'T-2002' } });

    const html = await client.comparisons.report({ id: started.id, format: 'html' });
    expect(html.fileName).toBe(`comparison-${started.id}-ticket-triage.html`);
    expect(html.content).toContain(done.stats?.pairs[0]?.summary.replace(/&/g, '&amp;') ?? 'missing');
    expect(html.content).not.toMatch(/<script|src=|href=|@import|url\(/i);
    const json = JSON.parse((await client.comparisons.report({ id: started.id, format: 'json' })).content) as {
      cases: unknown[][];
    };
    expect(json.cases[0]).toHaveLength(3);
    expect((await client.comparisons.list({ agent: 'ticket-triage' })).map((comparison) => comparison.id)).toEqual([started.id]);
    expect((await client.audit.list({ action: 'comparison.finish' }))[0]?.subject).toBe(
      'ticket-triage@1.1.0 vs ticket-triage@1.1.1 on basics#1',
    );
  });

  it('compares two versions on conversations, each conversation one case with its turns, and a simulated user', async () => {
    setup();
    await client.agents.create({ name: 'orders' });
    const version = (secondTool: string, message: string) =>
      client.versions.snapshot({ agent: 'orders', message, files: orderAgentFiles(secondTool) });
    await version('refund', 'refunds');
    await version('cancel_order', 'cancels instead');
    const suite = [
      'name: flows',
      'simulator: { provider: mock, model: sim, mock: { rules: [{ match: "shipped|Done", reply: "Refund it" }, { reply: "Where is order 42?" }] } }',
      'cases:',
      '  - id: scripted',
      '    tools: [{ name: lookup_order, result: {} }, { name: refund, result: {} }, { name: cancel_order, result: {} }]',
      '    turns:',
      '      - { user: Where is order 42?, assert: [{ type: tool-called, name: lookup_order }] }',
      '      - { user: Refund it, assert: [{ type: tool-called, name: refund }] }',
      '  - id: simulated',
      '    tools: [{ name: lookup_order, result: {} }, { name: refund, result: {} }, { name: cancel_order, result: {} }]',
      '    simulate: { persona: a customer, goal: a refund, goal_check: [{ type: tool-called, name: refund }], max_turns: 3 }',
      '    assert: [{ type: goal-reached }]',
      '',
    ].join('\n');
    await client.suites.save({ agent: 'orders', yaml: suite, message: 'conversations' });
    const dataset = await client.datasets.fromSuite({ agent: 'orders', suite: 'flows', name: 'flows' });
    expect(dataset.items).toBe(2);
    const started = await client.comparisons.start({
      agent: 'orders',
      refs: ['1.0.0', '1.0.1'],
      dataset: 'flows',
      suite: 'flows',
      repeat: 1,
      concurrency: 2,
    });
    await endOf(started.id);
    const done = await client.comparisons.get({ id: started.id });
    expect(done.stats?.versions.map((side) => [side.passed, side.total])).toEqual([
      [2, 2],
      [0, 2],
    ]);
    const scripted = await client.comparisons.case({ id: started.id, caseId: 'scripted' });
    expect(scripted.verdict).toBe('regressed');
    expect(scripted.candidate).toHaveLength(1);
    expect(scripted.candidate[0]?.conversation).toEqual({ turns: [1, 5] });
    expect(scripted.candidate[0]?.verdicts[1]).toMatchObject({ turn: 2, pass: false });
    expect(scripted.input).toMatchObject({ turns: ['Where is order 42?', 'Refund it'] });
    const simulated = await client.comparisons.case({ id: started.id, caseId: 'simulated' });
    expect(simulated.baseline[0]?.conversation?.ended).toBe('goal');
    expect(simulated.candidate[0]?.conversation?.ended).toBe('max-turns');
    // A dataset alone cannot say who plays a simulated user.
    await expect(
      client.comparisons.start({ agent: 'orders', refs: ['1.0.0', '1.0.1'], dataset: 'flows', repeat: 1, concurrency: 2 }),
    ).rejects.toThrow('simulated talk with a simulated user: compare with a suite whose simulator plays it (--suite)');
  });

  it('refuses one ref, six refs, another agent, and cancels a long comparison keeping what finished', async () => {
    setup();
    await client.datasets.fromSuite({ agent: 'ticket-triage', suite: 'triage-basics', name: 'basics' });
    await expect(client.comparisons.start({ agent: 'ticket-triage', refs: ['production'], dataset: 'basics' })).rejects.toThrow(
      /at least two refs/,
    );
    await expect(
      client.comparisons.start({
        agent: 'ticket-triage',
        refs: ['1.0.0', '1.1.0', '1.1.1', 'latest', 'production', 'staging'],
        dataset: 'basics',
      }),
    ).rejects.toThrow(/at most five/);
    await expect(
      client.comparisons.start({ agent: 'ticket-triage', refs: ['production', 'refund-approval@2.0.0'], dataset: 'basics' }),
    ).rejects.toThrow(/not a version of ticket-triage/);
    const started = await client.comparisons.start({
      agent: 'ticket-triage',
      refs: ['1.0.0', '1.1.1'],
      dataset: 'basics',
      repeat: 20,
      concurrency: 1,
    });
    // Cancel once some results are in: the statistics cover what finished.
    await progress(started.id, (event) => event.done >= 12);
    const cancelled = await client.comparisons.cancel({ id: started.id });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.stats?.pairs[0]?.verdicts).toBeDefined();
    await expect(client.comparisons.cancel({ id: started.id })).rejects.toThrow(/already ended \(cancelled\)/);
  });
});
