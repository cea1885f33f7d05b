import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../workspace/workspace';
import { agentFiles } from '../test-support/workspace';
import { launchChromium, loadSampleAgents, openSession, replaceEditorText, TARGET, viewText, waitForSaved } from './support';

let browser: Browser | null = null;
beforeAll(async () => {
  if (TARGET === 'browser') browser = await launchChromium();
});
afterAll(async () => browser?.close());

const PROMPT_V1 = 'You sort support tickets into billing, technical or account.\n';
const PROMPT_V2 = `${PROMPT_V1}Escalate anything that mentions a chargeback.\n`;

describe('the workbench in Chromium', () => {
  it('takes a newcomer from a new agent to two versions, a diff, label moves and the audit trail — and keeps it all across a reload', async () => {
    const session = await openSession(browser);
    const { page } = session;
    const headers = await session.open();
    expect(headers['content-security-policy']).toMatch(/^default-src 'none'/);
    await page.getByTestId('empty-workbench').waitFor();
    await session.screenshot('01-empty');

    await page.getByTestId('new-agent').click();
    await page.getByTestId('agent-name').fill('triage');
    await page.getByTestId('agent-submit').click();
    await page.getByTestId('agent-title').filter({ hasText: 'triage' }).waitFor();

    await replaceEditorText(page, 'prompt.md', PROMPT_V1);
    await waitForSaved(page);
    await page.keyboard.press('ControlOrMeta+S');
    await page.getByTestId('snapshot-version').filter({ hasText: '1.0.0' }).waitFor();
    await page.getByTestId('snapshot-message').fill('First triage prompt');
    await page.getByTestId('snapshot-submit').click();
    await page.getByTestId('snapshot-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('draft-status').filter({ hasText: 'Same as 1.0.0' }).waitFor();

    await replaceEditorText(page, 'prompt.md', PROMPT_V2);
    await waitForSaved(page);
    await page.getByTestId('draft-status').filter({ hasText: 'Draft differs from 1.0.0' }).waitFor();
    await session.screenshot('02-editor');
    await page.keyboard.press('ControlOrMeta+S');
    await page.getByTestId('snapshot-suggestion').filter({ hasText: 'prompt changed → minor' }).waitFor();
    expect(await page.getByTestId('snapshot-version').textContent()).toBe('1.1.0');
    await session.screenshot('03-snapshot-dialog');
    await page.getByTestId('snapshot-message').fill('Escalate chargebacks');
    // Cancelled, the message is there at the next open; once the snapshot is made it is gone.
    await page.keyboard.press('Escape');
    await page.getByTestId('snapshot-dialog').waitFor({ state: 'detached' });
    await page.keyboard.press('ControlOrMeta+S');
    expect(await page.getByTestId('snapshot-message').inputValue()).toBe('Escalate chargebacks');
    await page.getByTestId('snapshot-submit').click();
    await page.getByTestId('snapshot-dialog').waitFor({ state: 'detached' });

    await page.keyboard.press('ControlOrMeta+2');
    await page.getByTestId('version-1.1.0').waitFor();
    await page.getByLabel('Select 1.0.0').check();
    await page.getByLabel('Select 1.1.0').check();
    await page.getByTestId('compare').click();
    await page.getByTestId('diff-reason').filter({ hasText: 'prompt changed → minor' }).waitFor();
    const modified = page.locator('[data-testid="diff-editor"] .editor.modified .view-lines');
    await expect.poll(() => viewText(modified)).toContain('Escalate anything that mentions a chargeback.');
    const original = page.locator('[data-testid="diff-editor"] .editor.original .view-lines');
    expect(await viewText(original)).not.toContain('chargeback');
    await session.screenshot('04-diff');

    await page.getByTestId('move-label-1.1.0').click();
    // No label is chosen for the user: with none yet, a new one is typed on purpose.
    expect(await page.getByTestId('label-choice').inputValue()).not.toBe('production');
    // The contract's rule, checked as it is typed, in its words.
    await page.getByTestId('label-name').fill('latest');
    await page.getByTestId('label-name-error').filter({ hasText: 'label name cannot be "draft" or "latest"' }).waitFor();
    expect(await page.getByTestId('label-submit').isDisabled()).toBe(true);
    await page.getByTestId('label-name').fill('production');
    expect(await page.getByTestId('label-name-error').count()).toBe(0);
    await page.getByTestId('label-confirmation').filter({ hasText: 'production is new: it will point at 1.1.0.' }).waitFor();
    await page.getByTestId('label-reason').fill('Reviewed with the support lead');
    await page.getByTestId('label-submit').click();
    await page.getByTestId('label-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('version-1.1.0').getByTestId('badge-production').waitFor();
    await page.getByTestId('move-label-1.0.0').click();
    expect(await page.getByTestId('label-submit').isDisabled()).toBe(true);
    await page.getByTestId('label-choice').selectOption('production');
    await page
      .getByTestId('label-confirmation')
      .filter({ hasText: 'production will point at 1.0.0 instead of 1.1.0.' })
      .waitFor();
    await page.getByTestId('label-reason').fill('Chargeback rule escalates too much');
    await page.getByTestId('label-submit').click();
    await page.getByTestId('version-1.0.0').getByTestId('badge-production').waitFor();
    await page.getByTestId('label-triage-production').filter({ hasText: 'production 1.0.0' }).waitFor();
    await session.screenshot('05-history');

    await page.keyboard.press('ControlOrMeta+3');
    await page.getByTestId('chain-badge').filter({ hasText: 'Chain intact' }).waitFor();
    const actions = async () => page.getByTestId('audit-row').locator('td:nth-child(3)').allTextContents();
    await expect.poll(actions).toEqual(['label.move', 'label.move', 'version.snapshot', 'version.snapshot', 'agent.create']);
    expect(await page.getByTestId('audit-table').textContent()).toContain('Chargeback rule escalates too much');
    await session.screenshot('06-audit');

    await page.reload();
    await page.getByTestId('chain-badge').filter({ hasText: 'Chain intact' }).waitFor();
    await expect.poll(actions).toHaveLength(5);
    await page.getByTestId('tab-history').click();
    await page.getByTestId('version-1.0.0').getByTestId('badge-production').waitFor();
    expect(await page.getByTestId('timeline').textContent()).toContain('Escalate chargebacks');
    await page.getByTestId('tab-editor').click();
    await page.getByTestId('draft-status').filter({ hasText: 'Same as 1.1.0' }).waitFor();
    await expect.poll(() => viewText(page.locator('[data-testid="monaco-editor"] .view-lines'))).toContain('chargeback');
    await session.finish();
  });

  it('underlines an invalid config with its message and refuses to snapshot it', async () => {
    const session = await openSession(browser);
    const { page, client } = session;
    await client.agents.create({ name: 'refunds' });
    await session.open('#/a/refunds/editor');
    await replaceEditorText(page, 'config.yaml', 'provider: openai-compatible\ntemperature: warm\n');
    await page.getByTestId('diagnostics').filter({ hasText: 'model is required' }).waitFor();
    expect(await page.getByTestId('diagnostics').textContent()).toContain('temperature');
    await page.locator('[data-testid="monaco-editor"] .squiggly-error').first().waitFor();
    await waitForSaved(page);
    await page.keyboard.press('ControlOrMeta+S');
    await page.getByTestId('snapshot-errors').filter({ hasText: 'model is required' }).waitFor();
    expect(await page.getByTestId('snapshot-submit').count()).toBe(0);
    await session.screenshot('07-invalid-config');
    await page.keyboard.press('Escape');
    expect(await client.versions.list({ agent: 'refunds' })).toEqual([]);

    // A tab indent is one error, at its line, not three at 1:1.
    await replaceEditorText(
      page,
      'config.yaml',
      'provider: mock\nmodel: mock-1\nmock:\n\tlatency_ms: 40\n  rules:\n    - reply: x\n',
    );
    await page.getByTestId('diagnostics').filter({ hasText: 'Tabs are not allowed as indentation' }).waitFor();
    expect(await page.getByTestId('diagnostics').locator('li').allTextContents()).toEqual([
      'config.yaml:4:1 not valid YAML: Tabs are not allowed as indentation',
    ]);
    await session.finish();
  });

  it('asks before Restore replaces unsnapshotted changes, offers Undo, and keeps them recoverable from the Audit tab', async () => {
    const session = await openSession(browser);
    const { page, client } = session;
    await client.agents.create({ name: 'triage' });
    await client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    await client.versions.snapshot({ agent: 'triage', message: 'second', files: agentFiles({ 'prompt.md': PROMPT_V1 }) });
    await session.open('#/a/triage/editor');
    await replaceEditorText(page, 'prompt.md', 'An idea not yet snapshotted.\n');
    await waitForSaved(page);

    await page.getByTestId('tab-history').click();
    await page.getByTestId('restore-1.0.0').click();
    await page.getByTestId('restore-dialog').filter({ hasText: 'prompt.md' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('restore-dialog').waitFor({ state: 'detached' });
    expect((await client.drafts.get({ agent: 'triage' })).files['prompt.md']).toBe('An idea not yet snapshotted.\n');

    await page.getByTestId('restore-1.0.0').click();
    await page.getByTestId('restore-confirm').click();
    await page.getByTestId('toast').filter({ hasText: 'Draft restored from 1.0.0' }).waitFor();
    expect(await client.drafts.get({ agent: 'triage' })).toMatchObject({ parent: '1.0.0', changed: false });
    await page.getByTestId('toast-action').filter({ hasText: 'Undo' }).click();
    await expect
      .poll(async () => (await client.drafts.get({ agent: 'triage' })).files['prompt.md'])
      .toBe('An idea not yet snapshotted.\n');
    expect((await client.drafts.get({ agent: 'triage' })).parent).toBe('1.1.0');

    // Restored again (from the palette, which asks the same) and the notice gone, the replaced
    // changes are still one click away in the Audit tab.
    await page.keyboard.press('ControlOrMeta+K');
    await page.getByTestId('palette-input').fill('restore 1.1.0');
    await page.keyboard.press('Enter');
    await page.getByTestId('restore-dialog').filter({ hasText: 'Replace the draft with 1.1.0?' }).waitFor();
    await page.getByTestId('restore-confirm').click();
    await page.getByTestId('toast').filter({ hasText: 'Draft restored from 1.1.0' }).first().waitFor();
    await page.getByTestId('tab-audit').click();
    const [reset] = await client.audit.list({ agent: 'triage', action: 'draft.reset', limit: 1 });
    // The row reads as before → after, the replaced draft as a diff of its files.
    const resetRow = page.locator('[data-testid="audit-row"][data-action="draft.reset"]').first();
    await resetRow.getByTestId('audit-files').filter({ hasText: 'prompt.md' }).click();
    expect(await resetRow.locator('.patch .removed').allTextContents()).toContain('-An idea not yet snapshotted.\n');
    expect(await resetRow.getByTestId('audit-changes').textContent()).toBe('changedFiles prompt.md');
    await page.getByTestId(`recover-${reset?.id ?? 0}`).click();
    await expect
      .poll(async () => (await client.drafts.get({ agent: 'triage' })).files['prompt.md'])
      .toBe('An idea not yet snapshotted.\n');
    await session.finish();
  });

  it('checks a new name as it is typed, in words at the field, and shows a refusal there too', async () => {
    const session = await openSession(browser);
    const { page, client } = session;
    await client.agents.create({ name: 'triage' });
    await client.agents.create({ name: 'old-intake' });
    await client.agents.archive({ name: 'old-intake', reason: 'replaced' });
    await session.open('#/a/triage/editor');
    await page.getByTestId('new-agent').click();
    await page.getByTestId('agent-name').fill(`a${'b'.repeat(64)}`);
    await page.getByTestId('agent-name-problem').filter({ hasText: 'agent name is longer than 64 characters' }).waitFor();
    expect(await page.getByTestId('agent-submit').isDisabled()).toBe(true);
    await page.getByTestId('agent-name').fill('triage');
    await page.getByTestId('agent-name-problem').filter({ hasText: 'an agent named "triage" already exists' }).waitFor();
    await page.getByTestId('agent-name').fill('Triage');
    await page.getByTestId('agent-name-problem').filter({ hasText: 'lower-case letters' }).waitFor();
    // An archived agent is not in the list, so the workspace refuses it: at the field, not as a toast.
    await page.getByTestId('agent-name').fill('old-intake');
    await page.getByTestId('agent-submit').click();
    await page.getByTestId('agent-name-problem').filter({ hasText: 'an agent named "old-intake" already exists' }).waitFor();
    expect(await page.getByTestId('toast').count()).toBe(0);
    await session.finish();
  });

  it('welcomes a first run with the sample workspace: the loop, a way into each tab, and closed for good once closed', async () => {
    const session = await openSession(browser);
    const { page, dir } = session;
    loadSampleAgents(dir);
    await session.open('#/a/refund-approval/editor');
    const welcome = page.getByTestId('welcome');
    await welcome.waitFor();
    expect((await welcome.getByRole('listitem').locator('button').allTextContents()).map((text) => text.trim())).toEqual([
      'Edit',
      'Snapshot',
      'Test',
      'Compare',
      'Release',
    ]);
    await page.getByTestId('welcome-tests').click();
    await page.getByTestId('agent-title').filter({ hasText: 'ticket-triage' }).waitFor();
    expect(await page.getByTestId('tab-tests').getAttribute('aria-selected')).toBe('true');
    await session.screenshot('09-welcome');
    await page.getByTestId('welcome-close').click();
    await welcome.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByTestId('agent-title').waitFor();
    expect(await welcome.count()).toBe(0);
    await session.finish();
  });

  it('shows a snapshot the CLI makes meanwhile in History, without a reload', async () => {
    const session = await openSession(browser);
    const { page, client, dir } = session;
    await client.agents.create({ name: 'intake' });
    await session.open('#/a/intake/history');
    await page.getByTestId('history-empty').waitFor();
    const folder = join(dir, 'intake-files');
    mkdirSync(folder);
    for (const [name, content] of Object.entries(agentFiles())) writeFileSync(join(folder, name), content);
    const cli = spawnSync(
      process.execPath,
      [
        join(import.meta.dirname, '..', 'bin', 'slipway.js'),
        '--workspace',
        dir,
        'snapshot',
        'intake',
        '--from',
        folder,
        '-m',
        'Made in CI',
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(cli.stderr).toBe('');
    await page.getByTestId('version-1.0.0').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('version-1.0.0').textContent()).toContain('Made in CI');
    await session.finish();
  });

  it('names the first bad row when the audit chain was tampered with', async () => {
    const session = await openSession(browser);
    const { page, client, dir } = session;
    await client.agents.create({ name: 'triage' });
    await client.agents.create({ name: 'refunds' });
    const tamper = openWorkspace(dir);
    tamper.db.exec("DROP TRIGGER audit_append_only_update; UPDATE audit SET actor = 'mallory' WHERE id = 1");
    tamper.close();
    await session.open('#/a/triage/audit');
    await page.getByTestId('chain-badge').filter({ hasText: 'Chain broken at row 1' }).waitFor();
    expect(await page.locator('tr.bad-row td').first().textContent()).toBe('1');
    await session.screenshot('08-broken-chain');
    await session.finish();
  });

  it('runs under the CSP: an injected inline script is blocked', async () => {
    const session = await openSession(browser);
    const { page } = session;
    await session.open();
    await page.getByTestId('sidebar').waitFor();
    const blocked = await page.evaluate(
      () =>
        new Promise<{ directive: string; ran: boolean }>((resolve) => {
          document.addEventListener(
            'securitypolicyviolation',
            (event) => resolve({ directive: event.effectiveDirective, ran: 'inlineRan' in window }),
            { once: true },
          );
          const script = document.createElement('script');
          script.textContent = 'window.inlineRan = true';
          document.head.appendChild(script);
        }),
    );
    expect(blocked).toEqual({ directive: 'script-src-elem', ran: false });
    // Chromium reports the blocked script on the console; that one error is the point of this test.
    const expected = session.consoleErrors.filter((message) => message.includes('Content Security Policy'));
    expect(expected).toHaveLength(1);
    session.consoleErrors.splice(
      0,
      session.consoleErrors.length,
      ...session.consoleErrors.filter((message) => !expected.includes(message)),
    );
    await session.finish();
  });

  it('archives an agent only when asked twice and told why, from its menu, and keeps the reason in the audit', async () => {
    const session = await openSession(browser);
    const { page, client } = session;
    await client.agents.create({ name: 'triage' });
    await client.agents.create({ name: 'router' });
    await session.open('#/a/triage/editor');
    await page.getByTestId('agent-triage').click();
    // Rename and Archive are no longer always in view: they are in the agent's menu, reached from the keyboard too.
    expect(await page.getByTestId('archive-agent').count()).toBe(0);
    // From the keyboard alone: the menu opens on Enter with its first item focused, arrows move,
    // Enter chooses; the dialog takes the reason, Tab reaches its buttons, and focus stays inside.
    await page.getByTestId('agent-menu').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Rename…' }).waitFor();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Archive…');
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('archive-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('archive-confirm').isDisabled()).toBe(true);
    await page.keyboard.type('replaced by router');
    await session.screenshot('06-archive-confirm');
    for (let press = 0; press < 6; press += 1) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => Boolean(document.activeElement?.closest('[data-testid="archive-dialog"]')))).toBe(true);
    }
    await page.getByTestId('archive-confirm').focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('agent-triage').waitFor({ state: 'detached' });
    expect((await client.agents.list({ includeArchived: true })).find((agent) => agent.name === 'triage')?.archived).toBe(true);
    expect((await client.audit.list({ action: 'agent.archive' }))[0]).toMatchObject({
      subject: 'triage',
      reason: 'replaced by router',
    });
    await session.finish();
  });

  it('asks before moving a label a release target serves, saying what it changes there', async () => {
    const session = await openSession(browser);
    const { page, client } = session;
    await client.agents.create({ name: 'triage' });
    await client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    await client.versions.snapshot({ agent: 'triage', message: 'second', files: agentFiles({ 'prompt.md': PROMPT_V2 }) });
    await client.labels.set({ agent: 'triage', label: 'production', ref: '1.0.0', reason: 'first release' });
    await client.targets.save({ name: 'prod', url: 'http://127.0.0.1:9', label: 'production', token: 'tok-123456' });
    await session.open('#/a/triage/history');
    await page.getByTestId('move-label-1.1.0').click();
    await page.getByTestId('label-choice').selectOption('production');
    const warning = page.getByTestId('label-protected');
    await warning.filter({ hasText: 'production is the label release target prod serves' }).waitFor();
    await page.getByTestId('label-reason').fill('ready');
    expect(await page.getByTestId('label-submit').isDisabled()).toBe(true);
    await warning.locator('input').check();
    await page.getByTestId('label-submit').click();
    await page.getByTestId('label-dialog').waitFor({ state: 'detached' });
    expect((await client.labels.list({ agent: 'triage' })).find((label) => label.name === 'production')?.semver).toBe('1.1.0');
    await session.finish();
  });
});
