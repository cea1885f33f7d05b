import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memorySecrets } from '../../shared/engine/secrets';
import { nodePlatform } from '../../shared/node/platform';
import { startFakeLlm, type FakeLlm } from '../../test-support/fake-llm';
import { startJsonServer } from '../../test-support/json-server';
import { agentFiles, tempWorkspace, type TestWorkspace } from '../../test-support/workspace';
import { getRunSummary, runResults } from './runs';
import { saveSuite } from './suites';
import { loadPrices } from '../../shared/node/prices';
import { resolveTestTarget, testVersion } from './test-version';

const KEY = 'sk-live-never-stored-42';
let t: TestWorkspace;
let fake: FakeLlm;
afterEach(async () => {
  await fake?.close();
  t.cleanup();
});

async function setup(config: string, suite: string) {
  t = tempWorkspace();
  await t.client.agents.create({ name: 'triage' });
  await t.client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles({ 'config.yaml': config }) });
  saveSuite(t.ws, 'triage', suite, 'first');
}

const options = (signal?: AbortSignal) => ({
  settings: { concurrency: 2, repeat: 1 },
  minPassRate: null,
  cache: false,
  platform: nodePlatform(memorySecrets({ OPENAI: KEY })),
  prices: loadPrices(),
  ...(signal ? { signal } : {}),
});

describe('stored test runs', () => {
  it('stores a cancelled run as cancelled with what finished, and never stores the key', async () => {
    fake = await startFakeLlm((request) =>
      JSON.stringify(request.body.messages).includes('slow') ? { kind: 'hang' } : { kind: 'reply', text: 'billing' },
    );
    await setup(
      `provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\nbase_url: ${fake.url}/v1\napi_key: OPENAI\ntimeout_ms: 60000\n`,
      'name: s\ncases:\n  - id: quick\n    vars: { id: 1, body: fast }\n    assert: [{ type: contains, value: billing }]\n  - id: slow\n    vars: { id: 2, body: slow }\n',
    );
    const controller = new AbortController();
    let quickDone: () => void = () => undefined;
    const quick = new Promise<void>((resolve) => (quickDone = resolve));
    const pending = testVersion(t.ws, resolveTestTarget(t.ws, 'triage@1.0.0', 's'), {
      ...options(controller.signal),
      onProgress: (progress) => progress.last.caseId === 'quick' && quickDone(),
    });
    // Cancel once the quick case has its result and the slow one's call is in flight.
    await Promise.all([quick, fake.received(2)]);
    controller.abort();
    const outcome = await pending;
    expect(outcome.run).toMatchObject({ status: 'cancelled', passed: 1, total: 2, gatePassed: false });
    expect(outcome.attestation).toMatchObject({ passed: false, total: 2, runId: outcome.run.id });
    expect(runResults(t.ws, outcome.run.id).map((result) => result.caseId)).toEqual(['quick']);
    expect(getRunSummary(t.ws, outcome.run.id).status).toBe('cancelled');
    t.ws.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of readdirSync(t.dir).filter((name) => name.startsWith('slipway.db'))) {
      expect(readFileSync(join(t.dir, file)).includes(Buffer.from(KEY)), file).toBe(false);
    }
  });

  it("calls a tool's real endpoint only when the suite says tools_mode: live", async () => {
    const toolServer = await startJsonServer(() => ({ amount: 99 }));
    const hits = toolServer.requests;
    const endpoint = `${toolServer.url}/lookup`;
    fake = await startFakeLlm((request) =>
      JSON.stringify(request.body.messages).includes('amount')
        ? { kind: 'reply', text: 'done' }
        : { kind: 'reply', text: '', toolCalls: [{ name: 'lookup', arguments: { id: 'o-7' } }] },
    );
    t = tempWorkspace();
    await t.client.agents.create({ name: 'triage' });
    const tools = JSON.stringify([{ name: 'lookup', description: 'Finds an order', parameters: { type: 'object' }, endpoint }]);
    await t.client.versions.snapshot({
      agent: 'triage',
      message: 'first',
      files: agentFiles({
        'config.yaml': `provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\nbase_url: ${fake.url}/v1\n`,
        'tools.json': tools,
      }),
    });
    const cases = 'cases:\n  - id: one\n    vars: { id: 1, body: b }\n    tools: [{ name: lookup, result: { amount: 1 } }]\n';
    saveSuite(t.ws, 'triage', `name: stubbed\n${cases}`, 'stub');
    saveSuite(t.ws, 'triage', `name: live\ntools_mode: live\n${cases}`, 'live');
    const stubbed = await testVersion(t.ws, resolveTestTarget(t.ws, 'triage@1.0.0', 'stubbed'), options());
    expect(stubbed.results[0]?.toolCalls[0]?.result).toEqual({ amount: 1 });
    expect(hits).toEqual([]);
    const live = await testVersion(t.ws, resolveTestTarget(t.ws, 'triage@1.0.0', 'live'), options());
    expect(live.results[0]?.toolCalls[0]?.result).toEqual({ amount: 99 });
    expect(hits.map((hit) => hit.body)).toEqual([{ id: 'o-7' }]);
    await toolServer.close();
  });

  it("grades rubric assertions with the suite's judge model", async () => {
    fake = await startFakeLlm(() => ({ kind: 'reply', text: 'Thank you for writing; a refund is on its way.' }));
    await setup(
      `provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\nbase_url: ${fake.url}/v1\n`,
      [
        'name: tone',
        'judge:',
        '  provider: mock',
        '  model: judge-1',
        '  mock: { rules: [{ match: "Thank you", reply: \'{"score": 0.9, "pass": true, "reason": "polite and clear"}\' }, { reply: \'{"score": 0.1, "reason": "rude"}\' }] }',
        'cases:',
        '  - id: polite',
        '    vars: { id: 1, body: where is my refund }',
        '    assert: [{ type: rubric, value: "Is the reply polite?" }]',
      ].join('\n'),
    );
    const outcome = await testVersion(t.ws, resolveTestTarget(t.ws, 'triage@1.0.0', 'tone'), options());
    expect(outcome.results[0]?.verdicts).toEqual([
      { type: 'rubric', pass: true, score: 0.9, reason: 'judge: polite and clear (score 0.90)' },
    ]);
  });
});
