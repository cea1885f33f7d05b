import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../shared/contract/client';
import { createDispatch } from '../../shared/contract/dispatch';
import { recordEvents } from '../../test-support/events';
import { agentFiles, tempWorkspace, type TestWorkspace } from '../../test-support/workspace';
import { sessionVault } from '../keys/secret-vault';
import { createServices, type Services } from '../services';
import { savePlan } from './plans';

let t: TestWorkspace;
let services: Services;
let client: Client;
let recorded = recordEvents();

afterEach(async () => {
  await services?.close();
  t.cleanup();
});

const MOCK =
  'provider: mock\nmodel: mock-1\nmock:\n  rules:\n    - match: "refund"\n      reply: "billing p2"\n    - reply: "general p3"\n';
const suite = (name: string, body: string) =>
  `name: ${name}\ncases:\n  - id: one\n    vars: { id: 1, body: ${body} }\n    assert: [{ type: contains, value: billing }]\n`;

async function run(suiteName: string) {
  const started = await client.runs.start({ agent: 'triage', ref: '1.0.0', suite: suiteName });
  await recorded.until((event) =>
    event.type === 'run.progress' && event.payload.runId === started.id && event.payload.status !== 'running'
      ? event.payload
      : null,
  );
  return started.id;
}

describe('the eval gate seen before a release', () => {
  it("gives each gate suite's latest run of the version: missing, then green or red; the saved plan narrows the gate", async () => {
    t = tempWorkspace();
    recorded = recordEvents();
    services = createServices(t.ws, { vault: sessionVault({}), emit: recorded.emit });
    client = createClient(createDispatch(services.handlers));
    await client.agents.create({ name: 'triage' });
    await client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles({ 'config.yaml': MOCK }) });
    await client.suites.save({ agent: 'triage', yaml: suite('refunds', 'refund please'), message: 'refunds' });
    await client.suites.save({ agent: 'triage', yaml: suite('greetings', 'hello'), message: 'greetings' });

    const before = await client.release.gate({ agent: 'triage', ref: 'latest' });
    expect(before).toEqual({
      semver: '1.0.0',
      planned: false,
      suites: [
        { suite: 'greetings', verdict: 'missing', run: null },
        { suite: 'refunds', verdict: 'missing', run: null },
      ],
    });

    const refunds = await run('refunds');
    const greetings = await run('greetings');
    const after = await client.release.gate({ agent: 'triage', ref: '1.0.0' });
    expect(after.suites).toEqual([
      { suite: 'greetings', verdict: 'failed', run: { id: greetings, passed: 0, total: 1, finishedAt: expect.any(String) } },
      { suite: 'refunds', verdict: 'passed', run: { id: refunds, passed: 1, total: 1, finishedAt: expect.any(String) } },
    ]);

    savePlan(t.ws, 'triage', {
      gate: { suites: ['refunds'], attestations: [] },
      steps: [{ weight: 10, holdMs: 0 }],
      autoAdvance: false,
      assertions: [],
    });
    expect(await client.release.gate({ agent: 'triage', ref: '1.0.0' })).toMatchObject({
      planned: true,
      suites: [{ suite: 'refunds', verdict: 'passed' }],
    });
    await expect(client.release.gate({ agent: 'triage', ref: 'draft' })).rejects.toThrow(/snapshot it first/);
    await expect(client.release.gate({ agent: 'triage', ref: '9.9.9' })).rejects.toThrow(/no version 9.9.9/);
  });
});
