import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRuntimeProcess, type RuntimeProcess } from '../test-support/runtime-process';
import { cliSandbox } from '../test-support/cli';
import { runCli } from './program';

let runtime: RuntimeProcess | null = null;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  await runtime?.stop();
  runtime = null;
  cleanups.splice(0).forEach((cleanup) => cleanup());
});

describe('slipway release', () => {
  it('drives a real runtime through a saved target: deploy, a gated canary, step, promote, rollback — every command audited', async () => {
    runtime = await startRuntimeProcess();
    const { dir, env, run, cleanup } = cliSandbox({ SLIPWAY_TOKEN_LOCAL: runtime.tokens.admin });
    cleanups.push(cleanup);
    await run('init', '--sample');
    expect((await run('release', 'target', 'add', 'local', runtime.url)).stdout).toContain(
      'its token comes from SLIPWAY_TOKEN_LOCAL',
    );
    // No run of the sample's suite on 1.0.0 yet: the deploy goes ahead, with a word.
    expect(await run('release', 'deploy', 'ticket-triage@1.0.0', '--target', 'local')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('stable  1.0.0') as unknown as string,
      stderr: 'warning: 1.0.0 has no passing latest run of triage-basics: releasing it goes without that evidence\n',
    });

    writeFileSync(
      join(dir, 'plan.yaml'),
      'gate:\n  suites: [triage-basics]\nsteps:\n  - { weight: 5, holdMs: 60000 }\n  - { weight: 100, holdMs: 60000 }\n',
    );
    expect((await run('test', 'ticket-triage@1.1.0', '--suite', 'triage-basics')).code).toBe(0);
    expect((await run('test', 'ticket-triage@1.1.1', '--suite', 'triage-basics')).code).toBe(1);
    expect(
      (await run('release', 'plan', 'ticket-triage', '--target', 'local', '--file', 'plan.yaml', '--for', '1.1.1')).code,
    ).toBe(0);
    const refused = await run('release', 'canary', 'ticket-triage@staging', '--target', 'local', '--weight', '5');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('warning: 1.1.1 has no passing latest run of triage-basics: the runtime’s gate refuses');
    expect(refused.stderr).toContain(
      "the eval gate refuses 1.1.1: suite triage-basics has no passing attestation for this version's hash",
    );
    expect(
      (await run('release', 'plan', 'ticket-triage', '--target', 'local', '--file', 'plan.yaml', '--for', '1.1.0')).code,
    ).toBe(0);
    const pushed = (await (
      await fetch(`${runtime.url}/v1/agents/ticket-triage/plan`, {
        headers: { authorization: `Bearer ${runtime.tokens.viewer}` },
      })
    ).json()) as { plan: { assertions: unknown[]; gate: { attestations: Array<{ suite: string; passed: boolean }> } } };
    expect(pushed.plan.assertions).toEqual([{ type: 'is-json' }]);
    expect(pushed.plan.gate.attestations).toMatchObject([{ suite: 'triage-basics', passed: true }]);
    // The deploy moved the target's label (production) to what the runtime serves, as the app does.
    expect((await run('label', 'list', 'ticket-triage')).stdout).toMatch(/production +1\.0\.0/);
    const gated = await run('release', 'canary', 'ticket-triage@1.1.0', '--target', 'local', '--weight', '5');
    expect(gated.stdout).toContain('canary  1.1.0');
    expect(gated.stderr).toBe('');
    expect((await run('release', 'step', 'ticket-triage', '--target', 'local', '--weight', '50')).stdout).toMatch(
      /canary {2}1\.1\.0 {2}[0-9a-f]{12} {2}50%/,
    );
    expect((await run('release', 'promote', 'ticket-triage', '--target', 'local')).stdout).toContain('stable  1.1.0');
    expect((await run('release', 'rollback', 'ticket-triage', '--target', 'local', '--reason', 'p95 doubled')).stdout).toContain(
      'stable  1.0.0',
    );
    expect(await run('release', 'status', 'ticket-triage', '--target', runtime.url)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('set SLIPWAY_RUNTIME_TOKEN') as unknown as string,
    });
    let printed = '';
    const withToken = await runCli(['--json', 'release', 'status', 'ticket-triage', '--target', runtime.url], {
      stdout: (text) => (printed += text),
      stderr: () => undefined,
      env: { ...env, SLIPWAY_RUNTIME_TOKEN: runtime.tokens.viewer },
      cwd: dir,
    });
    expect(withToken).toBe(0);
    expect(JSON.parse(printed)).toMatchObject({
      agent: 'ticket-triage',
      stable: { semver: '1.0.0' },
      canary: null,
      generation: 5,
    });
    const audit = (
      JSON.parse((await run('--json', 'audit', 'list', '-n', '200')).stdout) as Array<{
        action: string;
        after: Record<string, unknown>;
      }>
    ).filter((entry) => entry.action.startsWith('release.'));
    expect(audit.map((entry) => entry.action).reverse()).toEqual([
      'release.target',
      'release.deploy',
      'release.plan',
      'release.canary',
      'release.canary',
      'release.step',
      'release.promote',
      'release.rollback',
    ]);
    expect(audit.find((entry) => entry.action === 'release.canary' && 'refused' in entry.after)?.after).toMatchObject({
      status: 409,
    });
  });
});
