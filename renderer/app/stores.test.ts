import { afterEach, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../test-support/browser-host';
import { agentFiles } from '../../test-support/workspace';
import { connect } from '../../workspace/connect';
import { openWorkspace } from '../../workspace/workspace';
import { createAppStores, startApp, type AppStores } from './stores';

let t: TestHost;
let stores: AppStores;
afterEach(async () => {
  stores.dispose();
  await t.close();
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('app stores', () => {
  it('opens the agent of the URL with its draft, history and audit', async () => {
    t = await startTestHost();
    await t.client.agents.create({ name: 'alpha' });
    await t.client.agents.create({ name: 'triage' });
    await t.client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    stores = createAppStores(t.transport, { agent: 'triage', tab: 'history' });
    await startApp(stores);
    expect(stores.agents.getState().selected).toBe('triage');
    expect(stores.ui.getState().tab).toBe('history');
    expect(stores.editor.getState().draft).toMatchObject({ agent: 'triage', parent: '1.0.0' });
    expect(stores.history.getState().versions.map((version) => version.semver)).toEqual(['1.0.0']);
    stores.agents.getState().select('alpha');
    await until(() => stores.editor.getState().draft?.agent === 'alpha' && stores.history.getState().agent === 'alpha');
  });

  it('shows a snapshot made by the CLI meanwhile, without a reload', async () => {
    t = await startTestHost();
    await t.client.agents.create({ name: 'triage' });
    stores = createAppStores(t.transport, { agent: 'triage', tab: 'history' });
    await startApp(stores);
    expect(stores.history.getState().versions).toEqual([]);
    await t.eventsOpen();
    const cli = openWorkspace(t.dir);
    await connect(cli).client.versions.snapshot({ agent: 'triage', message: 'from the CLI', files: agentFiles() });
    cli.close();
    await until(() => stores.history.getState().versions.length === 1);
    expect(stores.agents.getState().agents[0]?.latest?.semver).toBe('1.0.0');
  });

  it('selects the first agent when the URL names none, and reports failures as toasts', async () => {
    t = await startTestHost();
    await t.client.agents.create({ name: 'beta' });
    stores = createAppStores(t.transport);
    await startApp(stores);
    expect(stores.agents.getState().selected).toBe('beta');
    // A refusal about a field goes back to the form to show there, not to a toast.
    expect(await stores.agents.getState().create('beta', '')).toEqual({
      done: false,
      field: { path: 'name', message: 'an agent named "beta" already exists' },
    });
    expect(await stores.agents.getState().create('x'.repeat(65), '')).toEqual({
      done: false,
      field: { path: 'name', message: 'agent name is longer than 64 characters' },
    });
    expect(stores.ui.getState().toasts).toEqual([]);
  });
});

describe('the desktop menu and slipway:// links in the window', () => {
  it('carries out every command the menu sends, and goes to the version or comparison a link names', async () => {
    t = await startTestHost();
    await t.client.agents.create({ name: 'triage' });
    await t.client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    await t.client.versions.snapshot({
      agent: 'triage',
      message: 'second',
      files: agentFiles({ 'prompt.md': 'Sort tickets by urgency.\n' }),
    });
    stores = createAppStores(t.transport, { agent: 'triage', tab: 'editor' });
    await startApp(stores, { agent: 'triage', tab: 'history', version: '1.0.0' });
    expect(stores.ui.getState().tab).toBe('history');
    expect(stores.history.getState().selection).toEqual(['1.0.0']);

    const { buildCommands, runCommand } = await import('./commands');
    const { MENU_COMMANDS } = await import('../../shared/menu-commands');
    const known = buildCommands(stores).map((command) => command.id);
    expect(Object.keys(MENU_COMMANDS).filter((id) => !known.includes(id))).toEqual([]);
    runCommand(stores, 'tab.audit');
    expect(stores.ui.getState().tab).toBe('audit');
    runCommand(stores, 'about');
    expect(stores.ui.getState().aboutOpen).toBe(true);
    runCommand(stores, 'no.such');
    expect(stores.ui.getState().toasts.map((toast) => toast.message)).toContain('Slipway does not know the command "no.such".');

    await stores.navigate({ agent: 'triage', tab: 'history', version: '1.1.0' });
    expect(stores.history.getState().selection).toEqual(['1.0.0', '1.1.0']);
    const about = await t.client.settings.about({});
    expect(about).toMatchObject({ electron: null, node: process.versions.node, workspace: t.dir });
    expect(about.sqlite).toMatch(/^3\.\d+\.\d+$/);
  });
});
