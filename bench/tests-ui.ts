// bench/tests-ui: a stored run of 10,000 results in the Tests tab, in Chromium. Median of 5 runs,
// each with a cold profile, timed once the app has settled: from a click on the run to its first result row, and from a click
// on the "failed" filter to the grid showing only failures.
// Run: npm run bench -- tests-ui   (BENCH_RESULTS=N for a shorter run)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseResult } from '../shared/engine/runner';
import { serveWorkspace } from '../hosts/serve';
import { createAgent } from '../workspace/agents/agents';
import { finishRun, recordResult, startRun } from '../workspace/testing/runs';
import { saveSuite } from '../workspace/testing/suites';
import { snapshot } from '../workspace/versions/versions';
import { openWorkspace } from '../workspace/workspace';
import { CHROMIUM } from '../e2e/support';
import { clickUntilFirstRow, coldProfileRuns, settled } from './browser';
import { line, median } from './report';
import { agentFiles } from '../test-support/workspace';

const RESULTS = Number(process.env.BENCH_RESULTS ?? 10_000);
const RUNS = 5;
const TARGETS = { openMs: 600, filterMs: 100 };

/** A result as a real run stores it: the rendered conversation, the output, three verdicts. */
function result(index: number): CaseResult {
  const status = index % 20 === 0 ? 'errored' : index % 7 === 0 ? 'failed' : 'passed';
  const output = `{"queue": "${index % 7 === 0 ? 'account' : 'billing'}", "priority": "p${(index % 3) + 1}", "summary": "Customer ${index} reports a problem with invoice ${index}."}`;
  return {
    caseId: `case-${String(index).padStart(5, '0')}`,
    repeat: 0,
    status,
    output: status === 'errored' ? '' : output,
    messages: [
      {
        role: 'system',
        content:
          'You are the triage desk. Route each ticket to billing, technical or account, with a priority and a one-line summary. '.repeat(
            4,
          ),
      },
      {
        role: 'user',
        content: `Ticket T-${index} from customer ${index}: I was charged twice for invoice ${index}. ${'Please help. '.repeat(10)}`,
      },
      { role: 'assistant', content: output },
    ],
    toolCalls: [],
    latencyMs: 200 + ((index * 37) % 900),
    inputTokens: 180 + (index % 40),
    outputTokens: 30 + (index % 9),
    costUsd: 0.00004 + (index % 13) / 1_000_000,
    retries: 0,
    error: status === 'errored' ? { kind: 'timeout', message: 'no answer within 20000 ms (timeout_ms)' } : null,
    verdicts: [
      { type: 'is-json', pass: true, score: 1, reason: 'output is valid JSON' },
      {
        type: 'json-path',
        pass: status === 'passed',
        score: status === 'passed' ? 1 : 0,
        reason: status === 'passed' ? '$.queue is "billing"' : '$.queue is "account", expected "billing"',
      },
      { type: 'latency', pass: true, score: 1, reason: 'under 2000 ms' },
    ],
    cached: false,
  };
}

const root = mkdtempSync(join(tmpdir(), 'slipway-bench-tests-ui-'));
try {
  const ws = openWorkspace(join(root, 'workspace'), { identity: () => ({ author: 'Bench <bench@example.com>', source: 'os' }) });
  const agent = createAgent(ws, 'triage', 'benchmark agent');
  const version = snapshot(ws, { agent: 'triage', message: 'first', files: agentFiles() });
  const suite = saveSuite(
    ws,
    'triage',
    `name: big\ncases:\n${Array.from({ length: RESULTS }, (_, index) => `  - id: case-${String(index).padStart(5, '0')}\n    vars: { id: ${index}, body: "charged twice" }\n`).join('')}`,
    'bench',
  );
  const agentId = (ws.db.prepare('SELECT id FROM agents WHERE name = ?').get(agent.name) as { id: number }).id;
  const versionId = (ws.db.prepare('SELECT id FROM versions WHERE hash = ?').get(version.hash) as { id: number }).id;
  const runId = startRun(ws, {
    agentId,
    versionId,
    versionLabel: `triage@${version.semver}`,
    versionHash: version.hash,
    suiteRevisionId: suite.id,
    settings: { concurrency: 8, repeat: 1 },
  });
  let passed = 0;
  for (let index = 0; index < RESULTS; index += 1) {
    const made = result(index);
    if (made.status === 'passed') passed += 1;
    recordResult(ws, runId, made);
  }
  finishRun(ws, runId, {
    status: 'finished',
    total: RESULTS,
    passed,
    unchecked: 0,
    unevaluated: 0,
    minPassRate: null,
    costUsd: 0.45,
    costKnown: true,
  });
  const host = await serveWorkspace(ws, { checkOutputs: false });
  console.log(`bench/tests-ui: a run of ${RESULTS} results, Chromium ${CHROMIUM}, median of ${RUNS} cold-profile runs\n`);

  const open: number[] = [];
  const filter: number[] = [];
  await coldProfileRuns(RUNS, async (page) => {
    await page.goto(`${host.url}#/a/triage/tests`);
    const item = page.getByTestId(`run-${runId}`);
    await item.waitFor({ state: 'visible' });
    await settled(page);
    const started = performance.now();
    await item.click();
    await page.getByTestId('result-row').first().waitFor({ state: 'visible' });
    open.push(performance.now() - started);
    filter.push((await page.evaluate(clickUntilFirstRow('filter-failed', 'result-row', 'status', 'failed'))) as number);
  });
  await host.close();
  ws.close();

  line(`open a run of ${RESULTS} results (median)`, `${median(open).toFixed(0)} ms`, `< ${TARGETS.openMs} ms`);
  line('  runs', open.map((value) => value.toFixed(0)).join(' '), null);
  line('apply the "failed" filter (median)', `${median(filter).toFixed(0)} ms`, `< ${TARGETS.filterMs} ms`);
  line('  runs', filter.map((value) => value.toFixed(0)).join(' '), null);
  console.log(`\ntargets ${median(open) < TARGETS.openMs && median(filter) < TARGETS.filterMs ? 'met' : 'NOT met'}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
