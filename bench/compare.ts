// bench/compare: a stored comparison of 5,000 cases × 2 versions in the Compare tab, in Chromium.
// Median of 5 runs, each with a cold profile: from a click on the comparison to its charts drawn
// and its first case row, and from a click on the "regressed" filter to the table showing only
// regressions.
// Run: npm run bench -- compare   (BENCH_CASES=N for a shorter run)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseResult } from '../shared/engine/runner';
import { serveWorkspace } from '../hosts/serve';
import { createAgent } from '../workspace/agents/agents';
import { finishComparison, recordComparisonResult, startComparison } from '../workspace/comparing/comparisons';
import { saveDataset } from '../workspace/comparing/datasets';
import { snapshot } from '../workspace/versions/versions';
import { openWorkspace } from '../workspace/workspace';
import { CHROMIUM } from '../e2e/support';
import { clickUntilFirstRow, coldProfileRuns, settled } from './browser';
import { agentFiles } from '../test-support/workspace';
import { line, median } from './report';

const CASES = Number(process.env.BENCH_CASES ?? 5000);
const RUNS = 5;
const TARGETS = { openMs: 800, filterMs: 100 };

/** A stored answer: the rendered conversation, the output, two verdicts. */
function result(index: number, side: number): CaseResult {
  const regressed = side === 1 && index % 9 === 0;
  const status = regressed || index % 13 === 0 ? 'failed' : 'passed';
  const output = `{"queue": "${status === 'passed' ? 'billing' : 'account'}", "priority": "p${((index + side) % 3) + 1}", "summary": "Customer ${index} ${side === 1 ? 'reports' : 'says'} a problem with invoice ${index}."}`;
  return {
    caseId: `case-${String(index).padStart(5, '0')}`,
    repeat: 0,
    status,
    output,
    messages: [
      {
        role: 'system',
        content: 'You are the triage desk. Route each ticket with a priority and a one-line summary. '.repeat(4),
      },
      { role: 'user', content: `Ticket T-${index}: I was charged twice for invoice ${index}. ${'Please help. '.repeat(8)}` },
      { role: 'assistant', content: output },
    ],
    toolCalls: [],
    latencyMs: 180 + ((index * 37) % 700) + side * 60,
    inputTokens: 170 + (index % 40),
    outputTokens: 30 + ((index + side) % 9),
    costUsd: 0.00004 + ((index + side * 3) % 13) / 1_000_000,
    retries: 0,
    error: null,
    verdicts: [
      { type: 'is-json', pass: true, score: 1, reason: 'output is valid JSON' },
      {
        type: 'json-path',
        pass: status === 'passed',
        score: status === 'passed' ? 1 : 0,
        reason: status === 'passed' ? '$.queue is "billing"' : '$.queue is "account", expected "billing"',
      },
    ],
    cached: false,
  };
}

const root = mkdtempSync(join(tmpdir(), 'slipway-bench-compare-'));
try {
  const ws = openWorkspace(join(root, 'workspace'), { identity: () => ({ author: 'Bench <bench@example.com>', source: 'os' }) });
  createAgent(ws, 'triage', 'benchmark agent');
  const first = snapshot(ws, { agent: 'triage', message: 'first', files: agentFiles() });
  const second = snapshot(ws, {
    agent: 'triage',
    message: 'second',
    files: agentFiles({ 'prompt.md': 'Route tickets; escalate chargebacks.\n' }),
  });
  const ids = Array.from({ length: CASES }, (_, index) => `case-${String(index).padStart(5, '0')}`);
  const dataset = saveDataset(
    ws,
    'triage',
    { name: 'inbox', items: ids.map((id, index) => ({ id, vars: { id: String(index), body: 'charged twice' }, tools: [] })) },
    'bench',
  );
  const agentId = (ws.db.prepare('SELECT id FROM agents WHERE name = ?').get('triage') as { id: number }).id;
  const id = startComparison(ws, {
    agentId,
    datasetRevisionId: dataset.id,
    suiteRevisionId: null,
    refs: [
      { ref: '1.0.0', version: `triage@${first.semver}`, hash: first.hash },
      { ref: '1.1.0', version: `triage@${second.semver}`, hash: second.hash },
    ],
    settings: { repeat: 1, concurrency: 8 },
    seed: 1,
  });
  for (const side of [0, 1])
    for (let index = 0; index < CASES; index += 1) recordComparisonResult(ws, id, side, result(index, side));
  const finishing = performance.now();
  finishComparison(ws, id, 'finished', ids);
  const finishMs = performance.now() - finishing;
  const host = await serveWorkspace(ws, { checkOutputs: false });
  console.log(
    `bench/compare: a comparison of ${CASES} cases × 2 versions, Chromium ${CHROMIUM}, median of ${RUNS} cold-profile runs\n`,
  );

  const open: number[] = [];
  const filter: number[] = [];
  await coldProfileRuns(RUNS, async (page) => {
    await page.goto(`${host.url}#/a/triage/compare`);
    const item = page.getByTestId(`comparison-${id}`);
    await item.waitFor({ state: 'visible' });
    await settled(page);
    const started = performance.now();
    await item.click();
    await page.locator('[data-testid="compare-charts"] svg.recharts-surface').nth(2).waitFor({ state: 'visible' });
    await page.getByTestId('compare-row').first().waitFor({ state: 'visible' });
    open.push(performance.now() - started);
    filter.push((await page.evaluate(clickUntilFirstRow('verdict-regressed', 'compare-row', 'verdict', 'regressed'))) as number);
  });
  await host.close();
  ws.close();

  line('verdicts and statistics stored (Node)', `${finishMs.toFixed(0)} ms`, null);
  line(`open it: charts and first row (median)`, `${median(open).toFixed(0)} ms`, `< ${TARGETS.openMs} ms`);
  line('  runs', open.map((value) => value.toFixed(0)).join(' '), null);
  line('apply the "regressed" filter (median)', `${median(filter).toFixed(0)} ms`, `< ${TARGETS.filterMs} ms`);
  line('  runs', filter.map((value) => value.toFixed(0)).join(' '), null);
  console.log(`\ntargets ${median(open) < TARGETS.openMs && median(filter) < TARGETS.filterMs ? 'met' : 'NOT met'}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
