import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../shared/contract/client';
import { createDispatch } from '../../shared/contract/dispatch';
import type { RunProgressEvent } from '../../shared/contract/testing';
import { recordEvents } from '../../test-support/events';
import { startFakeLlm, type FakeLlm } from '../../test-support/fake-llm';
import { agentFiles, tempWorkspace, type TestWorkspace } from '../../test-support/workspace';
import { sessionVault } from '../keys/secret-vault';
import { createServices, type Services } from '../services';

const KEY = 'sk-try-panel-secret-7781';
let t: TestWorkspace;
let services: Services;
let client: Client;
let fake: FakeLlm | null = null;
let recorded = recordEvents();

afterEach(async () => {
  await services?.close();
  await fake?.close();
  fake = null;
  t.cleanup();
});

/** A workspace whose contract has a session vault and records the events it pushes. */
function setup(env: Record<string, string> = {}) {
  t = tempWorkspace();
  recorded = recordEvents();
  services = createServices(t.ws, { vault: sessionVault(env), emit: recorded.emit });
  client = createClient(createDispatch(services.handlers));
}

const mockConfig = (latencyMs = 0) =>
  `provider: mock\nmodel: mock-1\nmock:\n  latency_ms: ${latencyMs}\n  rules:\n    - match: "refund"\n      reply: "billing p2"\n    - reply: "general p3"\n`;
const suiteYaml = (cases: number) =>
  `name: basics\ncases:\n${Array.from({ length: cases }, (_, index) => `  - id: c${index}\n    vars: { id: ${index}, body: ${index % 2 === 0 ? 'refund please' : 'hello'} }\n    assert: [{ type: contains, value: billing }]\n`).join('')}`;

/** The first progress event of a run (already pushed, or the next) that meets the condition. */
const progress = (runId: number, condition: (event: RunProgressEvent) => boolean) =>
  recorded.until((event) =>
    event.type === 'run.progress' && event.payload.runId === runId && condition(event.payload) ? event.payload : null,
  );

const progressUntilEnd = (runId: number) => progress(runId, (event) => event.status !== 'running');

describe('suites through the contract', () => {
  it('saves revisions, lists them with case counts, and previews an import without saving', async () => {
    setup();
    await client.agents.create({ name: 'triage' });
    const saved = await client.suites.save({ agent: 'triage', yaml: suiteYaml(3), message: 'first cases' });
    expect(saved).toMatchObject({ name: 'basics', revision: 1, cases: 3 });
    expect(saved.caseList[1]).toEqual({ id: 'c1', description: '', vars: { id: 1, body: 'hello' }, assertions: 1 });
    expect((await client.suites.list({ agent: 'triage' })).map((suite) => [suite.name, suite.cases])).toEqual([['basics', 3]]);

    const preview = await client.suites.previewImport({
      fileName: 'Refund Cases.csv',
      content: 'id,body,__expected\nr1,refund now,contains:billing\n',
    });
    expect(preview.name).toBe('refund-cases');
    expect(preview.report).toMatchObject({ format: 'csv', cases: 1 });
    expect(preview.yaml).toContain('refund now');
    expect((await client.suites.list({ agent: 'triage' })).length).toBe(1);
    const renamed = await client.suites.previewImport({ fileName: 'basics.yaml', content: suiteYaml(2), name: 'smoke' });
    expect(renamed).toMatchObject({ name: 'smoke', report: { format: 'slipway', cases: 2 } });
    expect(renamed.yaml).toMatch(/^name: smoke$/m);
    await expect(client.suites.previewImport({ fileName: 'broken.jsonl', content: '{"vars": {}}\nnot json\n' })).rejects.toThrow(
      /line 2/,
    );
    await expect(client.suites.save({ agent: 'triage', yaml: 'name: basics\ncases: 3\n', message: 'bad' })).rejects.toThrow(
      /cases/,
    );
  });
});

