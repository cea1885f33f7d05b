import { afterEach, describe, expect, it } from 'vitest';
import { agentFiles, tempWorkspace, type TestWorkspace } from '../../test-support/workspace';

let t: TestWorkspace;
afterEach(() => t.cleanup());

describe('agents', () => {
  it('creates an agent with a valid starter draft', async () => {
    t = tempWorkspace();
    await t.client.agents.create({ name: 'triage', description: 'sorts tickets' });
    expect(await t.client.drafts.validate({ agent: 'triage' })).toEqual([]);
    const [summary] = await t.client.agents.list({});
    expect(summary).toMatchObject({
      name: 'triage',
      description: 'sorts tickets',
      latest: null,
      versionCount: 0,
      labels: [],
      draftChanged: true,
      archived: false,
    });
  });

  it('renames, archives and restores, auditing each and never deleting', async () => {
    t = tempWorkspace();
    const { client } = t;
    await client.agents.create({ name: 'triage' });
    await client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    await client.agents.rename({ name: 'triage', newName: 'ticket-triage', reason: 'clearer' });
    expect((await client.versions.get({ ref: 'ticket-triage@1.0.0' })).agent).toBe('ticket-triage');
    await client.agents.archive({ name: 'ticket-triage', reason: 'replaced' });
    expect(await client.agents.list({})).toEqual([]);
    expect((await client.agents.list({ includeArchived: true }))[0]).toMatchObject({
      name: 'ticket-triage',
      archived: true,
      versionCount: 1,
    });
    await client.agents.restore({ name: 'ticket-triage' });
    const actions = (await client.audit.list({ agent: 'ticket-triage' })).map((entry) => [entry.action, entry.agent]);
    expect(actions).toEqual([
      ['agent.restore', 'ticket-triage'],
      ['agent.archive', 'ticket-triage'],
      ['agent.rename', 'ticket-triage'],
      ['version.snapshot', 'ticket-triage'],
      ['agent.create', 'ticket-triage'],
    ]);
  });

  it('refuses duplicate, reserved and malformed names with a clear message', async () => {
    t = tempWorkspace();
    await t.client.agents.create({ name: 'triage' });
    await expect(t.client.agents.create({ name: 'triage' })).rejects.toThrowError('an agent named "triage" already exists');
    await expect(t.client.agents.create({ name: 'latest' })).rejects.toThrowError(/reserved/);
    await expect(t.client.agents.create({ name: 'Triage Bot' })).rejects.toThrowError(/must match/);
    await expect(t.client.agents.rename({ name: 'nope', newName: 'x' })).rejects.toThrowError(/no agent named "nope"/);
    await expect(
      t.client.agents.archive({ name: 'triage' }).then(() => t.client.agents.archive({ name: 'triage' })),
    ).rejects.toThrowError(/already archived/);
  });
});

describe('drafts', () => {
  it('autosaves file by file, refuses unknown file names, and resets to a version with the old draft kept in the audit', async () => {
    t = tempWorkspace();
    const { client } = t;
    await client.agents.create({ name: 'triage' });
    await client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    await client.drafts.writeFile({ agent: 'triage', file: 'prompt.md', content: 'draft work\r\n' });
    expect((await client.drafts.get({ agent: 'triage' })).files['prompt.md']).toBe('draft work\n');
    await expect(client.drafts.writeFile({ agent: 'triage', file: '../etc/passwd', content: 'x' })).rejects.toThrowError(
      /allowed files are/,
    );
    await client.drafts.removeFile({ agent: 'triage', file: 'user.md' });
    expect((await client.drafts.get({ agent: 'triage' })).changedFiles).toEqual(['prompt.md', 'user.md']);
    const reset = await client.drafts.reset({ agent: 'triage', ref: '1.0.0' });
    expect(reset).toMatchObject({ parent: '1.0.0', changed: false });
    const [entry] = await client.audit.list({ agent: 'triage', limit: 1 });
    expect(entry).toMatchObject({ action: 'draft.reset', before: { files: { 'prompt.md': 'draft work\n' } } });
    expect(reset.replaced).toBe(entry?.id);
  });

  it('recovers the draft a restore replaced, files and parent, keeping what it replaces in turn', async () => {
    t = tempWorkspace();
    const { client } = t;
    await client.agents.create({ name: 'triage' });
    await client.agents.create({ name: 'other' });
    await client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    await client.versions.snapshot({ agent: 'triage', message: 'second', files: agentFiles({ 'prompt.md': 'second\n' }) });
    await client.drafts.reset({ agent: 'triage', ref: '1.0.0' });
    await client.drafts.writeFile({ agent: 'triage', file: 'prompt.md', content: 'unsaved idea\n' });
    const restored = await client.drafts.reset({ agent: 'triage', ref: '1.1.0' });
    expect(restored).toMatchObject({ parent: '1.1.0', changed: false, files: { 'prompt.md': 'second\n' } });
    expect(restored.replaced).not.toBeNull();
    const undone = await client.drafts.recover({ agent: 'triage', audit: restored.replaced ?? 0 });
    expect(undone).toMatchObject({ parent: '1.0.0', changed: true, changedFiles: ['prompt.md'] });
    expect(undone.files['prompt.md']).toBe('unsaved idea\n');
    expect(undone.replaced).toBeNull();

    const recoveredAway = await client.drafts.reset({ agent: 'triage', ref: '1.1.0' });
    const again = await client.drafts.reset({ agent: 'triage', ref: '1.0.0' });
    expect(again.replaced).toBeNull();
    const [noChanges] = await client.audit.list({ agent: 'triage', limit: 1 });
    await expect(client.drafts.recover({ agent: 'triage', audit: noChanges?.id ?? 0 })).rejects.toThrowError(
      /nothing to recover/,
    );
    await expect(client.drafts.recover({ agent: 'other', audit: restored.replaced ?? 0 })).rejects.toThrowError(
      /is not a restore of other's draft/,
    );
    expect(recoveredAway.replaced).not.toBeNull();
    expect((await client.drafts.get({ agent: 'triage' })).parent).toBe('1.0.0');
  });
});
