import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliSandbox, type CliSandbox } from '../test-support/cli';
import { startRuntimeProcess, type RuntimeProcess } from '../test-support/runtime-process';
import { TEAM_VERSIONS } from '../test-support/team-agents';

let runtime: RuntimeProcess | null = null;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
  await runtime?.stop();
  runtime = null;
});

/** intake and router with two versions each, snapshotted through the CLI from folders. */
async function teamSandbox(env: Record<string, string> = {}): Promise<CliSandbox> {
  const box = cliSandbox(env);
  cleanups.push(box.cleanup);
  await box.run('init');
  for (const [agent, versions] of Object.entries(TEAM_VERSIONS)) {
    await box.run('agent', 'create', agent);
    for (const version of versions) {
      const folder = join(box.dir, `${agent}-${version.semver}`);
      mkdirSync(folder, { recursive: true });
      for (const [name, content] of Object.entries(version.files)) writeFileSync(join(folder, name), content);
      expect(
        await box.run('snapshot', agent, '--from', folder, '-m', version.message, '--version', version.semver),
      ).toMatchObject({ code: 0 });
    }
  }
  return box;
}

describe('slipway team', () => {
  it('checks dependencies, shows the matrix, refuses to promote a broken team release, promotes and rolls back a whole team on a real runtime', async () => {
    runtime = await startRuntimeProcess();
    const { run } = await teamSandbox({ SLIPWAY_TOKEN_PROD: runtime.tokens.deployer });
    expect(await run('team', 'create', 'support', 'intake', 'router')).toMatchObject({
      code: 0,
      stdout: 'Created team support: intake, router\n',
    });
    const broken = await run('team', 'check', 'support', '--pin', 'router@1.0.0');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('BROKEN router@1.0.0 → intake@1.1.0');
    expect(broken.stdout).toContain(
      'router 1.0.0 requires intake output field `intent` (string); intake 1.1.0 no longer emits it',
    );
    const fine = await run('team', 'check', 'support', '--pin', 'router@1.0.0', '--pin', 'intake@1.0.0');
    expect(fine.code).toBe(0);
    expect(fine.stdout).toContain('not checked: intent: enum');

    const matrix = (await run('team', 'matrix', 'support')).stdout;
    expect(matrix).toMatch(/router ↓ \/ intake →\s+1\.1\.0\s+1\.0\.0/);
    expect(matrix).toMatch(/2\.0\.0\s+ok\s+ok/);
    expect(matrix).toMatch(/1\.0\.0\s+broken\s+ok/);

    expect(
      (await run('team', 'release', 'support', '--pin', 'router@1.0.0', '--pin', 'intake@1.0.0', '-m', 'first together')).stdout,
    ).toMatch(/^support#1 {2}compatible/);
    expect((await run('team', 'release', 'support', '--pin', 'router@1.0.0', '-m', 'intake without intent')).stdout).toMatch(
      /^support#2 {2}BROKEN/,
    );
    expect((await run('team', 'release', 'support', '-m', 'both latest')).stdout).toMatch(/^support#3 {2}compatible/);

    await run('release', 'target', 'add', 'prod', runtime.url);
    const refused = await run('team', 'promote', 'support', '2', '-t', 'prod');
    expect(refused).toMatchObject({
      code: 1,
      stderr:
        'slipway: support#2 cannot be promoted: router 1.0.0 requires intake output field `intent` (string); intake 1.1.0 no longer emits it\n',
    });
    expect(JSON.parse((await run('--json', 'team', 'promote', 'support', '2', '-t', 'prod')).stdout)).toMatchObject({
      error: { code: 'check_failed', message: expect.stringContaining('support#2 cannot be promoted') },
    });
    const first = await run('team', 'promote', 'support', '1', '-t', 'prod');
    expect(first.stdout).toMatch(/team support on prod \(generation 1, support#1\)\n {2}intake +1\.0\.0/);
    const third = await run('--json', 'team', 'promote', 'support', 'support#3', '-t', 'prod');
    expect(JSON.parse(third.stdout)).toMatchObject({
      state: { generation: 2, release: 'support#3', members: { intake: { semver: '1.1.0' }, router: { semver: '2.0.0' } } },
    });
    const back = await run('team', 'rollback', 'support', '-t', 'prod', '--reason', 'router 2.0.0 misroutes refunds');
    expect(back.stdout).toMatch(/generation 3, support#1\)\n {2}intake +1\.0\.0 .*\n {2}router +1\.0\.0/);
    expect((await run('label', 'list', 'router')).stdout).toMatch(/production\s+1\.0\.0/);

    const audit = (await run('--json', 'audit', 'list', '-n', '40')).stdout;
    const actions = (JSON.parse(audit) as Array<{ action: string }>).map((entry) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'team.create',
        'team.release',
        'team.promote.refused',
        'team.promote',
        'team.rollback',
        'runtime.team-released',
        'runtime.team-rolled-back',
      ]),
    );
  }, 60_000);

  it('refuses a team of one and a member named twice, and a dependency on an agent outside the team is a break', async () => {
    const { run, write } = await teamSandbox();
    expect(await run('team', 'create', 't1', 'intake')).toMatchObject({
      code: 2,
      stderr: 'slipway: a team has at least two members: intake alone is released with slipway release, not as a team\n',
    });
    expect(await run('team', 'create', 't3', 'intake', 'intake', 'router')).toMatchObject({
      code: 2,
      stderr: 'slipway: intake is named twice: a team has each member once\n',
    });
    expect((await run('team', 'list')).stdout).not.toContain('t3');

    // notes requires nothing; router 2.0.0 (latest) requires intake, which the team leaves out.
    for (const [name, content] of Object.entries(TEAM_VERSIONS.intake[0].files))
      if (name !== 'contract.yaml') write(`notes/${name}`, content);
    await run('agent', 'create', 'notes');
    expect(await run('snapshot', 'notes', '--from', 'notes', '-m', 'notes')).toMatchObject({ code: 0 });
    expect(await run('team', 'create', 'pair', 'router', 'notes')).toMatchObject({ code: 0 });
    const outside = await run('team', 'check', 'pair');
    expect(outside.code).toBe(1);
    expect(outside.stdout).toContain(
      'router 2.0.0 requires intake, which is not in team pair: add intake to the team (slipway team members pair …), or release a router that does not require it',
    );
    expect((await run('team', 'release', 'pair', '-m', 'without intake')).stdout).toMatch(/^pair#1 {2}BROKEN/);
  });

  it('applies a promote once, run twice or retried after kill -9, and team rollback still returns to the release before', async () => {
    runtime = await startRuntimeProcess();
    const { run } = await teamSandbox({ SLIPWAY_TOKEN_PROD: runtime.tokens.deployer });
    await run('team', 'create', 'support', 'intake', 'router');
    await run('team', 'release', 'support', '--pin', 'router@1.0.0', '--pin', 'intake@1.0.0', '-m', 'first together');
    await run('team', 'release', 'support', '-m', 'both latest');
    await run('release', 'target', 'add', 'prod', runtime.url);
    expect((await run('team', 'promote', 'support', '1', '-t', 'prod')).stdout).toContain('(generation 1, support#1)');
    const again = await run('team', 'promote', 'support', '1', '-t', 'prod');
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toMatch(/^support#1 already serves on prod \(generation 1\): nothing applied\n/);
    expect((await run('team', 'promote', 'support', '2', '-t', 'prod')).stdout).toContain('(generation 2, support#2)');
    await runtime.kill();
    await runtime.restart();
    const retried = JSON.parse((await run('--json', 'team', 'promote', 'support', '2', '-t', 'prod')).stdout) as {
      applied: boolean;
      state: { generation: number; history: unknown[] };
    };
    expect(retried).toMatchObject({ applied: false, state: { generation: 2 } });
    expect(retried.state.history).toHaveLength(1);
    const back = await run('team', 'rollback', 'support', '-t', 'prod', '--reason', 'router 2.0.0 misroutes');
    expect(back.stdout).toMatch(/generation 3, support#1\)/);
    const events = (JSON.parse((await run('--json', 'audit', 'list', '-n', '60')).stdout) as Array<{ action: string }>).filter(
      (entry) => entry.action === 'runtime.team-released',
    );
    // One event a member for each of the two promotes that applied, none for those that did not.
    expect(events).toHaveLength(4);
    // With nothing before it, a rollback is refused, and the refusal is audited.
    const refused = await run('team', 'rollback', 'support', '-t', 'prod', '--reason', 'again');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('no previous team release');
    const audit = JSON.parse((await run('--json', 'audit', 'list', '--action', 'team.rollback.refused')).stdout) as Array<{
      reason: string;
    }>;
    expect(audit[0]?.reason).toContain('again — refused');
  }, 60_000);

  it('refuses a member released alone into a broken team, lets it leave the team release when asked, and says so in team status', async () => {
    runtime = await startRuntimeProcess();
    const { run } = await teamSandbox({ SLIPWAY_TOKEN_PROD: runtime.tokens.deployer });
    await run('team', 'create', 'support', 'intake', 'router');
    await run('team', 'release', 'support', '--pin', 'router@1.0.0', '--pin', 'intake@1.0.0', '-m', 'first together');
    await run('release', 'target', 'add', 'prod', runtime.url);
    await run('team', 'promote', 'support', '1', '-t', 'prod');

    const side = await run('release', 'canary', 'intake@1.1.0', '-t', 'prod', '--weight', '50');
    expect(side.code).toBe(1);
    expect(side.stderr).toContain(
      'intake would break team support (support#1) on prod: router 1.0.0 requires intake output field `intent` (string); intake 1.1.0 no longer emits it',
    );
    expect(side.stderr).toContain('pass --leave-team');
    // A rollback to a version named is a release like any other; a plain rollback is never held back.
    const rollbackTo = await run('release', 'rollback', 'intake', '-t', 'prod', '--reason', 'try it', '--to', 'intake@1.1.0');
    expect(rollbackTo.code).toBe(1);
    expect(rollbackTo.stderr).toContain('intake would break team support (support#1) on prod');
    const json = await run('--json', 'release', 'canary', 'intake@1.1.0', '-t', 'prod', '--weight', '50');
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'check_failed' } });
    expect((await run('--json', 'release', 'status', 'intake', '-t', 'prod')).stdout).toContain('"canary": null');

    expect(await run('release', 'canary', 'intake@1.1.0', '-t', 'prod', '--weight', '50', '--leave-team')).toMatchObject({
      code: 0,
    });
    const status = (await run('team', 'status', 'support', '-t', 'prod')).stdout;
    expect(status).toMatch(/intake +1\.0\.0 +[0-9a-f]{12} +— serves 1\.0\.0, canary 1\.1\.0 at 50%: left the team release/);
    expect(status).toMatch(/router +1\.0\.0 +[0-9a-f]{12}\n?$/);
    const left = JSON.parse((await run('--json', 'audit', 'list', '--action', 'team.left')).stdout) as Array<{ subject: string }>;
    expect(left[0]?.subject).toBe('intake left support#1 on prod');
    // Promoting the team again brings the member back to the team release, with no second history entry for it.
    const back = JSON.parse((await run('--json', 'team', 'promote', 'support', '1', '-t', 'prod')).stdout) as {
      state: { generation: number; release: string; history: unknown[] };
    };
    expect(back.state).toMatchObject({ generation: 2, release: 'support#1', history: [] });
    expect((await run('team', 'status', 'support', '-t', 'prod')).stdout).not.toContain('left the team release');
    expect((await run('team', 'rollback', 'support', '-t', 'prod', '--reason', 'x')).stderr).toContain(
      'no previous team release',
    );
  }, 60_000);

  it('says a promote cut off after the switch may have applied and how to check, audits a runtime it cannot reach, and a retry applies it once', async () => {
    runtime = await startRuntimeProcess();
    const upstream = new URL(runtime.url);
    // A proxy that lets the team release through to the runtime and hangs up before its answer: the switch is made, the CLI never hears.
    const proxy = createServer((request, response) => {
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers: request.headers },
        (answer) => {
          if (request.method === 'POST' && /\/v1\/teams\/[^/]+\/release$/.test(request.url ?? '')) {
            answer.resume();
            answer.on('end', () => response.socket?.destroy());
            return;
          }
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      request.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => proxy.close());
    const port = (proxy.address() as AddressInfo).port;
    const { run } = await teamSandbox({
      SLIPWAY_TOKEN_CUT: runtime.tokens.deployer,
      SLIPWAY_TOKEN_PROD: runtime.tokens.deployer,
      SLIPWAY_TOKEN_DEAD: 'tok-dead-123',
    });
    await run('team', 'create', 'support', 'intake', 'router');
    await run('team', 'release', 'support', '--pin', 'router@1.0.0', '--pin', 'intake@1.0.0', '-m', 'first together');
    await run('release', 'target', 'add', 'cut', `http://127.0.0.1:${port}`);
    await run('release', 'target', 'add', 'prod', runtime.url);
    await run('release', 'target', 'add', 'dead', 'http://127.0.0.1:9');

    const cut = await run('team', 'promote', 'support', '1', '-t', 'cut');
    expect(cut.code).toBe(3);
    expect(cut.stderr).toContain(
      'the switch may have been applied before the runtime stopped answering. See what it serves with slipway team status support -t cut; promoting support#1 again applies it at most once',
    );
    expect((await run('team', 'status', 'support', '-t', 'prod')).stdout).toContain('(generation 1, support#1)');
    expect((await run('team', 'promote', 'support', '1', '-t', 'prod')).stdout).toMatch(
      /^support#1 already serves on prod \(generation 1\)/,
    );

    const dead = await run('team', 'promote', 'support', '1', '-t', 'dead');
    expect(dead.code).toBe(3);
    const refusals = JSON.parse((await run('--json', 'audit', 'list', '--action', 'team.promote.refused')).stdout) as Array<{
      subject: string;
      reason: string;
    }>;
    expect(refusals.map((entry) => entry.subject)).toEqual(['support#1 on dead']);
    expect(refusals[0]?.reason).toContain('cannot reach the runtime');
    // The one cut off after it was sent is not a refusal: it may have been applied, and says so.
    const unconfirmed = JSON.parse(
      (await run('--json', 'audit', 'list', '--action', 'team.promote.unconfirmed')).stdout,
    ) as Array<{
      subject: string;
      reason: string;
    }>;
    expect(unconfirmed).toEqual([
      expect.objectContaining({ subject: 'support#1 on cut', reason: expect.stringContaining('may have been applied') }),
    ]);
  }, 60_000);
});
