import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_CONFIG, strangersBundle } from '../test-support/strangers-bundle';
import { launchChromium, loadSampleAgents, openSession, TARGET } from './support';

let browser: Browser | null = null;
beforeAll(async () => {
  if (TARGET === 'browser') browser = await launchChromium();
});
afterAll(async () => browser?.close());

/** Drops a file on the window the way the OS does: a drag over it, then the drop. */
async function dropFile(page: Page, name: string, bytes: Buffer): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ fileName, data }) => {
      const transferred = new DataTransfer();
      transferred.items.add(new File([Uint8Array.from(atob(data), (char) => char.charCodeAt(0))], fileName));
      return transferred;
    },
    { fileName: name, data: bytes.toString('base64') },
  );
  await page.dispatchEvent('main', 'dragover', { dataTransfer: transfer });
  await page.getByTestId('drop-overlay').waitFor();
  await page.dispatchEvent('main', 'drop', { dataTransfer: transfer });
}

describe('bundles in the app', () => {
  it('exports a signed version from History, previews it dropped on another workspace, trusts the signer, imports it, and sees it in History — once', async () => {
    const source = await openSession(browser);
    loadSampleAgents(source.dir);
    await source.open('#/a/ticket-triage/history');
    const page = source.page;
    await page.getByTestId('version-1.1.0').waitFor();
    await expect.poll(() => page.getByTestId('export-versions').isDisabled()).toBe(true);
    await page.getByLabel('Select 1.1.0').check();
    await page.getByTestId('export-versions').click();
    await page.getByTestId('export-make-key').click();
    await expect.poll(() => page.getByTestId('export-sign').isChecked()).toBe(true);
    await page.getByTestId('export-evidence').check();
    await source.screenshot('bundles-01-export');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-submit').click()]);
    expect(download.suggestedFilename()).toBe('ticket-triage-1.1.0.slipway');
    const bundle = readFileSync(await download.path());
    await page.getByText('Exported 2 versions: ticket-triage@1.0.0, ticket-triage@1.1.0, signed').waitFor();
    const ownKey = (await source.client.bundles.keys({})).own;
    expect(ownKey).not.toBeNull();
    const exported = (await source.client.versions.list({ agent: 'ticket-triage' }))
      .filter((version) => ['1.0.0', '1.1.0'].includes(version.semver))
      .map((version) => [version.semver, version.hash]);
    await source.finish();

    const target = await openSession(browser);
    const other = target.page;
    await target.open();
    await other.getByTestId('no-agents').waitFor();

    await dropFile(other, 'notes.slipway', Buffer.from('not a zip at all'));
    await other.getByTestId('bundle-problem').filter({ hasText: 'not a bundle' }).waitFor();
    expect(await other.getByTestId('import-bundle-submit').isDisabled()).toBe(true);
    await other.getByRole('button', { name: 'Close' }).click();

    await dropFile(other, 'ticket-triage-1.1.0.slipway', bundle);
    await other
      .getByTestId('bundle-signature')
      .filter({ hasText: `Signed by key ${ownKey?.fingerprint ?? ''}, which this workspace does not trust` })
      .waitFor();
    await other.getByTestId('bundle-version-ticket-triage@1.1.0').filter({ hasText: 'new' }).waitFor();
    await other.getByTestId('bundle-labels').filter({ hasText: 'ticket-triage production → 1.1.0' }).waitFor();
    await other.getByTestId('bundle-evidence').filter({ hasText: 'suite triage-basics' }).waitFor();
    expect(await target.client.agents.list({})).toEqual([]);
    await other.getByTestId('trust-name').fill('Release bot');
    await other.getByTestId('trust-signer').click();
    await other.getByTestId('bundle-signature').filter({ hasText: 'Signed by Release bot' }).waitFor();
    await target.screenshot('bundles-02-preview');
    await other.getByTestId('import-bundle-submit').click();
    await other.getByTestId('import-bundle-dialog').waitFor({ state: 'detached' });

    await other.getByTestId('version-1.1.0').getByTestId('badge-production').waitFor();
    await other.getByTestId('version-1.0.0').waitFor();
    const hashes = (await target.client.versions.list({ agent: 'ticket-triage' })).map((version) => [
      version.semver,
      version.hash,
    ]);
    expect(hashes).toEqual(exported);
    await target.screenshot('bundles-03-history');

    const [chooser] = await Promise.all([other.waitForEvent('filechooser'), other.getByTestId('import-bundle').click()]);
    await chooser.setFiles({ name: 'again.slipway', mimeType: 'application/zip', buffer: bundle });
    await other.getByTestId('bundle-nothing-new').waitFor();
    expect(await other.getByTestId('import-bundle-submit').isDisabled()).toBe(true);
    await other.keyboard.press('Escape');
    await other.getByTestId('import-bundle-dialog').waitFor({ state: 'detached' });
    await target.finish();
  }, 90_000);

  it('asks before Try runs the program of a version from an untrusted bundle: cancel runs nothing, "once" runs it, and the bundle can be trusted', async () => {
    const session = await openSession(browser);
    const { page, client } = session;
    await client.keys.set({ name: 'AGENT', value: 'sk-agent-key-123456' });
    const bundle = await strangersBundle(COMMAND_CONFIG);
    await client.bundles.import({ base64: bundle.toString('base64') });
    await session.open('#/a/agent/editor');
    await page.getByTestId('open-try').click();
    await page.getByTestId('try-compare').selectOption('1.0.0');
    await page.getByTestId('try-source').selectOption('smoke/c1');
    await page.getByTestId('try-run').click();
    const dialog = page.getByTestId('trust-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('trust-needs').textContent()).toMatch(
      /runs the program .*command-agent\.mjs.*sends the key AGENT/,
    );
    await session.screenshot('bundles-05-trust-dialog');
    await page.getByTestId('trust-cancel').click();
    await page.getByTestId('try-other').filter({ hasText: 'did not trust' }).waitFor();
    await page.getByTestId('try-run').click();
    await page.getByTestId('trust-once').click();
    await page.getByTestId('try-other-output').filter({ hasText: 'saw:' }).waitFor();
    expect((await client.bundles.origins({}))[0]?.trusted).toBe(false);
    await page.getByTestId('try-run').click();
    await page.getByTestId('trust-reason').fill('Ana’s reviewed export');
    await page.getByTestId('trust-bundle').click();
    await page.getByTestId('try-other-output').filter({ hasText: 'saw:' }).waitFor();
    expect((await client.bundles.origins({}))[0]).toMatchObject({ trusted: true });
    expect((await client.audit.list({ action: 'bundle.trust' }))[0]?.reason).toBe('Ana’s reviewed export');
    await session.finish();
  });
});
