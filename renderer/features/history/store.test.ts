import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestHost, type TestHost } from '../../../test-support/browser-host';
import { agentFiles } from '../../../test-support/workspace';
import { createHistoryStore, DRAFT } from './store';

let t: TestHost;
afterEach(async () => t.close());

async function setup() {
  t = await startTestHost();
  await t.client.agents.create({ name: 'triage' });
  await t.client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
  await t.client.versions.snapshot({
    agent: 'triage',
    message: 'second',
    files: agentFiles({ 'prompt.md': 'Sort tickets by urgency.\n' }),
  });
  const errors: string[] = [];
  const store = createHistoryStore({ client: t.client, notify: (message) => errors.push(message) });
  await store.getState().load('triage');
  return { store, errors };
}

describe('history store', () => {
  it('lists versions newest first and diffs two of them, older on the left', async () => {
    const { store } = await setup();
    expect(store.getState().versions.map((version) => version.semver)).toEqual(['1.1.0', '1.0.0']);
    store.getState().toggle('1.1.0');
    store.getState().toggle('1.0.0');
    await store.getState().compare();
    const diff = store.getState().diff;
    expect(diff?.summary).toMatchObject({ from: 'triage@1.0.0', to: 'triage@1.1.0', reason: 'prompt changed → minor' });
    expect(diff?.file).toBe('prompt.md');
    expect(diff?.before['prompt.md']).toBe(agentFiles()['prompt.md']);
    expect(diff?.after['prompt.md']).toBe('Sort tickets by urgency.\n');
  });

  it('shows the newest hundred versions first, then the whole history', async () => {
    const { store } = await setup();
    for (let revision = 3; revision <= 120; revision += 1)
      await t.client.versions.snapshot({
        agent: 'triage',
        message: `revision ${revision}`,
        files: agentFiles({ 'prompt.md': `Revision ${revision}.\n` }),
      });
    await store.getState().load('triage');
    const first = store.getState().versions;
    expect(first).toHaveLength(100);
    expect(first[0]).toMatchObject({ semver: '1.119.0', parent: '1.118.0' });
    expect(first[99]).toMatchObject({ semver: '1.20.0', parent: '1.19.0' });
    await vi.waitFor(() => expect(store.getState().versions).toHaveLength(120));
    expect(store.getState().versions.at(-1)?.semver).toBe('1.0.0');
  });

  it('selects any number (to export), diffs exactly two: a version against the draft', async () => {
    const { store } = await setup();
    await t.client.drafts.writeFile({ agent: 'triage', file: 'prompt.md', content: 'Draft prompt.\n' });
    for (const ref of ['1.0.0', '1.1.0', DRAFT]) store.getState().toggle(ref);
    expect(store.getState().selection).toEqual(['1.0.0', '1.1.0', DRAFT]);
    await store.getState().compare();
    expect(store.getState().diff).toBeNull();
    store.getState().toggle('1.0.0');
    expect(store.getState().selection).toEqual(['1.1.0', DRAFT]);
    await store.getState().compare();
    expect(store.getState().diff?.summary).toMatchObject({ from: 'triage@1.1.0', to: 'triage@draft' });
    expect(store.getState().diff?.after['prompt.md']).toBe('Draft prompt.\n');
  });

  it('moves a label with a reason and shows its history; refuses without one', async () => {
    const { store, errors } = await setup();
    expect(await store.getState().moveLabel('production', '1.1.0', 'ship it')).toBe(true);
    expect(await store.getState().moveLabel('production', '1.0.0', 'roll back')).toBe(true);
    expect(store.getState().labels).toMatchObject([{ name: 'production', semver: '1.0.0' }]);
    expect(store.getState().moves.map((move) => [move.from, move.to, move.reason])).toEqual([
      ['1.1.0', '1.0.0', 'roll back'],
      [null, '1.1.0', 'ship it'],
    ]);
    expect(store.getState().versions.find((version) => version.semver === '1.0.0')?.labels).toEqual(['production']);
    expect(await store.getState().moveLabel('production', '1.1.0', '')).toBe(false);
    expect(errors[0]).toMatch(/reason is required/);
  });

  it('restores a version into the draft, and recovers the draft it replaced', async () => {
    const { store } = await setup();
    expect(await store.getState().restore('1.0.0')).toEqual({ replaced: null });
    expect(await t.client.drafts.get({ agent: 'triage' })).toMatchObject({ parent: '1.0.0', changed: false });
    await t.client.drafts.writeFile({ agent: 'triage', file: 'prompt.md', content: 'unsaved\n' });
    const restored = await store.getState().restore('1.0.0');
    expect(restored?.replaced).toEqual(expect.any(Number));
    expect(await store.getState().recover('triage', restored?.replaced ?? 0)).toBe(true);
    expect((await t.client.drafts.get({ agent: 'triage' })).files['prompt.md']).toBe('unsaved\n');
  });
});
