import { afterEach, describe, expect, it } from 'vitest';
import { agentFiles, TEST_AUTHOR, tempWorkspace, type TestWorkspace } from '../../test-support/workspace';

let t: TestWorkspace;
afterEach(() => t.cleanup());

async function threeVersions() {
  t = tempWorkspace();
  await t.client.agents.create({ name: 'refunds' });
  for (const prompt of ['one\n', 'two\n', 'three\n']) {
    await t.client.versions.snapshot({ agent: 'refunds', message: prompt.trim(), files: agentFiles({ 'prompt.md': prompt }) });
  }
  return t.client;
}

describe('labels', () => {
  it('records who moved a label, when, why, from and to — and a rollback is just another move', async () => {
    const client = await threeVersions();
    expect(await client.labels.set({ agent: 'refunds', label: 'production', ref: '1.0.0', reason: 'launch' })).toMatchObject({
      from: null,
      to: '1.0.0',
      actor: TEST_AUTHOR,
    });
    await client.labels.set({ agent: 'refunds', label: 'production', ref: 'refunds@1.2.0', reason: 'new policy' });
    await client.labels.set({ agent: 'refunds', label: 'staging', ref: 'latest', reason: 'try' });
    const rollback = await client.labels.set({ agent: 'refunds', label: 'production', ref: '1.0.0', reason: 'refund spike' });
    expect(rollback).toMatchObject({ from: '1.2.0', to: '1.0.0', reason: 'refund spike' });
    expect(
      (await client.labels.history({ agent: 'refunds', label: 'production' })).map((move) => [move.from, move.to, move.reason]),
    ).toEqual([
      ['1.2.0', '1.0.0', 'refund spike'],
      ['1.0.0', '1.2.0', 'new policy'],
      [null, '1.0.0', 'launch'],
    ]);
    expect(await client.labels.history({ agent: 'refunds' })).toHaveLength(4);
    expect((await client.labels.list({ agent: 'refunds' })).map((label) => [label.name, label.semver])).toEqual([
      ['production', '1.0.0'],
      ['staging', '1.2.0'],
    ]);
    const audit = await client.audit.list({ agent: 'refunds', limit: 1 });
    expect(audit[0]).toMatchObject({
      action: 'label.move',
      subject: 'refunds@production',
      reason: 'refund spike',
      before: { semver: '1.2.0' },
      after: { semver: '1.0.0' },
    });
  });

  it('refuses a move without a reason, to a missing version, to another agent, to the draft, or to where it already points', async () => {
    const client = await threeVersions();
    await client.labels.set({ agent: 'refunds', label: 'production', ref: '1.1.0', reason: 'ship' });
    await expect(client.labels.set({ agent: 'refunds', label: 'production', ref: '1.0.0', reason: ' ' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(client.labels.set({ agent: 'refunds', label: 'production', ref: '4.0.0', reason: 'x' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      client.labels.set({ agent: 'refunds', label: 'production', ref: 'triage@1.0.0', reason: 'x' }),
    ).rejects.toThrowError(/is not a version of .*: it names agent triage/);
    await expect(client.labels.set({ agent: 'refunds', label: 'production', ref: 'draft', reason: 'x' })).rejects.toThrowError(
      /draft/,
    );
    await expect(client.labels.set({ agent: 'refunds', label: 'production', ref: '1.1.0', reason: 'x' })).rejects.toMatchObject({
      code: 'no_changes',
    });
    await expect(client.labels.set({ agent: 'refunds', label: 'latest', ref: '1.1.0', reason: 'x' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect(await client.labels.history({ agent: 'refunds' })).toHaveLength(1);
  });
});
