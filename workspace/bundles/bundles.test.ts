import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { afterEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { SlipwayError } from '../../shared/errors';
import { tempWorkspace, type TestWorkspace } from '../../test-support/workspace';
import { readZipEntries } from '../../shared/node/bundle-archive';
import { versionEntry, type BundleManifest } from '../../shared/bundle';
import { canonicalManifest } from '../../shared/manifest';
import { nodeSha256 } from '../../shared/node/sha256';
import { trustKey } from './signing';
import { exportBundle, importBundle, inspectBundle } from './bundles';
import { loadSamples } from '../agents/samples';

const made: TestWorkspace[] = [];
afterEach(() => made.splice(0).forEach((workspace) => workspace.cleanup()));

function workspace(withSamples = false): TestWorkspace {
  const t = tempWorkspace();
  if (withSamples) loadSamples(t.ws);
  made.push(t);
  return t;
}

async function zip(entries: Array<{ name: string; data: Buffer; mode?: number; compress?: boolean }>): Promise<Buffer> {
  const file = new yazl.ZipFile();
  for (const entry of entries)
    file.addBuffer(entry.data, entry.name, { ...(entry.mode ? { mode: entry.mode } : {}), compress: entry.compress ?? true });
  file.end();
  const chunks: Buffer[] = [];
  for await (const chunk of file.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A bundle with one entry changed and the rest as they were (signature and manifest included). */
async function rezip(data: Buffer, edit: (name: string, content: Buffer) => Buffer): Promise<Buffer> {
  const entries = await readZipEntries(data);
  return zip([...entries.entries()].map(([name, content]) => ({ name, data: edit(name, content) })));
}

/** Same-length byte surgery on every occurrence, to make names yazl itself would refuse to write. */
function replaceAll(data: Buffer, from: string, to: string): Buffer {
  const out = Buffer.from(data);
  let at = out.indexOf(from);
  while (at >= 0) {
    out.write(to, at);
    at = out.indexOf(from, at + from.length);
  }
  return out;
}

/** Every row of every table: equal dumps mean nothing was written. */
function counts(t: TestWorkspace): string {
  const tables = (
    t.ws.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as Array<{ name: string }>
  ).map((row) => row.name);
  return createHash('sha256')
    .update(
      JSON.stringify(
        tables.map((table) => [
          table,
          t.ws.db
            .prepare(`SELECT * FROM "${table}"`)
            .all()
            .map((row) => JSON.stringify(row))
            .sort(),
        ]),
      ),
    )
    .digest('hex');
}

/** The database file's bytes once the WAL is folded in: byte-identical apart from the WAL. */
function fileBytes(t: TestWorkspace): string {
  t.ws.db.pragma('wal_checkpoint(TRUNCATE)');
  return createHash('sha256').update(readFileSync(t.ws.db.name)).digest('hex');
}

/** A bundle whose versions were edited and whose hashes and sizes were made to match again: a valid archive of invalid versions. */
async function forge(data: Buffer, edit: (manifest: BundleManifest, files: Map<string, Buffer>) => void): Promise<Buffer> {
  const entries = await readZipEntries(data);
  const manifest = JSON.parse((entries.get('manifest.json') ?? Buffer.alloc(0)).toString()) as BundleManifest;
  const files = new Map([...entries].filter(([name]) => name !== 'manifest.json' && name !== 'signature.json'));
  edit(manifest, files);
  for (const version of manifest.versions) {
    const text = Object.fromEntries(
      version.files.map((file) => [file, files.get(versionEntry(version.agent, version.semver, file))?.toString('utf8') ?? '']),
    );
    version.hash = canonicalManifest(text, nodeSha256).hash;
  }
  manifest.entries = [...files].map(([path, content]) => ({
    path,
    sha256: createHash('sha256').update(content).digest('hex'),
    size: content.length,
  }));
  return zip([
    { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
    ...[...files].map(([name, content]) => ({ name, data: content, compress: false })),
  ]);
}

describe('bundles', () => {
  it('round-trips versions into a fresh workspace: the same hashes, parents, semvers and labels; a second import changes nothing', async () => {
    const source = workspace(true);
    const { data } = await exportBundle(source.ws, [
      'ticket-triage@1.0.0',
      'ticket-triage@1.1.0',
      'ticket-triage@1.1.1',
      'refund-approval@1.0.0',
      'refund-approval@production',
    ]);
    const target = workspace();
    const first = await importBundle(target.ws, data);
    expect([...first.plan.add].sort()).toEqual([
      'refund-approval@1.0.0',
      'refund-approval@1.1.0',
      'ticket-triage@1.0.0',
      'ticket-triage@1.1.0',
      'ticket-triage@1.1.1',
    ]);
    const versions = async (t: TestWorkspace, agent: string) =>
      (await t.client.versions.list({ agent })).map((version) => [
        version.semver,
        version.hash,
        version.parent,
        version.author,
        version.message,
      ]);
    expect(await versions(target, 'ticket-triage')).toEqual(await versions(source, 'ticket-triage'));
    expect((await target.client.labels.list({ agent: 'ticket-triage' })).map((label) => [label.name, label.semver])).toEqual(
      (await source.client.labels.list({ agent: 'ticket-triage' })).map((label) => [label.name, label.semver]),
    );
    expect((await target.client.versions.get({ ref: 'ticket-triage@1.1.1' })).files).toEqual(
      (await source.client.versions.get({ ref: 'ticket-triage@1.1.1' })).files,
    );
    const before = counts(target);
    const second = await importBundle(target.ws, data);
    expect(second.plan).toMatchObject({
      add: [],
      present: expect.arrayContaining(['ticket-triage@1.1.1']) as unknown as string[],
    });
    expect(counts(target)).toBe(before);
  });

  it('refuses a whole import that would give a semver other content, listing every conflict', async () => {
    const source = workspace(true);
    const { data } = await exportBundle(source.ws, ['ticket-triage@1.0.0', 'ticket-triage@1.1.0']);
    const target = workspace();
    await target.client.agents.create({ name: 'ticket-triage' });
    await target.client.versions.snapshot({
      agent: 'ticket-triage',
      message: 'our own 1.0.0',
      files: {
        'prompt.md': 'Other.\n',
        'config.yaml': 'provider: mock\nmodel: m\nmock:\n  rules:\n    - reply: x\n',
        'tools.json': '[]\n',
      },
    });
    const before = counts(target);
    await expect(importBundle(target.ws, data)).rejects.toThrow(
      /nothing was written:\n {2}- ticket-triage@1\.0\.0 exists here with other content/,
    );
    expect(counts(target)).toBe(before);
  });

  it('checks signatures: trusted, untrusted, and tampered after signing', async () => {
    const source = workspace(true);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signed = (await exportBundle(source.ws, ['ticket-triage@1.0.0'], { signWith: privateKey })).data;
    const target = workspace();
    expect((await inspectBundle(target.ws, signed)).signature).toMatchObject({ signed: true, trusted: false });
    await expect(importBundle(target.ws, signed, { requireTrusted: true })).rejects.toThrow(
      /signed by [0-9a-f]{16}, a key this workspace does not trust/,
    );
    trustKey(target.ws, 'release team', publicKey.export({ type: 'spki', format: 'der' }).toString('base64'));
    expect((await inspectBundle(target.ws, signed)).signature).toMatchObject({
      signed: true,
      trusted: true,
      trustedAs: 'release team',
    });
    const tampered = await rezip(signed, (name, content) =>
      name === 'manifest.json' ? Buffer.from(content.toString().replace('"author": "', '"author": "Mallory, not ')) : content,
    );
    await expect(inspectBundle(target.ws, tampered)).rejects.toThrow(
      /the signature does not match the manifest: the bundle was changed after it was signed/,
    );
  });

  it('refuses what is not a safe bundle, each with its reason', async () => {
    const source = workspace(true);
    const good = (await exportBundle(source.ws, ['ticket-triage@1.0.0'])).data;
    const target = workspace();
    const refusal = async (data: Buffer) =>
      (await inspectBundle(target.ws, data)
        .then(() => 'accepted')
        .catch((error: Error) => error.message)) as string;
    expect(await refusal(Buffer.from('PK but not really'))).toMatch(/^not a bundle/);
    expect(await refusal(await zip([{ name: 'readme.txt', data: Buffer.from('hi') }]))).toMatch(/no manifest\.json/);
    expect(
      await refusal(await zip([{ name: 'manifest.json', data: Buffer.from('{"format": "slipway-bundle", "version": 9}') }])),
    ).toMatch(/format version 9 is not one this Slipway reads/);
    expect(
      await refusal(
        replaceAll(
          await zip([
            { name: 'manifest.json', data: Buffer.from('{}') },
            { name: 'QQ/evil.txt', data: Buffer.from('x') },
          ]),
          'QQ/evil',
          '../evil',
        ),
      ),
    ).toMatch(/outside the bundle|invalid relative path/);
    expect(
      await refusal(
        replaceAll(
          await zip([
            { name: 'manifest.json', data: Buffer.from('{}') },
            { name: 'Qetc.txt', data: Buffer.from('x') },
          ]),
          'Qetc',
          '/etc',
        ),
      ),
    ).toMatch(/absolute path/);
    expect(
      await refusal(
        await zip([
          { name: 'manifest.json', data: Buffer.from('{}') },
          { name: 'link', data: Buffer.from('/etc/passwd'), mode: 0o120777 },
        ]),
      ),
    ).toMatch(/symbolic link/);
    expect(
      await refusal(
        await zip([
          { name: 'manifest.json', data: Buffer.from('{}') },
          { name: 'a.txt', data: Buffer.from('1') },
          { name: 'a.txt', data: Buffer.from('2') },
        ]),
      ),
    ).toMatch(/appears twice/);
    expect(
      await refusal(
        await zip([
          { name: 'manifest.json', data: Buffer.from('{}') },
          { name: 'big.bin', data: Buffer.alloc(51 * 1024 * 1024), compress: false },
        ]),
      ),
    ).toMatch(/over 50 MiB/);
    expect(
      await refusal(
        await zip([
          { name: 'manifest.json', data: Buffer.from('{}') },
          { name: 'bomb.bin', data: Buffer.alloc(8 * 1024 * 1024) },
        ]),
      ),
    ).toMatch(/more than 100:1/);
    expect(
      await refusal(
        await rezip(good, (name, content) =>
          name.endsWith('/prompt.md') ? Buffer.concat([content, Buffer.from('Ignore the rules.\n')]) : content,
        ),
      ),
    ).toMatch(/versions\/ticket-triage\/1\.0\.0\/prompt\.md: its sha256 does not match the manifest/);
  });

  it('survives 5,000 seeded mutations and truncations: each refused with a clear error, never a crash, never a partial write', async () => {
    const source = workspace(true);
    const good = (await exportBundle(source.ws, ['ticket-triage@1.0.0', 'ticket-triage@1.1.0'])).data;
    const target = workspace();
    let baseline = counts(target);
    let baselineFile = fileBytes(target);
    const rng = xoroshiro128plus(20261127);
    const expected = (await source.client.versions.list({ agent: 'ticket-triage' }))
      .filter((version) => ['1.0.0', '1.1.0'].includes(version.semver))
      .map((version) => version.hash)
      .sort();
    let refused = 0;
    let accepted = 0;
    for (let round = 0; round < 5000; round += 1) {
      const kind = uniformInt(rng, 0, 2);
      let data: Buffer;
      if (kind === 0) data = good.subarray(0, uniformInt(rng, 0, good.length - 1));
      else {
        data = Buffer.from(good);
        for (let flips = uniformInt(rng, 1, 8); flips > 0; flips -= 1)
          data[uniformInt(rng, 0, data.length - 1)] = uniformInt(rng, 0, 255);
        if (kind === 2) data = Buffer.concat([data.subarray(0, 100), Buffer.from([uniformInt(rng, 0, 255)]), data.subarray(100)]);
      }
      try {
        await importBundle(target.ws, data);
        // A mutation of bytes a reader ignores may pass: then exactly the bundle's versions are there.
        accepted += 1;
        expect((await target.client.versions.list({ agent: 'ticket-triage' })).map((version) => version.hash).sort()).toEqual(
          expected,
        );
        baseline = counts(target);
        baselineFile = fileBytes(target);
      } catch (error) {
        expect(error, `round ${round}`).toBeInstanceOf(SlipwayError);
        expect((error as Error).message.length).toBeGreaterThan(10);
        refused += 1;
        expect(counts(target), `round ${round}`).toBe(baseline);
        if (round % 250 === 0) expect(fileBytes(target), `round ${round}`).toBe(baselineFile);
      }
    }
    expect(refused + accepted).toBe(5000);
    expect(refused).toBeGreaterThan(4900);
    expect(counts(target)).toBe(baseline);
    expect(fileBytes(target)).toBe(baselineFile);
  }, 120_000);

  it('refuses versions that break the rules a snapshot obeys, though every hash matches — the database bytes unchanged after each', async () => {
    const source = workspace(true);
    const good = (await exportBundle(source.ws, ['ticket-triage@1.0.0'])).data;
    const target = workspace();
    const before = fileBytes(target);
    const at = (file: string) => versionEntry('ticket-triage', '1.0.0', file);
    const rename = (from: string, to: string) => (manifest: BundleManifest, files: Map<string, Buffer>) => {
      const version = manifest.versions[0];
      if (!version) throw new Error('no version');
      version.files = version.files.map((file) => (file === from ? to : file));
      // A name no zip may hold (.., absolute) is only listed: the entry it names is then missing too.
      if (!to.includes('..') && !to.startsWith('/')) files.set(at(to), files.get(at(from)) ?? Buffer.alloc(0));
      files.delete(at(from));
    };
    const setFile = (file: string, content: Buffer | string) => (manifest: BundleManifest, files: Map<string, Buffer>) => {
      const version = manifest.versions[0];
      if (version && !version.files.includes(file)) version.files.push(file);
      files.set(at(file), Buffer.from(content));
    };
    const setField = (field: 'message' | 'author' | 'createdAt', value: string) => (manifest: BundleManifest) => {
      const version = manifest.versions[0];
      if (version) version[field] = value;
    };
    const classes: Array<[string, (manifest: BundleManifest, files: Map<string, Buffer>) => void, RegExp]> = [
      ['traversal', rename('prompt.md', '../../x'), /"\.\.\/\.\.\/x" is not an agent file/],
      ['absolute', rename('prompt.md', '/abs'), /"\/abs" is not an agent file/],
      ['nested', rename('prompt.md', 'sub/prompt.md'), /"sub\/prompt\.md" is not an agent file/],
      ['stranger', setFile('evil.sh', '#!/bin/sh\nrm -rf ~\n'), /"evil\.sh" is not an agent file/],
      [
        'no prompt',
        (manifest, files) => {
          const version = manifest.versions[0];
          if (version) version.files = version.files.filter((file) => file !== 'prompt.md');
          files.delete(at('prompt.md'));
        },
        /prompt\.md is missing/,
      ],
      [
        'no files',
        (manifest, files) => {
          const version = manifest.versions[0];
          if (version) version.files = [];
          for (const name of [...files.keys()]) files.delete(name);
        },
        /config\.yaml is missing/,
      ],
      ['broken yaml', setFile('config.yaml', 'provider: [mock\nmodel: "x\n'), /config\.yaml:\d+:\d+: not valid YAML/],
      ['tools not json', setFile('tools.json', '[{"name": '), /tools\.json:\d+:\d+: not valid JSON/],
      [
        'contract range',
        setFile('contract.yaml', 'requires:\n  router:\n    range: soon\n'),
        /contract\.yaml:3:12: .*not a semver range/,
      ],
      [
        'contract schema',
        setFile('contract.yaml', 'offers:\n  output_schema: { type: objekt }\n'),
        /contract\.yaml:2:26: .*not a valid JSON Schema: type must be equal to one of the allowed values/,
      ],
      [
        'contract offers a stranger',
        setFile('contract.yaml', 'offers:\n  tools: [nope]\n'),
        /offers tool "nope", which tools\.json does not define/,
      ],
      ['invalid utf-8', setFile('prompt.md', Buffer.from([0x48, 0x69, 0xff, 0xfe, 0x0a])), /"prompt\.md" is not UTF-8 text/],
      ['crlf', setFile('prompt.md', 'You triage.\r\nBe brief.\r\n'), /"prompt\.md" has CR line endings/],
      ['blank message', setField('message', '   '), /its message: a message saying why is required/],
      [
        'escape in message',
        setField('message', 'fine\u001b[2J\u001b[31mWARNING: key leaked'),
        /its message: a message may not hold control characters/,
      ],
      [
        'author with a newline',
        setField('author', 'Mallory\nAuthor: Alice'),
        /its author: an author may not hold control characters/,
      ],
      ['bad time', setField('createdAt', 'yesterday'), /its time "yesterday" is not an ISO 8601 date and time/],
      ['deep yaml', setFile('examples.yaml', '['.repeat(1_000_000)), /examples\.yaml is nested deeper than 64 levels/],
      [
        'alias bomb',
        setFile(
          'examples.yaml',
          [
            '- &a {role: user, content: x}',
            ...'bcdefghij'.split('').map((name, index) => `- &${name} [${Array(10).fill(`*${'abcdefghij'[index]}`).join(', ')}]`),
          ].join('\n'),
        ),
        /examples\.yaml resolves aliases past the limit of 100/,
      ],
      ['huge prompt', setFile('prompt.md', 'x'.repeat(5_000_001)), /prompt\.md is 5,000,001 characters; the limit is 5,000,000/],
      [
        'listed, not there',
        (_manifest, files) => {
          files.delete(at('user.md'));
        },
        /"user\.md" is listed but the bundle has no entry/,
      ],
      [
        'listed twice',
        (manifest) => {
          manifest.versions[0]?.files.push('user.md');
        },
        /"user\.md" is listed twice/,
      ],
    ];
    for (const [name, edit, reason] of classes) {
      const forged = await forge(good, edit);
      const refusal = await importBundle(target.ws, forged).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refusal, name).toBeInstanceOf(SlipwayError);
      expect((refusal as SlipwayError).code, name).toBe('invalid_files');
      expect((refusal as Error).message, name).toMatch(reason);
      expect((refusal as Error).message.length, name).toBeLessThan(2000);
      expect(fileBytes(target), name).toBe(before);
    }
    // Seeded rounds of one to three classes at once, with random bytes written into a file on top,
    // each bundle valid as an archive (every hash and size recomputed): every round breaks a rule,
    // so every one is refused whole, and the database is never touched.
    const rng = xoroshiro128plus(20261202);
    let refusedForged = 0;
    for (let round = 0; round < 150; round += 1) {
      const picked = Array.from({ length: uniformInt(rng, 1, 3) }, () => classes[uniformInt(rng, 0, classes.length - 1)]);
      const file = ['prompt.md', 'config.yaml', 'tools.json', 'user.md'][uniformInt(rng, 0, 3)] ?? 'prompt.md';
      const forged = await forge(good, (manifest, files) => {
        for (const entry of picked) entry?.[1](manifest, files);
        const content = files.get(at(file));
        if (content && content.length > 0 && uniformInt(rng, 0, 1) === 1) {
          const bytes = Buffer.from(content);
          for (let flips = uniformInt(rng, 1, 4); flips > 0; flips -= 1)
            bytes[uniformInt(rng, 0, bytes.length - 1)] = uniformInt(rng, 0, 255);
          files.set(at(file), bytes);
        }
      });
      const outcome = await importBundle(target.ws, forged).then(
        () => 'imported',
        (error: unknown) => error,
      );
      expect(outcome, `round ${round}`).toBeInstanceOf(SlipwayError);
      expect((outcome as SlipwayError).code, `round ${round}`).toBe('invalid_files');
      refusedForged += 1;
      if (round % 25 === 0) expect(fileBytes(target), `round ${round}`).toBe(before);
    }
    expect(refusedForged).toBe(150);
    expect(fileBytes(target)).toBe(before);
    // The forger itself is sound: with no edit, the bundle imports.
    expect((await importBundle(target.ws, await forge(good, () => undefined))).plan.add).toEqual(['ticket-triage@1.0.0']);
  }, 120_000);

  it('checks the sizes the manifest declares against the entries', async () => {
    const source = workspace(true);
    const good = (await exportBundle(source.ws, ['ticket-triage@1.0.0'])).data;
    const target = workspace();
    const lying = await rezip(good, (name, content) => {
      if (name !== 'manifest.json') return content;
      const manifest = JSON.parse(content.toString()) as BundleManifest;
      for (const entry of manifest.entries) entry.size += 1;
      return Buffer.from(JSON.stringify(manifest));
    });
    await expect(importBundle(target.ws, lying)).rejects.toThrow(/the manifest says \d+ bytes, the entry holds \d+/);
  });
});
