import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/support';

/** Runs `body` `runs` times, each in a fresh Chromium profile (nothing cached), 1280×800. */
export async function coldProfileRuns(runs: number, body: (page: Page) => Promise<void>): Promise<void> {
  for (let run = 0; run < runs; run += 1) {
    const profile = mkdtempSync(join(tmpdir(), 'slipway-bench-profile-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
    });
    try {
      await body(context.pages()[0] ?? (await context.newPage()));
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }
}

/**
 * Times, inside the page, a click on one element until the first `row` carries `attribute` =
 * `value`, a frame at a time. A string for page.evaluate, not a function: tsx would wrap a
 * function's inner names in a helper the page lacks.
 */
export function clickUntilFirstRow(click: string, row: string, attribute: string, value: string): string {
  return `new Promise((resolve) => {
  const started = performance.now();
  document.querySelector('[data-testid="${click}"]').click();
  const check = () => {
    const first = document.querySelector('[data-testid="${row}"]');
    if (first && first.dataset.${attribute} === '${value}') resolve(performance.now() - started);
    else requestAnimationFrame(check);
  };
  check();
})`;
}

/**
 * Timed once the app has settled, as bench/ui times the diff: after its first screen it loads
 * and warms Monaco by itself (<html data-monaco="warm">), before a person picks anything.
 */
export async function settled(page: Page): Promise<void> {
  await page.locator('html[data-monaco="warm"]').waitFor({ state: 'attached' });
}
