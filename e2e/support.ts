import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { _electron, chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Client } from '../shared/contract/client';
import { startTestHost } from '../test-support/browser-host';
import { tempWorkspace } from '../test-support/workspace';
import { loadSamples } from '../workspace/agents/samples';
import { openWorkspace } from '../workspace/workspace';

export const CHROMIUM = process.env.SLIPWAY_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(import.meta.dirname, 'artifacts');
const ROOT = join(import.meta.dirname, '..');

/**
 * Where the specs run: `browser` (Debian's Chromium against the browser host, the default) or
 * `electron` (the real app through Playwright's Electron launcher; `npm run test:electron`
 * sets it, with SLIPWAY_ELECTRON naming the binary).
 */
export const TARGET: 'browser' | 'electron' = process.env.SLIPWAY_E2E_TARGET === 'electron' ? 'electron' : 'browser';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Debian's Chromium, quiet on a closed network (see ../shared/STACK.md). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface Session {
  page: Page;
  /** The contract on the session's workspace, for arranging a test and checking its outcome. */
  client: Client;
  /** The session's workspace folder. */
  dir: string;
  /** Loads the app at a hash place (#/a/AGENT/TAB); returns the document's response headers. */
  open: (hash?: string) => Promise<Record<string, string>>;
  consoleErrors: string[];
  foreignRequests: string[];
  screenshot: (name: string) => Promise<void>;
  /** Asserts the page logged no errors and asked nothing of any host but 127.0.0.1, then closes. */
  finish: () => Promise<void>;
}

function watch(page: Page): { consoleErrors: string[]; foreignRequests: string[] } {
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('request', (request) => {
    const url = new URL(request.url());
    const local = url.protocol === 'data:' || url.protocol === 'app:' || url.hostname === '127.0.0.1';
    if (!local) foreignRequests.push(request.url());
  });
  return { consoleErrors, foreignRequests };
}

async function browserSession(
  browser: Browser,
): Promise<Omit<Session, 'screenshot' | 'finish'> & { close: () => Promise<void> }> {
  const host = await startTestHost();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  return {
    page,
    client: host.client,
    dir: host.dir,
    open: async (hash = '') => (await page.goto(`${host.host.url}${hash}`))?.headers() ?? {},
    ...watch(page),
    close: async () => {
      await context.close();
      await host.close();
    },
  };
}

async function electronSession(): Promise<Omit<Session, 'screenshot' | 'finish'> & { close: () => Promise<void> }> {
  const workspace = tempWorkspace();
  const app = await _electron.launch({
    ...(process.env.SLIPWAY_ELECTRON ? { executablePath: process.env.SLIPWAY_ELECTRON } : {}),
    args: [ROOT],
    env: { ...process.env, SLIPWAY_WORKSPACE: workspace.dir },
  });
  const page = await app.firstWindow();
  return {
    page,
    client: workspace.client,
    dir: workspace.dir,
    open: async (hash = '') => (await page.goto(`app://slipway/index.html${hash}`))?.headers() ?? {},
    ...watch(page),
    close: async () => {
      await app.close();
      workspace.cleanup();
    },
  };
}

/** A fresh workspace and the app on it: in Chromium through the browser host, or in Electron. */
export async function openSession(browser: Browser | null): Promise<Session> {
  const session = TARGET === 'electron' || !browser ? await electronSession() : await browserSession(browser);
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    ...session,
    screenshot: async (name) => {
      await session.page.screenshot({ path: join(ARTIFACTS, `${TARGET}-${name}.png`) });
    },
    finish: async () => {
      try {
        expect(session.consoleErrors).toEqual([]);
        expect(session.foreignRequests).toEqual([]);
      } finally {
        await session.close();
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

/** Loads the sample agents (and their suites) into a session's workspace, as the app's first start does. */
export function loadSampleAgents(dir: string): void {
  const ws = openWorkspace(dir);
  try {
    loadSamples(ws);
  } finally {
    ws.close();
  }
}

/** Every line the page and this process log from now on, to search for a secret; `stop` puts console back. */
export function captureLogs(page: Page): { lines: string[]; stop: () => void } {
  const lines: string[] = [];
  page.on('console', (message) => lines.push(message.text()));
  const restore = (['log', 'info', 'warn', 'error'] as const).map((level) => {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
      original(...args);
    };
    return () => (console[level] = original);
  });
  return { lines, stop: () => restore.forEach((undo) => undo()) };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * axe-core's serious and critical violations (WCAG 2 A and AA rules) on the page as it is now.
 * axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so the
 * app keeps its CSP while it is checked. Monaco's editor surface is left out: it is a
 * third-party widget with its own screen-reader mode (Alt+F1), not markup of ours.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(source);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: AxeLike }).axe;
    const results = await axe.run(
      { exclude: [['.monaco-editor']] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] },
    );
    return results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')),
      }));
  });
}

interface AxeLike {
  run: (
    context: unknown,
    options: unknown,
  ) => Promise<{
    violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }>;
  }>;
}
