import { afterEach, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../../test-support/browser-host';
import { createEditorStore } from './store';

let t: TestHost;
afterEach(async () => t.close());

async function setup() {
  t = await startTestHost();
  await t.client.agents.create({ name: 'triage' });
  const errors: string[] = [];
  const store = createEditorStore({ client: t.client, notify: (message) => errors.push(message) }, 20);
  await store.getState().open('triage');
  return { store, errors };
}

describe('editor store', () => {
  it('autosaves edits to the draft and validates them as the user types', async () => {
    const { store, errors } = await setup();
    store.getState().edit('config.yaml', 'provider: openai-compatible\ncolour: red\n');
    expect(store.getState().saveState).toBe('pending');
    expect(store.getState().diagnostics.map((d) => d.message)).toEqual(
      expect.arrayContaining(['unknown key "colour"', expect.stringContaining('model is required')]),
    );
    await store.getState().flush();
    expect(store.getState().saveState).toBe('saved');
    expect((await t.client.drafts.get({ agent: 'triage' })).files['config.yaml']).toBe(
      'provider: openai-compatible\ncolour: red\n',
    );
    expect(errors).toEqual([]);
  });

  it('refuses to snapshot an invalid draft, then snapshots 1.0.0 and suggests a minor bump after a prompt edit', async () => {
    const { store, errors } = await setup();
    store.getState().edit('config.yaml', 'provider: nope\n');
    expect((await store.getState().suggest())?.diagnostics.length).toBeGreaterThan(0);
    expect(await store.getState().snapshot({ message: 'bad' })).toBeNull();
    expect(errors[0]).toMatch(/config\.yaml:1:\d+: provider must be one of/);
    store.getState().edit('config.yaml', 'provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\n');
    expect((await store.getState().snapshot({ message: 'first' }))?.semver).toBe('1.0.0');
    expect(store.getState().draft).toMatchObject({ parent: '1.0.0', changed: false });
    store.getState().edit('prompt.md', 'You triage tickets.\n');
    expect(await store.getState().suggest()).toMatchObject({ version: '1.1.0', reason: 'prompt changed → minor' });
    expect(store.getState().draft?.changedFiles).toEqual(['prompt.md']);
  });

  it('adds and removes optional files', async () => {
    const { store } = await setup();
    await store.getState().addFile('user.md');
    expect(store.getState()).toMatchObject({ activeFile: 'user.md', files: { 'user.md': '{{input}}\n' } });
    await store.getState().removeFile('user.md');
    expect(store.getState().files['user.md']).toBeUndefined();
  });

  it('takes an outside change to the draft, but never over unsaved typing', async () => {
    const { store } = await setup();
    await t.client.drafts.writeFile({ agent: 'triage', file: 'prompt.md', content: 'from the CLI\n' });
    await store.getState().refresh();
    expect(store.getState().files['prompt.md']).toBe('from the CLI\n');
    store.getState().edit('prompt.md', 'typing…\n');
    await t.client.drafts.writeFile({ agent: 'triage', file: 'prompt.md', content: 'outside again\n' });
    await store.getState().refresh();
    expect(store.getState().files['prompt.md']).toBe('typing…\n');
  });
});
