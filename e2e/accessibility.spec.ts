import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABS } from '../shared/tabs';
import { launchChromium, loadSampleAgents, openSession, seriousViolations, TARGET } from './support';

let browser: Browser | null = null;
beforeAll(async () => {
  if (TARGET === 'browser') browser = await launchChromium();
});
afterAll(async () => browser?.close());

/** What each tab shows once it has loaded, so axe checks the tab and not a loading state. */
const READY: Record<(typeof TABS)[number], string> = {
  editor: 'monaco-editor',
  history: 'timeline',
  audit: 'audit-table',
  tests: 'suite-mode-yaml',
  compare: 'compare-empty',
  release: 'release-tab',
};

describe('every tab, in both themes, to axe-core', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`has no serious or critical violation on any tab in the ${theme} theme, and is photographed there`, async () => {
      const session = await openSession(browser);
      const { page, dir } = session;
      loadSampleAgents(dir);
      await session.open('#/a/ticket-triage/editor');
      await page.evaluate((choice) => window.localStorage.setItem('slipway.theme', choice), theme);
      await page.reload();
      const found: Record<string, unknown> = {};
      for (const tab of TABS) {
        await session.open(`#/a/ticket-triage/${tab}`);
        await page.getByTestId(READY[tab]).first().waitFor();
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
        const violations = await seriousViolations(page);
        if (violations.length) found[tab] = violations;
        await session.screenshot(`theme-${theme}-${tab}`);
      }
      expect(found).toEqual({});
      await session.finish();
    });
  }
});
