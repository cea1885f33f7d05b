import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEAM_VERSIONS } from '../test-support/team-agents';
import { launchChromium, openSession, TARGET } from './support';

let browser: Browser | null = null;
beforeAll(async () => {
  if (TARGET === 'browser') browser = await launchChromium();
});
afterAll(async () => browser?.close());

describe('agent teams in the app', () => {
  it('makes a team, shows the break in the matrix, refuses to promote a broken team release with its reason, and promotes a compatible one', async () => {
    const session = await openSession(browser);
    const { page, client } = session;
    for (const [agent, versions] of Object.entries(TEAM_VERSIONS)) {
      await client.agents.create({ name: agent });
      for (const version of versions)
        await client.versions.snapshot({ agent, message: version.message, version: version.semver, files: { ...version.files } });
    }
    await session.open('#/a/router/release');
    await page.getByTestId('team-empty').waitFor();
    await page.getByTestId('new-team').click();
    await page.getByTestId('team-name').fill('support');
    await page.getByRole('checkbox', { name: 'intake' }).check();
    await page.getByTestId('team-save').click();
    await page.getByTestId('team-members').filter({ hasText: 'support: intake, router' }).waitFor();

    const broken = page.getByTestId('cell-router@1.0.0-intake@1.1.0');
    await broken.waitFor();
    expect(await broken.getAttribute('class')).toBe('broken');
    expect(await broken.getAttribute('title')).toContain(
      'router 1.0.0 requires intake output field `intent` (string); intake 1.1.0 no longer emits it',
    );
    expect(await page.getByTestId('cell-router@1.0.0-intake@1.0.0').getAttribute('class')).toBe('ok');
    expect(await page.getByTestId('cell-router@2.0.0-intake@1.1.0').getAttribute('class')).toBe('ok');
    await session.screenshot('teams-01-matrix');

    await page.getByTestId('new-team-release').click();
    await page.getByTestId('pin-router').selectOption('1.0.0');
    await page.getByTestId('pin-intake').selectOption('1.1.0');
    await page.getByTestId('team-release-check').filter({ hasText: 'Broken: this release cannot be promoted.' }).waitFor();
    await page.getByTestId('team-release-message').fill('intake 1.1.0 with the old router');
    await page.getByTestId('team-release-save').click();
    await page.getByTestId('team-release-1').filter({ hasText: 'broken (1)' }).waitFor();

    await page.getByTestId('start-local').click();
    await page.getByTestId('release-target').filter({ hasText: 'local' }).waitFor();
    await page.getByTestId('team-promote-1').filter({ hasText: 'Promote to local' }).click();
    await page
      .getByTestId('team-refusal')
      .filter({
        hasText:
          'support#1 cannot be promoted: router 1.0.0 requires intake output field `intent` (string); intake 1.1.0 no longer emits it',
      })
      .waitFor();
    await session.screenshot('teams-02-refused');

    await page.getByTestId('new-team-release').click();
    await page.getByTestId('pin-router').selectOption('2.0.0');
    await page.getByTestId('pin-intake').selectOption('1.1.0');
    await page.getByTestId('team-release-check').filter({ hasText: 'Every dependency holds.' }).waitFor();
    await page.getByTestId('team-release-message').fill('the new router with the new intake');
    await page.getByTestId('team-release-save').click();
    await page.getByTestId('team-promote-2').click();
    await page.getByTestId('team-live').filter({ hasText: 'support#2 — intake 1.1.0, router 2.0.0 (generation 1)' }).waitFor();
    expect((await client.teams.view({ name: 'support', target: 'local' })).state?.members.router?.semver).toBe('2.0.0');
    const actions = (await client.audit.list({ limit: 50 })).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['team.create', 'team.release', 'team.promote.refused', 'team.promote']));
    await session.screenshot('teams-03-promoted');

    // A member is not released alone into the live team: the app asks, and leaving the team release is recorded.
    await page.getByTestId('release-ref').selectOption('1.0.0');
    await page.getByTestId('release-canary').click();
    const teamBreak = page.getByTestId('team-break');
    await teamBreak
      .filter({
        hasText: 'router would break team support (support#2) on local: router 1.0.0 requires intake output field `intent`',
      })
      .waitFor();
    expect((await client.release.view({ agent: 'router', target: 'local' })).state?.canary).toBeNull();
    await session.screenshot('teams-04-side-door');
    await page.getByTestId('team-break-leave').click();
    await teamBreak.waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await client.release.view({ agent: 'router', target: 'local' })).state?.canary?.semver)
      .toBe('1.0.0');
    await page.getByTestId('team-left').filter({ hasText: 'router serves 2.0.0 with a canary of 1.0.0' }).waitFor();
    expect((await client.audit.list({ action: 'team.left' }))[0]?.subject).toBe('router left support#2 on local');

    await page.getByTestId('tab-history').click();
    await page.getByTestId('teams-2.0.0').filter({ hasText: 'in team release support#2' }).waitFor();
    await session.finish();
  }, 90_000);
});
