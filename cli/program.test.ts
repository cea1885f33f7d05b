import { spawn, spawnSync } from 'node:child_process';
import { terminalText } from './io';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentFiles, tempDir } from '../test-support/workspace';
import { openWorkspace } from '../workspace/workspace';
import { runCli } from './program';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function sandbox() {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const workspace = join(dir, 'ws');
  const env = { SLIPWAY_WORKSPACE: workspace, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config') };
  const run = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env, cwd: dir });
    return { code, stdout, stderr };
  };
  const folder = (name: string, files: Record<string, string>) => {
    const path = join(dir, name);
    mkdirSync(path, { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(join(path, file), content);
    return path;
  };
  return { dir, workspace, env, run, folder };
}

describe('slipway CLI', () => {
  it('init --sample loads two agents with history, labels and an intact audit trail', async () => {
    const { run } = sandbox();
    expect(await run('init', '--sample')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('Loaded sample agents: ticket-triage, refund-approval'),
    });
    const list = await run('--json', 'agent', 'list');
    const agents = JSON.parse(list.stdout) as Array<{
      name: string;
      versionCount: number;
      labels: Array<{ name: string; semver: string }>;
    }>;
    expect(
      agents.map((agent) => [agent.name, agent.versionCount, agent.labels.find((label) => label.name === 'production')?.semver]),
    ).toEqual([
      ['refund-approval', 3, '1.1.0'],
      ['ticket-triage', 3, '1.1.0'],
    ]);
    expect((await run('log', 'ticket-triage')).stdout).toMatch(/1\.1\.1 .*Jonas Berg[\s\S]*1\.1\.0 .*\[production\]/);
    expect(await run('audit', 'verify')).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/Audit chain intact: \d+ rows verified/),
    });
  });

  it('snapshots from a folder and checks a version out byte-exact, so it round-trips through git', async () => {
    const { run, folder, dir } = sandbox();
    await run('agent', 'create', 'triage', '-d', 'sorts tickets');
    const source = folder('src', agentFiles());
    const first = await run('snapshot', 'triage', '--from', source, '-m', 'first');
    expect(first).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Snapshot triage@1\.0\.0 {2}sha256:[0-9a-f]{12} {2}\(first version → 1\.0\.0\)/),
    });
    expect(await run('checkout', 'triage@1.0.0', '--to', 'out')).toMatchObject({ code: 0 });
    const out = join(dir, 'out');
    for (const [name, content] of Object.entries(agentFiles())) expect(readFileSync(join(out, name), 'utf8')).toBe(content);
    expect(await run('snapshot', 'triage', '--from', out, '-m', 'again')).toMatchObject({
      code: 2,
      stderr: 'slipway: nothing to snapshot: no changes since 1.0.0\n',
    });
    writeFileSync(join(out, 'prompt.md'), 'Sort tickets by urgency.\n');
    expect(await run('snapshot', 'triage', '--from', out, '-m', 'urgency')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('triage@1.1.0'),
    });
    expect(await run('checkout', 'triage@1.0.0', '--to', 'out')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('already has different prompt.md: use --force'),
    });
    expect(await run('checkout', 'triage@1.0.0', '--to', 'out', '--force')).toMatchObject({ code: 0 });
    expect(readdirSync(out).sort()).toEqual(Object.keys(agentFiles()).sort());
  });

  it('shows a version and diffs two with a summary by kind', async () => {
    const { run, folder } = sandbox();
    await run('init', '--sample');
    const show = await run('show', 'refund-approval@production');
    expect(show.stdout).toMatch(/^refund-approval@1\.1\.0 {2}\[production\]\nhash {5}sha256:[0-9a-f]{64}\nparent {3}1\.0\.0/);
    const json = JSON.parse((await run('--json', 'show', 'refund-approval@1.0.0')).stdout) as { files: Record<string, string> };
    expect(Object.keys(json.files)).toEqual(['config.yaml', 'prompt.md', 'tools.json', 'user.md']);
    const diff = await run('diff', 'refund-approval@1.1.0', 'refund-approval@2.0.0');
    expect(diff.stdout).toContain('+++ refund-approval@2.0.0/tools.json');
    expect(diff.stdout).toContain('Summary: refund-approval@1.1.0 → refund-approval@2.0.0: tool lookup_order added → major');
    expect(diff.stdout).toMatch(/minor {2}prompt +prompt changed/);
    expect((await run('diff', 'ticket-triage@1.1.0', 'ticket-triage@1.1.0')).stdout).toBe(
      'ticket-triage@1.1.0 and ticket-triage@1.1.0 are identical.\n',
    );
    folder('unused', {});
  });

  it('moves labels with a reason and prints their history', async () => {
    const { run } = sandbox();
    await run('init', '--sample');
    expect(
      await run('label', 'set', 'ticket-triage', 'production', '1.1.1', '--reason', 'staging held for a week'),
    ).toMatchObject({
      code: 0,
      stdout: 'ticket-triage@production: 1.1.0 → 1.1.1\n',
    });
    expect((await run('label', 'history', 'ticket-triage', 'production')).stdout).toMatch(
      /production +1\.1\.0 +→ 1\.1\.1 .*staging held for a week/,
    );
    expect(await run('label', 'set', 'ticket-triage', 'production', '1.1.0')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("required option '-r, --reason <text>'"),
    });
  });

  it('exits 1 naming the first bad row when the audit chain was tampered with', async () => {
    const { run, workspace } = sandbox();
    await run('init', '--sample');
    const ws = openWorkspace(workspace);
    ws.db.exec("DROP TRIGGER audit_append_only_update; UPDATE audit SET actor = 'mallory' WHERE id = 4");
    ws.close();
    expect(await run('audit', 'verify')).toMatchObject({
      code: 1,
      stdout: expect.stringContaining('Audit chain broken at row 4: row 4 was altered'),
    });
    expect(JSON.parse((await run('--json', 'audit', 'verify')).stdout)).toMatchObject({ ok: false, firstBadId: 4 });
  });

  it('answers bad input with exit 2 and one clear line, changing nothing', async () => {
    const { run, folder } = sandbox();
    await run('init', '--sample');
    const before = (await run('--json', 'audit', 'list', '-n', '1000')).stdout;
    const cases: Array<[string[], RegExp]> = [
      [['log', 'nobody'], /^slipway: no agent named "nobody" \(agents: refund-approval, ticket-triage\)\n$/],
      [['show', 'ticket-triage@7.0.0'], /^slipway: agent "ticket-triage" has no version 7\.0\.0 \(latest is 1\.1\.1\)\n$/],
      [['show', 'Ticket@1'], /^slipway: "Ticket@1" is not a ref/],
      [
        [
          'snapshot',
          'ticket-triage',
          '--from',
          folder('bad-yaml', agentFiles({ 'config.yaml': 'provider: [openai\n' })),
          '-m',
          'x',
        ],
        /^slipway: config\.yaml:\d+:\d+: not valid YAML/,
      ],
      [
        ['snapshot', 'ticket-triage', '--from', folder('bad-json', agentFiles({ 'tools.json': '[{]' })), '-m', 'x'],
        /^slipway: tools\.json:1:\d+: not valid JSON/,
      ],
      [
        [
          'snapshot',
          'ticket-triage',
          '--from',
          folder('schema', agentFiles({ 'config.yaml': 'provider: openai-compatible\nmodel: m-1\nseed: 4\n' })),
          '-m',
          'x',
        ],
        /^slipway: config\.yaml:3:1: unknown key "seed"\n$/,
      ],
      [
        ['snapshot', 'ticket-triage', '--from', folder('extra', { ...agentFiles(), 'README.md': '#' }), '-m', 'x'],
        /holds files that are not agent files \(README\.md\): allowed files are/,
      ],
      [
        ['snapshot', 'ticket-triage', '--from', folder('exists', agentFiles()), '-m', 'x', '--version', '1.1.0'],
        /^slipway: version 1\.1\.0 is not higher than the latest version 1\.1\.1\n$/,
      ],
      [['snapshot', 'ticket-triage', '--from', 'missing-folder', '-m', 'x'], /is not a folder/],
      [
        ['snapshot', 'ticket-triage', '--from', folder('bump', agentFiles()), '-m', 'x', '--bump', 'huge'],
        /argument 'huge' is invalid/,
      ],
      [['agent', 'create', 'Bad_Name'], /^slipway: agents\.create: name: agent name must match/],
      [['frobnicate'], /^slipway: unknown command 'frobnicate'/],
    ];
    for (const [argv, stderr] of cases) {
      const result = await run(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr, argv.join(' ')).toMatch(stderr);
      expect(result.stdout, argv.join(' ')).toBe('');
    }
    expect((await run('--json', 'audit', 'list', '-n', '1000')).stdout).toBe(before);
  });

  it('prints errors as JSON on stdout too with --json', async () => {
    const { run } = sandbox();
    await run('init');
    const result = await run('--json', 'show', 'ghost@1.0.0');
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { code: 'not_found', message: 'no agent named "ghost" (the workspace has no agents yet)' },
    });
  });

  it('says which version was suggested when the user chooses another', async () => {
    const { run, folder } = sandbox();
    await run('agent', 'create', 'triage');
    await run('snapshot', 'triage', '--from', folder('a', agentFiles()), '-m', 'first');
    const chosen = await run(
      'snapshot',
      'triage',
      '--from',
      folder('b', agentFiles({ 'prompt.md': 'New.\n' })),
      '-m',
      'big',
      '--bump',
      'major',
    );
    expect(chosen.stdout).toMatch(/^Snapshot triage@2\.0\.0 .*\(suggested 1\.1\.0: prompt changed → minor\)\n$/);
  });

  it('uses --workspace over SLIPWAY_WORKSPACE', async () => {
    const { run, dir } = sandbox();
    expect(await run('--workspace', 'elsewhere', 'init')).toMatchObject({
      code: 0,
      stdout: `Workspace created at ${join(dir, 'elsewhere')}\n`,
    });
    expect(readdirSync(join(dir, 'elsewhere'))).toEqual(expect.arrayContaining(['backups', 'slipway.db']));
  });

  it('runs as the installed `slipway` binary with real exit codes', () => {
    const { env } = sandbox();
    const bin = join(import.meta.dirname, '..', 'bin', 'slipway.js');
    const run = (...argv: string[]) =>
      spawnSync(process.execPath, [bin, ...argv], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(run('init', '--sample').status).toBe(0);
    const log = run('--json', 'log', 'refund-approval');
    expect(log.status).toBe(0);
    expect((JSON.parse(log.stdout) as Array<{ semver: string }>).map((version) => version.semver)).toEqual([
      '2.0.0',
      '1.1.0',
      '1.0.0',
    ]);
    const missing = run('log', 'ghost');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('slipway: no agent named "ghost" (agents: refund-approval, ticket-triage)\n');
    expect(run('--help').stdout).toContain('Usage: slipway [options] [command]');
  });

  it('ends quietly when its reader stops early (`slipway log … | head`), with no EPIPE stack trace', async () => {
    const { env } = sandbox();
    const bin = join(import.meta.dirname, '..', 'bin', 'slipway.js');
    expect(spawnSync(process.execPath, [bin, 'init', '--sample'], { env: { ...process.env, ...env } }).status).toBe(0);
    const child = spawn(process.execPath, [bin, 'audit', 'list', '-n', '5000'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader goes away before the command has written a byte.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('writes control characters from stored text out, so a version message cannot clear the screen or forge a line', async () => {
    const { run, dir } = sandbox();
    await run('init', '--sample');
    const folder = join(dir, 'agent');
    expect((await run('checkout', 'ticket-triage@1.0.0', '--to', folder)).code).toBe(0);
    const forged = 'fix\u001b[2J\u001b[1;31mWARNING: the production key leaked\rok';
    const snapshot = await run('snapshot', 'ticket-triage', '--from', folder, '-m', forged, '--version', '9.0.0');
    expect(snapshot).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('a message may not hold control characters') as unknown as string,
    });
    expect(await run('config', 'author', 'Eve\u001b[2J')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('an author may not hold control characters') as unknown as string,
    });
    // A model's answer is stored as it came and written out when printed (a failing case quotes it).
    writeFileSync(
      join(folder, 'config.yaml'),
      'provider: mock\nmodel: m\nmock:\n  rules:\n    - reply: "fix\\e[2J\\e[1;31mWARNING: the production key leaked\\rok\\x9b\\x7f"\n',
    );
    writeFileSync(join(folder, 'user.md'), 'Ticket\n');
    expect(
      (await run('snapshot', 'ticket-triage', '--from', folder, '-m', 'an answer with escapes', '--version', '9.0.0')).code,
    ).toBe(0);
    writeFileSync(join(dir, 'escape.yaml'), 'name: escape\ncases:\n  - id: c1\n    assert: [{type: contains, value: billing}]\n');
    expect((await run('suite', 'import', join(dir, 'escape.yaml'), '--agent', 'ticket-triage')).code).toBe(0);
    const tested = await run('test', 'ticket-triage@9.0.0', '--suite', 'escape');
    expect(tested.code).toBe(1);
    const printed = tested.stdout + tested.stderr + (await run('runs', 'show', '1')).stdout;
    expect(printed).not.toContain('\u001b');
    expect(printed).not.toContain('\r');
    expect(printed).toContain('fix\\u001b[2J\\u001b[1;31mWARNING');
    // --json stays JSON whatever the text holds (DEL and C1 characters, which JSON.stringify leaves as they are).
    const shown = await run('--json', 'runs', 'show', '1');
    expect(() => JSON.parse(shown.stdout) as unknown).not.toThrow();
    const awkward = { text: 'a\u009b\u007f\u001b\u202eb' };
    expect(JSON.parse(terminalText(JSON.stringify(awkward)))).toEqual(awkward);
    const unknown = await run('log', 'ghost\u001b[2Jx');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).not.toContain('\u001b');
  });
});
