import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../shared/contract/client';
import { startFakeLlm } from '../test-support/fake-llm';
import { agentFiles } from '../test-support/workspace';
import { captureLogs, launchChromium, loadSampleAgents, openSession, TARGET } from './support';

let browser: Browser | null = null;
beforeAll(async () => {
  if (TARGET === 'browser') browser = await launchChromium();
});
afterAll(async () => browser?.close());

const RUNTIME_BIN = join(import.meta.dirname, '..', 'bin', 'slipway-runtime.js');

async function finishedRun(client: Client, agent: string, ref: string, suite: string): Promise<void> {
  const run = await client.runs.start({ agent, ref, suite, settings: { concurrency: 4, repeat: 1, minPassRate: null } });
  await expect.poll(async () => (await client.runs.get({ runId: run.id })).status, { timeout: 20_000 }).toBe('finished');
}

async function startLocal(page: Page): Promise<void> {
  await page.getByTestId('start-local').click();
  await page.getByTestId('release-target').filter({ hasText: 'local' }).waitFor();
  await page.getByTestId('release-deploy').waitFor();
}

describe('releasing from the app, against a real local runtime', () => {
  it('deploys after the gate suite passed, runs a canary with traffic, steps it, rolls it back with a reason — in the timeline, the audit and never the token', async () => {
    const session = await openSession(browser);
    const { page, client, dir } = session;
    loadSampleAgents(dir);
    const bodies: string[] = [];
    page.on(
      'response',
      (response) =>
        void response
          .text()
          .then((text) => bodies.push(text))
          .catch(() => undefined),
    );
    const logs = captureLogs(page);

    await session.open('#/a/ticket-triage/release');
    await page.getByTestId('release-empty').waitFor();
    await startLocal(page);

    await finishedRun(client, 'ticket-triage', '1.1.0', 'triage-basics');
    // With suites and no plan yet, the gate is on by default.
    await expect.poll(() => page.getByRole('checkbox', { name: 'triage-basics' }).isChecked()).toBe(true);
    await page.getByTestId('plan-save').click();
    await page.getByTestId('plan-revision').filter({ hasText: 'Plan revision 1 (latest)' }).waitFor();
    await page.getByTestId('release-ref').selectOption('1.0.0');
    // 1.0.0 never ran the gate suite: the warning is beside the button, which says "anyway".
    await page.getByTestId('gate-triage-basics').filter({ hasText: 'triage-basics no run' }).waitFor();
    await page.getByTestId('gate-warning').filter({ hasText: '1.0.0 has no passing latest run of triage-basics' }).waitFor();
    expect(await page.getByTestId('release-deploy').textContent()).toBe('Deploy anyway');
    await page.getByTestId('release-deploy').click();
    await page.getByTestId('release-split').filter({ hasText: '1.0.0 · 100%' }).waitFor();

    await client.datasets.fromSuite({ agent: 'ticket-triage', suite: 'triage-basics', name: 'inbox' });
    await page.getByTestId('traffic-dataset').fill('inbox');
    await page.getByTestId('traffic-rate').fill('40');
    await page.getByTestId('traffic-toggle').click();
    await page.getByTestId('traffic-toggle').filter({ hasText: 'Stop traffic' }).waitFor();

    await page.getByTestId('release-ref').selectOption('1.1.0');
    await page.getByTestId('gate-triage-basics').filter({ hasText: 'triage-basics passed' }).waitFor();
    expect(await page.getByTestId('gate-warning').count()).toBe(0);
    await page
      .getByTestId('release-canary')
      .filter({ hasText: /^Start canary$/ })
      .click();
    await page.getByTestId('split-canary').filter({ hasText: '1.1.0 · 5%' }).waitFor();
    await page.locator('[data-testid="release-charts"] svg.recharts-surface').first().waitFor({ timeout: 15_000 });
    // Rates run 0–100%, a free model reads "no cost", and points are joined by straight lines.
    const errorTicks = page
      .getByTestId('release-chart-error-rate')
      .locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value');
    await expect.poll(() => errorTicks.allTextContents()).toEqual(expect.arrayContaining(['0%', '100%']));
    await page.getByTestId('release-chart-cost-a-request').filter({ hasText: 'No cost' }).waitFor();
    const path = await page
      .getByTestId('release-chart-requests-a-second')
      .locator('path.recharts-line-curve')
      .first()
      .getAttribute('d');
    expect(path).not.toMatch(/C/);
    await page.getByTestId('step-25').click();
    await page.getByTestId('split-canary').filter({ hasText: '1.1.0 · 25%' }).waitFor();
    await session.screenshot('30-release-canary');

    // History shows where each version went, and follows a release made elsewhere without a reload.
    await page.getByTestId('tab-history').click();
    const wentTo = () => page.getByTestId('deployed-1.1.0').textContent();
    await expect.poll(wentTo).toMatch(/^step on local, .* · canary on local/);
    await client.release.command({ agent: 'ticket-triage', target: 'local', action: { type: 'step', weight: 30 } });
    await expect.poll(wentTo).toMatch(/^step on local, .* · step on local, .* · canary on local/);
    await page.getByTestId('tab-release').click();
    await page.getByTestId('split-canary').filter({ hasText: '1.1.0 · 30%' }).waitFor();

    // The palette has the release actions the target allows now, and opens the same dialog.
    await page.keyboard.press('ControlOrMeta+K');
    await page.getByTestId('palette-input').fill('on local');
    await expect
      .poll(() => page.getByTestId('command-palette').getByRole('option').allTextContents())
      .toEqual(expect.arrayContaining(['Promote canary 1.1.0 on local', 'Roll back on local…']));
    await page.getByTestId('palette-input').fill('roll back on local');
    await page.keyboard.press('Enter');
    await page.getByTestId('rollback-reason').fill('refunds routed to the wrong queue');
    await page.getByTestId('rollback-confirm').click();
    await page.getByTestId('split-canary').waitFor({ state: 'detached' });
    await page
      .getByTestId('release-events')
      .filter({ hasText: 'rolled back from 1.1.0 to 1.0.0: refunds routed to the wrong queue' })
      .waitFor();
    // Back to a version that never served as stable: it must meet the eval gate like a canary.
    // 1.1.1 fails its suite, so the runtime refuses it and says why; 1.1.0 passed, so it is
    // uploaded with its evidence, and production follows it.
    await finishedRun(client, 'ticket-triage', '1.1.1', 'triage-basics');
    await page.getByTestId('release-rollback').click();
    await page.getByTestId('rollback-to').selectOption('1.1.1');
    await page.getByTestId('rollback-confirm').filter({ hasText: 'Roll back to 1.1.1' }).waitFor();
    await page.getByTestId('rollback-reason').fill('1.1.1 holds the hotfix');
    await page.getByTestId('rollback-confirm').click();
    await page
      .getByText("the eval gate refuses 1.1.1: suite triage-basics has no passing attestation for this version's hash")
      .waitFor();
    await page.getByTestId('rollback-to').selectOption('1.1.0');
    await page.getByTestId('rollback-reason').fill('1.1.0 after all: the queue fault was upstream');
    await page.getByTestId('rollback-confirm').filter({ hasText: 'Roll back to 1.1.0' }).click();
    await page.getByTestId('release-split').filter({ hasText: '1.1.0 · 100%' }).waitFor();
    expect((await client.labels.list({ agent: 'ticket-triage' })).find((label) => label.name === 'production')?.semver).toBe(
      '1.1.0',
    );
    await page.getByTestId('traffic-toggle').click();
    await session.screenshot('31-release-rolled-back');

    await page.getByTestId('tab-audit').click();
    await page.getByTestId('audit-table').filter({ hasText: 'release.rollback' }).waitFor();
    expect(await page.getByTestId('audit-table').textContent()).toContain('refunds routed to the wrong queue');
    // One row per release action, with the runtime's answer joined to it; the area filter keeps releases (and the runtime's events) only.
    await page.getByTestId('audit-area-releases').click();
    await expect
      .poll(async () =>
        [...new Set(await page.getByTestId('audit-row').locator('td:nth-child(3)').allTextContents())].every((action) =>
          /^(release|team|runtime)\./.test(action),
        ),
      )
      .toBe(true);
    const rollback = page.locator('[data-testid="audit-row"][data-action="release.rollback"]').last();
    await rollback
      .getByTestId('audit-answer')
      .filter({ hasText: 'Runtime: rolled-back — refunds routed to the wrong queue' })
      .waitFor();
    expect(await rollback.getByTestId('audit-changes').textContent()).toMatch(/stable\.semver.*1\.0\.0/);
    await page.getByTestId('audit-area-runtime').click();
    await expect
      .poll(async () =>
        (await page.getByTestId('audit-row').locator('td:nth-child(3)').allTextContents()).every((action) =>
          action.startsWith('runtime.'),
        ),
      )
      .toBe(true);
    await page.getByTestId('audit-area-all').click();

    // A target added by hand, with a token that must stay on the Node side.
    const token = execFileSync(
      process.execPath,
      [RUNTIME_BIN, 'token', 'create', '--data', join(dir, 'runtime'), '--role', 'viewer'],
      { encoding: 'utf8' },
    ).trim();
    const localUrl = (await client.local.status({})).url ?? '';
    await page.getByTestId('tab-release').click();
    await page.getByTestId('add-target').click();
    await page.getByTestId('target-name').fill('watcher');
    await page.getByTestId('target-url').fill(localUrl);
    await page.getByTestId('target-token').fill(token);
    await page.getByTestId('target-save').click();
    // The local target already shows 1.1.0 at 100%: wait for the dialog to close and the new target to be chosen.
    await page.getByTestId('target-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('release-target').inputValue()).toBe('watcher');
    await page.getByTestId('release-split').filter({ hasText: '1.1.0 · 100%' }).waitFor();
    expect(await page.content()).not.toContain(token);
    expect(bodies.filter((body) => body.includes(token))).toEqual([]);
    for (const file of readdirSync(dir).filter((name) => name.startsWith('slipway.db')))
      expect(readFileSync(join(dir, file)).includes(Buffer.from(token)), file).toBe(false);
    logs.stop();
    expect(logs.lines.filter((line) => line.includes(token))).toEqual([]);
    await client.local.stop({});
    await session.finish();
  });

  it('shows a guardrail trip as it happens, and pulls events that happened while the app looked away into the audit', async () => {
    const fake = await startFakeLlm((_request, index) =>
      index % 3 === 0 ? { kind: 'status', status: 500 } : { kind: 'reply', text: 'flaky answer' },
    );
    const session = await openSession(browser);
    const { page, client, dir } = session;
    try {
      await client.agents.create({ name: 'router' });
      await client.versions.snapshot({
        agent: 'router',
        message: 'steady',
        files: agentFiles({ 'config.yaml': 'provider: mock\nmodel: mock-1\nmock:\n  rules:\n    - reply: "steady answer"\n' }),
      });
      await client.versions.snapshot({
        agent: 'router',
        message: 'flaky',
        files: agentFiles({
          'config.yaml': `provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\nbase_url: ${fake.url}/v1\nretries: 0\n`,
        }),
      });
      await client.datasets.save({
        agent: 'router',
        name: 'tickets',
        jsonl: Array.from({ length: 10 }, (_, index) =>
          JSON.stringify({ id: `t${index}`, vars: { id: String(index), body: 'help' } }),
        ).join('\n'),
        message: 'tickets',
      });

      await session.open('#/a/router/release');
      await startLocal(page);
      await page.getByTestId('guardrail-error-rate').fill('5');
      await page.getByTestId('guardrail-min-requests').fill('10');
      await page.getByTestId('guardrails-save').click();
      await page.getByTestId('release-ref').selectOption('1.0.0');
      await page.getByTestId('release-deploy').click();
      await page.getByTestId('release-split').filter({ hasText: '1.0.0 · 100%' }).waitFor();
      await page.getByTestId('traffic-dataset').fill('tickets');
      await page.getByTestId('traffic-rate').fill('50');
      await page.getByTestId('traffic-toggle').click();
      await page.getByTestId('release-ref').selectOption('2.0.0');
      await page.locator('input[aria-label="Canary weight"]').fill('50');
      await page.getByTestId('release-canary').click();
      await page
        .getByTestId('release-events')
        .filter({ hasText: 'guardrail tripped on 2.0.0: error rate' })
        .waitFor({ timeout: 30_000 });
      await page.getByTestId('split-canary').waitFor({ state: 'detached' });
      await session.screenshot('32-release-guardrail');
      await page.getByTestId('traffic-toggle').click();

      // Away from the Release tab, someone else moves the runtime; coming back pulls it into the audit.
      await page.getByTestId('tab-history').click();
      const admin = execFileSync(
        process.execPath,
        [RUNTIME_BIN, 'token', 'create', '--data', join(dir, 'runtime'), '--role', 'admin'],
        { encoding: 'utf8' },
      ).trim();
      const localUrl = (await client.local.status({})).url ?? '';
      const state = (await (
        await fetch(`${localUrl}/v1/agents/router/release`, { headers: { authorization: `Bearer ${admin}` } })
      ).json()) as { generation: number; stable: { hash: string } };
      const versions = await client.versions.list({ agent: 'router' });
      const flaky = versions.find((version) => version.semver === '2.0.0');
      const answer = await fetch(`${localUrl}/v1/agents/router/commands`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          idempotencyKey: 'while-away-1',
          expectedGeneration: state.generation,
          action: { type: 'shadow', version: flaky?.hash, share: 10 },
          actor: 'on-call',
        }),
      });
      expect(answer.status).toBe(200);
      await page.getByTestId('tab-release').click();
      await page.getByTestId('release-split').filter({ hasText: 'Shadow: 2.0.0 mirrors 10%' }).waitFor();
      await page.getByTestId('tab-audit').click();
      await page.getByTestId('audit-table').filter({ hasText: 'runtime.shadow-set' }).waitFor();
      expect(await page.getByTestId('audit-table').textContent()).toContain('runtime:local');
      await client.local.stop({});
      await session.finish();
    } finally {
      await fake.close();
    }
  });
});
