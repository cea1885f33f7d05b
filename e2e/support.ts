import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startTestHost, type TestHost } from '../test-support/browser-host';

export const CHROMIUM = process.env.SLIPWAY_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(import.meta.dirname, 'artifacts');

/** Debian's Chromium, quiet on a closed network (see ../shared/STACK.md). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export interface Session {
  host: TestHost;
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
  foreignRequests: string[];
  /** Saves a screenshot of the page to e2e/artifacts/<name>.png. */
  screenshot: (name: string) => Promise<void>;
  /** Asserts the page logged no errors and asked nothing of any host but 127.0.0.1, then closes. */
  finish: () => Promise<void>;
}

/** A fresh workspace behind a fresh browser host, and a page on it. */
export async function openSession(browser: Browser): Promise<Session> {
  const host = await startTestHost();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol !== 'data:' && url.hostname !== '127.0.0.1') foreignRequests.push(request.url());
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    host,
    context,
    page,
    consoleErrors,
    foreignRequests,
    screenshot: async (name) => {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    },
    finish: async () => {
      try {
        expect(consoleErrors).toEqual([]);
        expect(foreignRequests).toEqual([]);
      } finally {
        await context.close();
        await host.close();
      }
    },
  };
}

/** Replaces the text of the Monaco editor showing `file`, the way a user would: click, select all, type. */
export async function replaceEditorText(page: Page, file: string, text: string): Promise<void> {
  await page.getByTestId(`file-${file}`).click();
  const editor = page.locator(`[data-testid="monaco-editor"][data-file="${file}"] .monaco-editor`);
  await editor.waitFor();
  await editor.locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

export async function waitForSaved(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 5000 }).toBe('Saved');
}

/** The text Monaco shows in a view, with its non-breaking spaces made plain. */
export async function viewText(view: Locator): Promise<string> {
  return ((await view.textContent()) ?? '').replace(/\u00a0/g, ' ');
}
