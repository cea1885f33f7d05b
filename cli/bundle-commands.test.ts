import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliSandbox, type CliSandbox } from '../test-support/cli';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function sandbox(): CliSandbox {
  const made = cliSandbox();
  cleanups.push(made.cleanup);
  return made;
}

describe('slipway bundle and slipway keys', () => {
  it('exports signed versions with their evidence, verifies, inspects and imports them into another workspace, once', async () => {
    const from = sandbox();
    await from.run('init', '--sample');
    expect(await from.run('test', 'ticket-triage@production', '--suite', 'triage-basics')).toMatchObject({ code: 0 });
    await from.run('dataset', 'from-suite', 'ticket-triage', 'triage-basics');
    expect((await from.run('compare', 'ticket-triage@1.1.0', 'ticket-triage@1.1.1', '--dataset', 'triage-basics')).code).toBe(0);
    const generated = await from.run('--json', 'keys', 'generate');
    const { publicKey, fingerprint, path } = JSON.parse(generated.stdout) as {
      publicKey: string;
      fingerprint: string;
      path: string;
    };
    expect(path.startsWith(from.dir)).toBe(true);
    expect(statSync(path).mode & 0o077).toBe(0);
    expect(await from.run('keys', 'generate')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('a signing key already exists') as unknown as string,
    });

    const exported = await from.run(
      'bundle',
      'export',
      'ticket-triage@1.1.0',
      'ticket-triage@1.1.1',
      '--evidence',
      '--sign',
      '-o',
      'triage.slipway',
    );
    expect(exported).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^wrote triage\.slipway \(\d+ bytes, signed\)\n$/) as unknown as string,
    });
    const file = join(from.dir, 'triage.slipway');
    expect(await from.run('bundle', 'export', 'ticket-triage@1.1.0', '-o', 'triage.slipway')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('triage.slipway exists') as unknown as string,
    });
    expect((await from.run('audit', 'list', '-n', '3')).stdout).toMatch(
      /bundle\.export +ticket-triage@1\.0\.0, ticket-triage@1\.1\.0, ticket-triage@1\.1\.1/,
    );

    const to = sandbox();
    writeFileSync(join(to.dir, 'triage.slipway'), readFileSync(file));
    await to.run('init');
    const untrusted = await to.run('bundle', 'verify', 'triage.slipway');
    expect(untrusted).toMatchObject({ code: 1, stdout: `every hash matches; signed by ${fingerprint}, not trusted here\n` });
    const inspected = await to.run('bundle', 'inspect', 'triage.slipway');
    expect(inspected.stdout).toContain(`signed by key ${fingerprint} (NOT trusted here)`);
    expect(inspected.stdout).toContain('new here: ticket-triage@1.0.0, ticket-triage@1.1.0, ticket-triage@1.1.1');
    expect(inspected.stdout).toMatch(/evidence: 3 new, 0 already here/);
    expect(inspected.stdout).not.toContain('conflict');
    expect((await to.run('agent', 'list')).stdout).not.toContain('ticket-triage');
    expect(await to.run('bundle', 'import', 'triage.slipway', '--require-trusted')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('a key this workspace does not trust') as unknown as string,
    });

    expect(await to.run('keys', 'trust', 'release-bot', publicKey)).toMatchObject({
      code: 0,
      stdout: `trusted release-bot (${fingerprint})\n`,
    });
    expect((await to.run('keys', 'list')).stdout).toContain(fingerprint);
    expect(await to.run('bundle', 'verify', 'triage.slipway')).toMatchObject({ code: 0 });
    expect(await to.run('bundle', 'import', 'triage.slipway', '--require-trusted')).toMatchObject({
      code: 0,
      stdout: 'imported ticket-triage@1.0.0, ticket-triage@1.1.0, ticket-triage@1.1.1\n',
    });
    expect(await to.run('bundle', 'import', 'triage.slipway')).toMatchObject({
      code: 0,
      stdout: 'nothing to import: ticket-triage@1.0.0, ticket-triage@1.1.0, ticket-triage@1.1.1 are already here\n',
    });

    const log = (await to.run('log', 'ticket-triage')).stdout;
    expect(log).toContain('1.1.1');
    expect((await to.run('--json', 'label', 'list', 'ticket-triage')).stdout).toContain('"production"');
    expect((await to.run('suite', 'list', 'ticket-triage')).stdout).toContain('triage-basics');
    const fromHashes = JSON.parse((await from.run('--json', 'log', 'ticket-triage')).stdout) as Array<{
      semver: string;
      hash: string;
      parent: string | null;
    }>;
    const toHashes = JSON.parse((await to.run('--json', 'log', 'ticket-triage')).stdout) as Array<{
      semver: string;
      hash: string;
      parent: string | null;
    }>;
    expect(toHashes.map((version) => [version.semver, version.hash, version.parent])).toEqual(
      fromHashes.map((version) => [version.semver, version.hash, version.parent]),
    );
  }, 60_000);

  it("exports an agent's whole history as a folder that reviews well, and imports the folder", async () => {
    const from = sandbox();
    await from.run('init', '--sample');
    expect(await from.run('bundle', 'export', 'ticket-triage', '--history', '--folder', 'review')).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^wrote \d+ files to review\n$/) as unknown as string,
    });
    expect(readdirSync(join(from.dir, 'review', 'versions', 'ticket-triage')).sort()).toEqual(['1.0.0', '1.1.0', '1.1.1']);
    expect(readFileSync(join(from.dir, 'review', 'versions', 'ticket-triage', '1.1.0', 'prompt.md'), 'utf8')).toContain(
      'triage desk',
    );
    expect(readdirSync(join(from.dir, 'review', 'versions', 'ticket-triage', '1.1.0')).sort()).toEqual([
      'config.yaml',
      'examples.yaml',
      'prompt.md',
      'tools.json',
      'user.md',
    ]);
    expect(JSON.parse(readFileSync(join(from.dir, 'review', 'manifest.json'), 'utf8'))).toMatchObject({
      format: 'slipway-bundle',
      version: 1,
    });
    expect(await from.run('bundle', 'export', 'ticket-triage', '--history', '--folder', 'review')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('is not empty') as unknown as string,
    });

    const to = sandbox();
    await to.run('init');
    const imported = await to.run('bundle', 'import', join(from.dir, 'review'));
    expect(imported.code).toBe(0);
    const [line, warning] = imported.stdout.trimEnd().split('\n');
    expect(line).toBe('imported ticket-triage@1.0.0, ticket-triage@1.1.0, ticket-triage@1.1.1');
    const sha = /slipway bundle trust ([0-9a-f]{64}) -m WHY/.exec(warning ?? '')?.[1] ?? '';
    expect(warning).toMatch(/^the bundle is not signed by a trusted key: what it brought will not run a program/);
    expect((await to.run('bundle', 'origins')).stdout).toMatch(
      new RegExp(`^${sha}  not trusted  from .*, unsigned\n  ticket-triage@1.0.0, ticket-triage@1.1.0, ticket-triage@1.1.1\n$`),
    );
    expect(await to.run('bundle', 'trust', sha)).toMatchObject({ code: 2 });
    expect((await to.run('bundle', 'trust', sha, '-m', 'our own export, reviewed')).stdout).toMatch(/^trusted the bundle of /);
    expect((await to.run('bundle', 'origins')).stdout).toMatch(/ {2}trusted \(trusted on /);

    writeFileSync(join(from.dir, 'review', 'versions', 'ticket-triage', '1.1.0', 'prompt.md'), 'Edited after the export.\n');
    const other = sandbox();
    await other.run('init');
    expect(await other.run('bundle', 'import', join(from.dir, 'review'))).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        'versions/ticket-triage/1.1.0/prompt.md: its sha256 does not match the manifest',
      ) as unknown as string,
    });
    expect((await other.run('agent', 'list')).stdout).not.toContain('ticket-triage');
  });

  it('refuses what is not a bundle, and a key that is not one, with exit 2', async () => {
    const box = sandbox();
    await box.run('init');
    box.write('notes.slipway', 'just text');
    expect(await box.run('bundle', 'import', 'notes.slipway')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('not a bundle') as unknown as string,
    });
    expect(await box.run('keys', 'trust', 'someone', 'bm90IGEga2V5')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('not an ed25519 public key') as unknown as string,
    });
    expect(await box.run('bundle', 'export', 'nobody@1.0.0', '-o', 'x.slipway')).toMatchObject({
      code: expect.any(Number) as unknown as number,
    });
  });
});