describe('runs started from the app', () => {
  it('runs in the background with progress events, and stores every result for the grid and the drawer', async () => {
    setup();
    await client.agents.create({ name: 'triage' });
    await client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles({ 'config.yaml': mockConfig(5) }) });
    await client.suites.save({ agent: 'triage', yaml: suiteYaml(20), message: 'cases' });
    expect(await client.runs.estimate({ agent: 'triage', ref: 'latest', suite: 'basics', repeat: 2 })).toEqual({
      calls: 40,
      estimateUsd: 0,
      version: 'triage@1.0.0',
    });

    const started = await client.runs.start({
      agent: 'triage',
      ref: 'latest',
      suite: 'basics',
      settings: { concurrency: 2, repeat: 1 },
    });
    expect(started).toMatchObject({ status: 'running', version: 'triage@1.0.0', suite: 'basics' });
    const end = await progressUntilEnd(started.id);
    expect(end).toMatchObject({ status: 'finished', done: 20, total: 20, passed: 10, failed: 10, errored: 0 });
    const running = recorded.events.filter((event) => event.type === 'run.progress' && event.payload.status === 'running');
    expect(running.length).toBeGreaterThan(0);

    const rows = await client.runs.results({ runId: started.id });
    expect(rows).toHaveLength(20);
    expect(rows.find((row) => row.caseId === 'c1')).toMatchObject({
      status: 'failed',
      flaky: false,
      problem: expect.stringContaining('contains') as unknown as string,
    });
    expect(rows.find((row) => row.caseId === 'c0')).toMatchObject({
      status: 'passed',
      problem: null,
      tokens: expect.any(Number) as unknown as number,
    });
    const detail = await client.runs.result({ runId: started.id, caseId: 'c1', repeat: 0 });
    expect(detail.input).toEqual({ vars: { id: 1, body: 'hello' } });
    expect(detail.output).toBe('general p3');
    expect(detail.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant']);
    expect(detail.verdicts[0]).toMatchObject({ type: 'contains', pass: false });

    const again = await client.runs.start({
      agent: 'triage',
      ref: 'triage@1.0.0',
      suite: 'basics',
      settings: { concurrency: 4, repeat: 1 },
    });
    await progressUntilEnd(again.id);
    expect((await client.runs.previous({ runId: again.id }))?.id).toBe(started.id);
    expect(await client.runs.previous({ runId: started.id })).toBeNull();
    expect(await client.runs.compare({ earlier: started.id, later: again.id })).toMatchObject({ newFailures: [], fixes: [] });
    const trend = await client.runs.trend({ agent: 'triage' });
    expect(trend).toEqual([expect.objectContaining({ version: 'triage@1.0.0', runId: again.id, passRate: 0.5 })]);
    expect(trend[0]?.p95LatencyMs).toBeGreaterThanOrEqual(5);
  });

  it('cancels a run and stores it as cancelled with what finished', async () => {
    setup();
    await client.agents.create({ name: 'triage' });
    await client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles({ 'config.yaml': mockConfig(200) }) });
    await client.suites.save({ agent: 'triage', yaml: suiteYaml(40), message: 'cases' });
    const started = await client.runs.start({
      agent: 'triage',
      ref: 'latest',
      suite: 'basics',
      settings: { concurrency: 2, repeat: 1 },
    });
    // Cancel once results have been committed: some finished, most not.
    await progress(started.id, (event) => event.done >= 2);
    const cancelled = await client.runs.cancel({ runId: started.id });
    expect(cancelled.status).toBe('cancelled');
    const kept = (await client.runs.results({ runId: started.id })).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(40);
    expect((await progressUntilEnd(started.id)).status).toBe('cancelled');
    await expect(client.runs.cancel({ runId: started.id })).rejects.toThrow(/already ended \(cancelled\)/);
  });

  it('refuses to start when the agent names a key that has no value, and says where to add it', async () => {
    setup();
    await client.agents.create({ name: 'triage' });
    await client.versions.snapshot({
      agent: 'triage',
      message: 'first',
      files: agentFiles({ 'config.yaml': 'provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\napi_key: OPENAI\n' }),
    });
    await client.suites.save({ agent: 'triage', yaml: suiteYaml(1), message: 'cases' });
    await expect(client.runs.start({ agent: 'triage', ref: 'latest', suite: 'basics' })).rejects.toThrow(
      /OPENAI has no value: add it in Settings ▸ Keys/,
    );
    expect(await client.runs.list({ agent: 'triage' })).toEqual([]);
  });
});

