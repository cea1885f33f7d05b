import { afterEach, describe, expect, it } from 'vitest';
import { SlipwayError } from '../../shared/errors';
import { agentFiles, TEST_AUTHOR, tempWorkspace, type TestWorkspace } from '../../test-support/workspace';

let t: TestWorkspace;
afterEach(() => t.cleanup());

async function withAgent(name = 'triage') {
  t = tempWorkspace();
  await t.client.agents.create({ name, description: 'sorts tickets' });
  return t.client;
}

function count(table: string): number {
  return (t.ws.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('snapshots', () => {
  it('makes 1.0.0 first, with author, parent, hash, manifest and message', async () => {
    const client = await withAgent();
    const version = await client.versions.snapshot({ agent: 'triage', message: '  First cut  ', files: agentFiles() });
    expect(version).toMatchObject({
      agent: 'triage',
      semver: '1.0.0',
      parent: null,
      author: TEST_AUTHOR,
      message: 'First cut',
      bump: null,
    });
    expect(version.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(version.manifest.map((entry) => entry.name)).toEqual([
      'config.yaml',
      'examples.yaml',
      'prompt.md',
      'tools.json',
      'user.md',
    ]);
    expect(version.files).toEqual(agentFiles());
  });

  it('lets the user choose the first version', async () => {
    const client = await withAgent();
    expect(
      (await client.versions.snapshot({ agent: 'triage', message: 'm', files: agentFiles(), version: '0.1.0' })).semver,
    ).toBe('0.1.0');
  });

  it('snapshots the draft and records the version the draft came from as parent', async () => {
    const client = await withAgent();
    await client.drafts.replace({ agent: 'triage', files: agentFiles() });
    const first = await client.versions.snapshot({ agent: 'triage', message: 'first' });
    expect((await client.drafts.get({ agent: 'triage' })).parent).toBe('1.0.0');
    await client.drafts.writeFile({ agent: 'triage', file: 'prompt.md', content: 'Sort tickets carefully.\n' });
    const draft = await client.drafts.get({ agent: 'triage' });
    expect(draft).toMatchObject({ changed: true, changedFiles: ['prompt.md'] });
    const second = await client.versions.snapshot({ agent: 'triage', message: 'careful' });
    expect(second).toMatchObject({ semver: '1.1.0', parent: first.semver, bump: 'minor' });
    expect(await client.drafts.get({ agent: 'triage' })).toMatchObject({ parent: '1.1.0', changed: false });
  });

  it('applies the suggested bump, or the one the user asks for', async () => {
    const client = await withAgent();
    await client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    const patch = await client.versions.snapshot({
      agent: 'triage',
      message: 'cooler',
      files: agentFiles({
        'config.yaml': 'provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\ntemperature: 0\nmax_tokens: 256\n',
      }),
    });
    expect(patch.semver).toBe('1.0.1');
    const major = await client.versions.snapshot({
      agent: 'triage',
      message: 'forced',
      bump: 'major',
      files: agentFiles({ 'prompt.md': 'Other.\n' }),
    });
    expect(major).toMatchObject({ semver: '2.0.0', bump: 'major' });
    const chosen = await client.versions.snapshot({
      agent: 'triage',
      message: 'chosen',
      version: '2.5.0',
      files: agentFiles({ 'prompt.md': 'Third.\n' }),
    });
    expect(chosen).toMatchObject({ semver: '2.5.0', bump: 'minor' });
  });

  it('suggests the next version with its reason', async () => {
    const client = await withAgent();
    expect(await client.versions.suggestBump({ agent: 'triage', files: agentFiles() })).toMatchObject({
      version: '1.0.0',
      bump: null,
    });
    await client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    expect(await client.versions.suggestBump({ agent: 'triage', files: agentFiles({ 'prompt.md': 'x\n' }) })).toMatchObject({
      bump: 'minor',
      version: '1.1.0',
      reason: 'prompt changed → minor',
    });
    expect(await client.versions.suggestBump({ agent: 'triage', files: agentFiles() })).toMatchObject({
      bump: null,
      version: null,
      reason: 'no changes since 1.0.0',
    });
    const invalid = await client.versions.suggestBump({ agent: 'triage', files: agentFiles({ 'config.yaml': 'provider: x\n' }) });
    expect(invalid.diagnostics.length).toBeGreaterThan(0);
  });

  it('refuses identical files, invalid files, lower or taken versions — and changes nothing', async () => {
    const client = await withAgent();
    await client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    await client.versions.snapshot({ agent: 'triage', message: 'second', files: agentFiles({ 'prompt.md': 'Two.\n' }) });
    const before = { versions: count('versions'), audit: count('audit'), blobs: count('blobs') };
    const attempts: Array<[Promise<unknown>, string, RegExp]> = [
      [
        client.versions.snapshot({ agent: 'triage', message: 'same', files: agentFiles({ 'prompt.md': 'Two.\n' }) }),
        'no_changes',
        /no changes since 1\.1\.0/,
      ],
      [
        client.versions.snapshot({
          agent: 'triage',
          message: 'bad',
          files: agentFiles({ 'config.yaml': 'provider: openai-compatible\n' }),
        }),
        'invalid_files',
        /config\.yaml:1:1: model is required/,
      ],
      [
        client.versions.snapshot({
          agent: 'triage',
          message: 'low',
          version: '1.0.5',
          files: agentFiles({ 'prompt.md': 'Three.\n' }),
        }),
        'conflict',
        /not higher than the latest version 1\.1\.0/,
      ],
      [
        client.versions.snapshot({
          agent: 'triage',
          message: 'taken',
          version: '1.1.0',
          files: agentFiles({ 'prompt.md': 'Three.\n' }),
        }),
        'conflict',
        /1\.1\.0/,
      ],
      [
        client.versions.snapshot({
          agent: 'triage',
          message: 'bad semver',
          version: 'v2',
          files: agentFiles({ 'prompt.md': 'Three.\n' }),
        }),
        'invalid_input',
        /not a version/,
      ],
      [
        client.versions.snapshot({ agent: 'triage', message: 'stranger', files: { ...agentFiles(), 'notes.txt': 'x' } }),
        'invalid_files',
        /allowed files are/,
      ],
      [
        client.versions.snapshot({ agent: 'nobody', message: 'x', files: agentFiles() }),
        'not_found',
        /no agent named "nobody" \(agents: triage\)/,
      ],
      [
        client.versions.snapshot({ agent: 'triage', message: '   ', files: agentFiles() }),
        'invalid_input',
        /a message saying why is required/,
      ],
    ];
    for (const [attempt, code, message] of attempts) {
      const error = await attempt.then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error, String(message)).toBeInstanceOf(SlipwayError);
      expect((error as SlipwayError).code, String(message)).toBe(code);
      expect((error as SlipwayError).message).toMatch(message);
    }
    expect({ versions: count('versions'), audit: count('audit'), blobs: count('blobs') }).toEqual(before);
  });

  it('stores files byte-exact with line endings made LF, and identical content once', async () => {
    const client = await withAgent();
    const crlf = agentFiles({ 'prompt.md': 'Line one\r\nLine two\rLine three\n  trailing  \n' });
    const first = await client.versions.snapshot({ agent: 'triage', message: 'first', files: crlf });
    expect(first.files['prompt.md']).toBe('Line one\nLine two\nLine three\n  trailing  \n');
    const blobs = count('blobs');
    await client.versions.snapshot({ agent: 'triage', message: 'only the prompt', files: { ...crlf, 'prompt.md': 'New\n' } });
    expect(count('blobs')).toBe(blobs + 1);
    const lf = agentFiles({ 'prompt.md': 'Line one\nLine two\nLine three\n  trailing  \n' });
    expect((await client.versions.suggestBump({ agent: 'triage', files: lf })).bump).toBe('minor');
    expect(first.hash).not.toBe((await client.versions.get({ ref: 'triage@latest' })).hash);
  });

  it('gives the same content hash to the same files in another workspace', async () => {
    const client = await withAgent();
    const here = await client.versions.snapshot({ agent: 'triage', message: 'x', files: agentFiles() });
    const other = tempWorkspace();
    try {
      await other.client.agents.create({ name: 'elsewhere' });
      const there = await other.client.versions.snapshot({ agent: 'elsewhere', message: 'y', files: agentFiles() });
      expect(there.hash).toBe(here.hash);
    } finally {
      other.cleanup();
    }
  });

  it('refuses snapshots of an archived agent', async () => {
    const client = await withAgent();
    await client.agents.archive({ name: 'triage', reason: 'retired' });
    await expect(client.versions.snapshot({ agent: 'triage', message: 'x', files: agentFiles() })).rejects.toThrowError(
      /archived: restore it first/,
    );
  });

  it('keeps a folder snapshot from overwriting unsnapshotted draft edits', async () => {
    const client = await withAgent();
    await client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    expect((await client.drafts.get({ agent: 'triage' })).parent).toBe('1.0.0');
    await client.drafts.writeFile({ agent: 'triage', file: 'prompt.md', content: 'work in progress\n' });
    await client.versions.snapshot({ agent: 'triage', message: 'from ci', files: agentFiles({ 'prompt.md': 'CI\n' }) });
    expect(await client.drafts.get({ agent: 'triage' })).toMatchObject({
      parent: '1.0.0',
      files: { 'prompt.md': 'work in progress\n' },
    });
  });
});

describe('reading versions', () => {
  it('lists history newest first with labels, and resolves every kind of ref', async () => {
    const client = await withAgent();
    const v1 = await client.versions.snapshot({ agent: 'triage', message: 'one', files: agentFiles() });
    await client.versions.snapshot({ agent: 'triage', message: 'two', files: agentFiles({ 'prompt.md': '2\n' }) });
    await client.versions.snapshot({ agent: 'triage', message: 'three', files: agentFiles({ 'prompt.md': '3\n' }) });
    await client.labels.set({ agent: 'triage', label: 'production', ref: '1.1.0', reason: 'ship' });
    const list = await client.versions.list({ agent: 'triage' });
    expect(list.map((version) => [version.semver, version.parent, version.labels])).toEqual([
      ['1.2.0', '1.1.0', []],
      ['1.1.0', '1.0.0', ['production']],
      ['1.0.0', null, []],
    ]);
    // A limit answers the newest versions only, with parents that lie outside the page named.
    expect(
      (await client.versions.list({ agent: 'triage', limit: 2 })).map((version) => [version.semver, version.parent]),
    ).toEqual([
      ['1.2.0', '1.1.0'],
      ['1.1.0', '1.0.0'],
    ]);
    await expect(client.versions.list({ agent: 'triage', limit: 0 })).rejects.toThrowError(/limit/);
    expect((await client.versions.get({ ref: 'triage@latest' })).semver).toBe('1.2.0');
    expect((await client.versions.get({ ref: 'triage' })).semver).toBe('1.2.0');
    expect((await client.versions.get({ ref: 'triage@production' })).semver).toBe('1.1.0');
    expect((await client.versions.get({ ref: `triage@sha256:${v1.hash.slice(0, 10)}` })).semver).toBe('1.0.0');
    await expect(client.versions.get({ ref: 'triage@9.9.9' })).rejects.toThrowError(
      'agent "triage" has no version 9.9.9 (latest is 1.2.0)',
    );
    await expect(client.versions.get({ ref: 'triage@staging' })).rejects.toThrowError(
      'agent "triage" has no label "staging" (labels: production)',
    );
    await expect(client.versions.get({ ref: 'triage@draft' })).rejects.toThrowError(/draft is the editable draft/);
  });

  it('diffs two versions, or a version and the draft, file by file and by kind', async () => {
    const client = await withAgent();
    await client.versions.snapshot({ agent: 'triage', message: 'one', files: agentFiles() });
    await client.versions.snapshot({
      agent: 'triage',
      message: 'two',
      files: agentFiles({ 'prompt.md': 'Sort tickets.\n', 'contract.yaml': 'offers:\n  tools: [lookup_customer]\n' }),
    });
    const diff = await client.versions.diff({ from: 'triage@1.0.0', to: 'triage@2.0.0' });
    expect(diff.files.filter((file) => file.status !== 'unchanged').map((file) => [file.name, file.status])).toEqual([
      ['contract.yaml', 'added'],
      ['prompt.md', 'modified'],
    ]);
    expect(diff.files.find((file) => file.name === 'prompt.md')?.patch).toContain('+Sort tickets.');
    expect(diff).toMatchObject({ bump: 'major', reason: 'agent contract changed → major' });
    await client.drafts.writeFile({ agent: 'triage', file: 'user.md', content: 'Hi {{name}}\n' });
    const draftDiff = await client.versions.diff({ from: 'triage@latest', to: 'triage@draft' });
    expect(draftDiff).toMatchObject({ to: 'triage@draft', bump: 'minor', reason: 'user template changed → minor' });
  });
});
