import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, loadSampleAgents, openSession, TARGET } from './support';

let browser: Browser | null = null;
beforeAll(async () => {
  if (TARGET === 'browser') browser = await launchChromium();
});
afterAll(async () => browser?.close());

describe('what the desktop app adds, in the window', () => {
  it('opens the version and the comparison a slipway:// link names, shows About with its versions, and switches the theme', async () => {
    const session = await openSession(browser);
    const { page, client, dir } = session;
    loadSampleAgents(dir);
    await client.datasets.fromSuite({ agent: 'ticket-triage', suite: 'triage-basics', name: 'basics' });
    const comparison = await client.comparisons.start({
      agent: 'ticket-triage',
      refs: ['ticket-triage@1.1.0', 'ticket-triage@1.1.1'],
      dataset: 'basics',
      repeat: 1,
      concurrency: 4,
    });
    await expect
      .poll(async () => (await client.comparisons.get({ id: comparison.id })).status, { timeout: 20_000 })
      .toBe('finished');

    // slipway://version/ticket-triage@1.1.0 arrives as this hash (shared/deep-link.ts).
    await session.open('#/a/ticket-triage/history?version=1.1.0');
    await expect.poll(() => page.getByLabel('Select 1.1.0').isChecked()).toBe(true);
    expect(await page.getByLabel('Select 1.0.0').isChecked()).toBe(false);
    await page.getByTestId('copy-link-1.1.0').click();
    await page.locator('.toasts').filter({ hasText: 'slipway://version/ticket-triage@1.1.0' }).waitFor();

    // A link followed while the app is open: slipway://comparison/ticket-triage/ID.
    await page.evaluate((id) => (window.location.hash = `#/a/ticket-triage/compare?comparison=${id}`), comparison.id);
    await page
      .getByTestId('comparison-view')
      .filter({ hasText: `#${comparison.id}: 1.1.0 vs 1.1.1` })
      .waitFor();
    await session.screenshot('desktop-01-link');

    await page.keyboard.press('ControlOrMeta+K');
    await page.getByTestId('palette-input').fill('About');
    await page.keyboard.press('Enter');
    await page.getByTestId('about-dialog').waitFor();
    await expect.poll(() => page.getByTestId('about-sqlite').textContent()).toMatch(/^3\.\d+\.\d+$/);
    expect(await page.getByTestId('about-workspace').textContent()).toBe(dir);
    expect(await page.getByTestId('about-electron').textContent()).toMatch(
      TARGET === 'electron' ? /^\d+\.\d+\.\d+$/ : /^not in Electron \(browser host\)$/,
    );
    await session.screenshot('desktop-02-about');
    await page.keyboard.press('Escape');

    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.keyboard.press('ControlOrMeta+,');
    await page.getByTestId('theme').selectOption('dark');
    expect(await background()).toBe('rgb(30, 30, 30)');
    await page.getByTestId('theme').selectOption('light');
    expect(await background()).toBe('rgb(255, 255, 255)');
    await page.reload();
    await page.getByTestId('sidebar').waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await session.screenshot('desktop-03-light');
    await session.finish();
  }, 90_000);
});