describe('the Try panel', () => {
  it('runs the draft and a version on a loopback provider, and explains what goes wrong', async () => {
    fake = await startFakeLlm((request) => ({
      kind: 'reply',
      text: JSON.stringify(request.body.messages).includes('urgent') ? 'queue: escalations' : 'queue: general',
      usage: { input: 30, output: 4 },
    }));
    const endpoint = fake.url;
    setup({ SLIPWAY_KEY_OPENAI: KEY });
    await client.agents.create({ name: 'triage' });
    const config = `provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\nbase_url: ${endpoint}/v1\napi_key: OPENAI\nretries: 0\n`;
    await client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles({ 'config.yaml': config }) });
    await client.drafts.writeFile({ agent: 'triage', file: 'prompt.md', content: 'Mark anything urgent.\n' });

    const draft = await client.try.run({ agent: 'triage', ref: 'draft', vars: { id: '7', body: 'server down' } });
    expect(draft).toMatchObject({
      version: 'triage@draft',
      output: 'queue: escalations',
      inputTokens: 30,
      outputTokens: 4,
      error: null,
    });
    expect(draft.costUsd).toBeGreaterThan(0);
    const latest = await client.try.run({ agent: 'triage', ref: 'latest', vars: { id: '7', body: 'server down' } });
    expect(latest).toMatchObject({ version: 'triage@1.0.0', output: 'queue: general' });
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);

    const missing = await client.try.run({ agent: 'triage', ref: 'draft', vars: { id: '7' } });
    expect(missing.error).toMatchObject({
      kind: 'config',
      message: expect.stringContaining('{{body}}') as unknown as string,
      hint: expect.stringContaining('Fill in the variable') as unknown as string,
    });

    await client.agents.create({ name: 'keyless' });
    await client.drafts.replace({
      agent: 'keyless',
      files: agentFiles({ 'config.yaml': config.replace('api_key: OPENAI', 'api_key: ANTHROPIC_TEAM') }),
    });
    const keyless = await client.try.run({ agent: 'keyless', ref: 'draft', vars: { id: '7', body: 'x' } });
    expect(keyless.error).toMatchObject({
      kind: 'config',
      message: expect.stringContaining('ANTHROPIC_TEAM has no value') as unknown as string,
      hint: 'Add the key in Settings ▸ Keys, then run again.',
    });

    // A new agent starts with a user.md of one {{message}}; without any user.md, the message typed in Try is the user's turn.
    await client.agents.create({ name: 'fresh' });
    expect((await client.drafts.get({ agent: 'fresh' })).files['user.md']).toBe('{{message}}\n');
    await client.drafts.writeFile({ agent: 'fresh', file: 'config.yaml', content: config });
    expect(await client.try.run({ agent: 'fresh', ref: 'draft', vars: { message: 'is this urgent?' } })).toMatchObject({
      output: 'queue: escalations',
      error: null,
    });
    await client.drafts.removeFile({ agent: 'fresh', file: 'user.md' });
    const unsaid = await client.try.run({ agent: 'fresh', ref: 'draft' });
    expect(unsaid.error).toMatchObject({
      kind: 'config',
      hint: expect.stringContaining('Type a message above') as unknown as string,
    });
    const said = await client.try.run({ agent: 'fresh', ref: 'draft', message: 'urgent: the site is down' });
    expect(said).toMatchObject({ output: 'queue: escalations', error: null });
    expect(said.messages.at(-2)).toEqual({ role: 'user', content: 'urgent: the site is down' });

    await fake.close();
    fake = null;
    const unreachable = await client.try.run({ agent: 'triage', ref: 'draft', vars: { id: '7', body: 'x' } });
    expect(unreachable.error).toMatchObject({ kind: 'network', hint: expect.stringContaining(endpoint) as unknown as string });
  });
});

describe('keys', () => {
  it('keeps values on the Node side: names, sources and users only, and never a value in the database', async () => {
    setup({ SLIPWAY_KEY_FROM_ENV: 'env-value-1234' });
    await client.agents.create({ name: 'triage' });
    await client.drafts.replace({
      agent: 'triage',
      files: agentFiles({ 'config.yaml': 'provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\napi_key: OPENAI\n' }),
    });
    expect(await client.keys.list({})).toEqual([
      { name: 'FROM_ENV', set: true, source: 'environment', usedBy: [], hosts: [] },
      { name: 'OPENAI', set: false, source: null, usedBy: ['triage'], hosts: [] },
    ]);
    const responses: unknown[] = [];
    responses.push(await client.keys.set({ name: 'OPENAI', value: KEY }));
    responses.push(await client.keys.list({}), await client.keys.storage({}), await client.audit.list({}));
    expect(responses[0]).toEqual({ name: 'OPENAI', set: true, source: 'session', usedBy: ['triage'], hosts: [] });
    expect(JSON.stringify(responses)).not.toContain(KEY);
    expect((await client.audit.list({ action: 'key.set' }))[0]).toMatchObject({ subject: 'OPENAI' });
    await expect(client.keys.set({ name: 'lower', value: 'x' })).rejects.toThrow(/upper-case/);
    await expect(client.keys.remove({ name: 'FROM_ENV' })).rejects.toThrow(/environment \(SLIPWAY_KEY_FROM_ENV\)/);
    expect(await client.keys.remove({ name: 'OPENAI' })).toMatchObject({ set: false, source: null });
    t.ws.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of readdirSync(t.dir).filter((name) => name.startsWith('slipway.db'))) {
      expect(readFileSync(join(t.dir, file)).includes(Buffer.from(KEY)), file).toBe(false);
    }
  });
});
