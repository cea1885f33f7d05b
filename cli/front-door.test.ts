import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { cliSandbox, type CliSandbox } from '../test-support/cli';
import { startRuntimeProcess, type RuntimeProcess } from '../test-support/runtime-process';
import { cliProgram, runCli } from './program';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function sandbox(env: Record<string, string> = {}): CliSandbox {
  const made = cliSandbox(env);
  cleanups.push(made.cleanup);
  return made;
}

async function runtime(): Promise<RuntimeProcess> {
  const started = await startRuntimeProcess();
  cleanups.push(() => started.stop());
  return started;
}

/** Every command of the program, walked from the root, with the short flags of its own options. */
function commandTree(): Array<{ path: string; shorts: string[] }> {
  const { program } = cliProgram({ stdout: () => undefined, stderr: () => undefined, env: {}, cwd: '/' });
  const found: Array<{ path: string; shorts: string[] }> = [];
  const walk = (command: Command, path: string) => {
    found.push({ path, shorts: command.options.flatMap((option: Option) => (option.short ? [option.short] : [])) });
    for (const sub of command.commands) walk(sub, `${path} ${sub.name()}`.trim());
  };
  walk(program, '');
  return found;
}

describe('the CLI as a client of the contract', () => {
  it('has no command whose own short flag shadows a global one (-w is always --workspace)', async () => {
    const tree = commandTree();
    const globals = tree.find((entry) => entry.path === '')?.shorts ?? [];
    expect(globals).toEqual(['-w']);
    expect(tree.length).toBeGreaterThan(60);
    const shadowing = tree
      .filter((entry) => entry.path !== '')
      .flatMap((entry) => entry.shorts.filter((short) => globals.includes(short)).map((short) => `${entry.path} ${short}`));
    expect(shadowing).toEqual([]);
  });

  it('writes nothing for bundle inspect, bundle verify and test --from: no workspace folder appears', async () => {
    const maker = sandbox();
    await maker.run('init', '--sample');
    expect((await maker.run('bundle', 'export', 'ticket-triage@1.1.0', '-o', 'triage.slipway')).code).toBe(0);
    expect((await maker.run('checkout', 'ticket-triage@1.1.0', '--to', 'triage')).code).toBe(0);
    expect((await maker.run('suite', 'export', 'ticket-triage', 'triage-basics', '--to', 'triage.yaml')).code).toBe(0);

    const reader = sandbox();
    const workspace = reader.env.SLIPWAY_WORKSPACE ?? '';
    const bundle = join(maker.dir, 'triage.slipway');
    const inspected = await reader.run('bundle', 'inspect', bundle);
    expect(inspected).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('new here: ticket-triage@1.0.0, ticket-triage@1.1.0'),
    });
    expect(await reader.run('bundle', 'verify', bundle)).toMatchObject({
      code: 1,
      stdout: expect.stringContaining('not signed'),
    });
    const tested = await reader.run('test', '--from', join(maker.dir, 'triage'), '--suite', join(maker.dir, 'triage.yaml'));
    expect(tested).toMatchObject({ code: 0, stdout: expect.stringContaining('3/3 passed') });
    expect((await reader.run('agent', 'list')).code).toBe(0);
    expect(existsSync(workspace)).toBe(false);
    expect(readdirSync(reader.dir)).toEqual([]);
    // The first command that changes something makes the workspace.
    expect((await reader.run('bundle', 'import', bundle)).code).toBe(0);
    expect(existsSync(join(workspace, 'slipway.db'))).toBe(true);
  });

  it('moves the target label with every promotion and rollback, and pulls the runtime’s own events into the audit', async () => {
    const served = await runtime();
    const { run } = sandbox({ SLIPWAY_TOKEN_PROD: served.tokens.admin });
    await run('init', '--sample');
    await run('release', 'target', 'add', 'prod', served.url);
    const label = async () =>
      (
        JSON.parse((await run('--json', 'label', 'list', 'ticket-triage')).stdout) as Array<{ name: string; semver: string }>
      ).find((entry) => entry.name === 'production')?.semver;
    expect((await run('release', 'deploy', 'ticket-triage@1.0.0', '-t', 'prod')).code).toBe(0);
    expect(await label()).toBe('1.0.0');
    expect((await run('release', 'canary', 'ticket-triage@1.1.1', '-t', 'prod', '--weight', '25')).code).toBe(0);
    expect(await label()).toBe('1.0.0');
    expect((await run('release', 'promote', 'ticket-triage', '-t', 'prod')).code).toBe(0);
    expect(await label()).toBe('1.1.1');
    expect((await run('release', 'rollback', 'ticket-triage', '-t', 'prod', '--reason', 'p95 doubled')).code).toBe(0);
    expect(await label()).toBe('1.0.0');
    expect(
      (await run('release', 'rollback', 'ticket-triage', '-t', 'prod', '--reason', 'back to 1.1.0', '--to', '1.1.0')).code,
    ).toBe(0);
    expect(await label()).toBe('1.1.0');

    // Someone else (another laptop, a pipeline) drives the runtime: the next look brings its events in.
    const state = (await (
      await fetch(`${served.url}/v1/agents/ticket-triage/release`, {
        headers: { authorization: `Bearer ${served.tokens.admin}` },
      })
    ).json()) as { generation: number };
    const elsewhere = await fetch(`${served.url}/v1/agents/ticket-triage/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${served.tokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        idempotencyKey: 'from-elsewhere',
        expectedGeneration: state.generation,
        action: { type: 'rollback', reason: 'paged at night' },
        actor: 'pager',
      }),
    });
    expect(elsewhere.status).toBe(200);
    expect((await run('release', 'status', 'ticket-triage', '-t', 'prod')).code).toBe(0);
    const audit = JSON.parse((await run('--json', 'audit', 'list', '-n', '500')).stdout) as Array<{
      action: string;
      actor: string;
      reason: string;
    }>;
    expect(audit.find((entry) => entry.actor === 'runtime:prod' && entry.reason === 'paged at night')).toMatchObject({
      action: 'runtime.rolled-back',
    });
    const runtimeArea = JSON.parse((await run('--json', 'audit', 'list', '--area', 'runtime', '-n', '500')).stdout) as Array<{
      action: string;
    }>;
    expect(runtimeArea.length).toBeGreaterThan(0);
    expect(runtimeArea.every((entry) => entry.action.startsWith('runtime.'))).toBe(true);
    const badArea = await run('audit', 'list', '--area', 'everything');
    expect(badArea.code).toBe(2);
    expect(badArea.stderr).toMatch(/area/);
  });

  it('exits 3 when the runtime cannot be reached, printing the last known state; 2 without a token', async () => {
    const served = await runtime();
    const { run } = sandbox({ SLIPWAY_TOKEN_PROD: served.tokens.admin });
    await run('init', '--sample');
    await run('release', 'target', 'add', 'prod', served.url);
    await run('release', 'target', 'add', 'nokey', served.url);
    expect((await run('release', 'deploy', 'ticket-triage@1.0.0', '-t', 'prod')).code).toBe(0);
    await served.kill();
    const status = await run('release', 'status', 'ticket-triage', '-t', 'prod');
    expect(status.code).toBe(3);
    expect(status.stderr).toMatch(/^slipway: cannot reach the runtime at http:\/\/127\.0\.0\.1:\d+/m);
    expect(status.stderr).toContain('last known state');
    expect(status.stderr).toContain('stable  1.0.0');
    expect(await run('release', 'promote', 'ticket-triage', '-t', 'prod')).toMatchObject({
      code: 3,
      stderr: expect.stringMatching(/^slipway: cannot reach the runtime/),
    });
    expect(await run('release', 'status', 'ticket-triage', '-t', 'nokey')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('set SLIPWAY_TOKEN_NOKEY'),
    });
  });

  it('answers an unexpected failure with exit 4, one line, and the file its details went to', async () => {
    const { env, dir } = sandbox();
    let stderr = '';
    const code = await runCli(['init'], {
      stdout: () => {
        throw new TypeError('the terminal went away');
      },
      stderr: (text) => (stderr += text),
      env,
      cwd: dir,
    });
    expect(code).toBe(4);
    const match = /^slipway: unexpected failure: the terminal went away \(details in (.+)\)\n$/.exec(stderr);
    expect(match).not.toBeNull();
    const details = readFileSync(match?.[1] ?? '', 'utf8');
    expect(details).toContain('slipway init');
    expect(details).toContain('TypeError: the terminal went away');
  });
});
