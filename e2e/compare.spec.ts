import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, loadSampleAgents, openSession, TARGET } from './support';

let browser: Browser | null = null;
beforeAll(async () => {
  if (TARGET === 'browser') browser = await launchChromium();
});
afterAll(async () => browser?.close());

describe('comparing versions in the app', () => {
  it('compares two sample versions on a dataset, filters to the regression, opens it side by side and exports a report that opens offline', async () => {
    const session = await openSession(browser);
    const { page, dir } = session;
    loadSampleAgents(dir);
    await session.open('#/a/ticket-triage/compare');
    await page.getByTestId('compare-empty').waitFor();

    await page.getByTestId('new-dataset').click();
    await page.getByTestId('dataset-file').setInputFiles({
      name: 'inbox.jsonl',
      mimeType: 'application/jsonl',
      buffer: Buffer.from('{"id": "a", "vars": {"body": "x"}}\n{"id": "b", "vars": "oops"}\n'),
    });
    await page.getByTestId('dataset-problem').filter({ hasText: 'line 2: vars' }).waitFor();
    expect(await page.getByTestId('dataset-save').isDisabled()).toBe(true);
    await page.getByTestId('dataset-from-suite').selectOption('triage-basics');
    await page.getByTestId('dataset-name').fill('basics');
    await page.getByTestId('dataset-save').click();
    await page.getByTestId('dataset-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('dataset-basics').click();
    await page.getByTestId('dataset-items').filter({ hasText: 'Every call to the EU endpoint fails' }).waitFor();
    await page.getByTestId('dataset-basics').click();
    await page.getByText('← comparisons').click();

    await page.getByTestId('compare-ref-0').selectOption('production');
    await page.getByTestId('compare-ref-1').selectOption('staging');
    await page.getByTestId('compare-suite').selectOption('triage-basics');
    await page.getByTestId('compare-repeat').fill('2');
    await page.getByTestId('compare-start').click();
    await page.getByTestId('comparison-status').filter({ hasText: 'finished' }).waitFor();
    const summary = page.getByTestId('comparison-summary');
    await summary.filter({ hasText: '1.1.1 passes 33.3 points less than ticket-triage@1.1.0' }).waitFor();
    expect(await summary.textContent()).toContain('not significant');
    await page.locator('[data-testid="compare-charts"] svg.recharts-surface').first().waitFor();
    // The latency histogram starts where latencies do, the pass rate runs 0–100%, and a free model reads "no cost".
    const latencyTicks = await page
      .getByTestId('compare-latency')
      .locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value')
      .allTextContents();
    expect(Number(latencyTicks[0])).toBeGreaterThan(0);
    const rateTicks = await page
      .locator('[data-testid="compare-charts"] figure')
      .first()
      .locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value')
      .allTextContents();
    expect([rateTicks[0], rateTicks.at(-1)]).toEqual(['0%', '100%']);
    await page.getByTestId('compare-cost').filter({ hasText: 'No cost' }).waitFor();
    expect(await page.getByTestId('compare-tokens').locator('figcaption').textContent()).toBe('Tokens a request');
    await session.screenshot('20-compare');

    await page.getByTestId('verdict-regressed').click();
    await expect.poll(() => page.getByTestId('compare-row').count()).toBe(1);
    await page.locator('[data-testid="compare-row"][data-case="api-outage"]').click();
    const detail = page.getByTestId('compare-detail');
    await detail.waitFor();
    expect(await page.locator('[data-testid="word-diff"] .removed').allTextContents()).toContain('p1');
    expect(await page.locator('[data-testid="word-diff"] .added').allTextContents()).toContain('p2');
    await session.screenshot('21-compare-case');

    const downloading = page.waitForEvent('download');
    await page.getByTestId('export-html').click();
    const download = await downloading;
    const file = join(dir, download.suggestedFilename());
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/^comparison-1-ticket-triage\.html$/);
    const report = await page.context().newPage();
    const requests: string[] = [];
    report.on('request', (request) => requests.push(request.url()));
    await report.goto(`file://${file}`);
    expect(await report.locator('[data-summary]').first().textContent()).toContain('1.1.1 passes 33.3 points less');
    expect(requests).toEqual([`file://${file}`]);
    expect(readFileSync(file, 'utf8')).not.toMatch(/<script/i);
    await report.close();
    await session.finish();
  });
});
