import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { mockAgent, runtimeApi } from './test-support/runtime-process';
const dir = mkdtempSync(join(tmpdir(), 'prof-'));
const bin = join(process.cwd(), 'bin', 'slipway-runtime.js');
const tok = (role: string) =>
  execFileSync(process.execPath, [bin, 'token', 'create', '--data', dir, '--role', role], { encoding: 'utf8' }).trim();
const deployerToken = tok('deployer');
const invoker = tok('invoker');
const child = spawn(
  process.execPath,
  [
    ...(process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
    bin,
    'serve',
    '--data',
    dir,
    '--port',
    '0',
    '--evaluation-interval-ms',
    '60000',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise<string>((resolve) =>
  child.stdout.on('data', (d: Buffer) => {
    const m = /listening on (\S+)/.exec(String(d));
    if (m) resolve(m[1]!);
  }),
);
const stable = mockAgent('stable answer');
const deployer = runtimeApi(url, deployerToken);
await deployer('PUT', `/v1/agents/triage/versions/${stable.hash}`, { semver: '1.0.0', files: stable.files });
const st = (await deployer<{ generation: number }>('GET', '/v1/agents/triage/release')).body;
const dep = await deployer('POST', '/v1/agents/triage/commands', {
  idempotencyKey: 'profile-deploy-1',
  expectedGeneration: st.generation,
  action: { type: 'deploy', version: stable.hash },
});
console.log('deploy', dep.status, JSON.stringify(dep.body).slice(0, 300));
const result = await new Promise<autocannon.Result>((resolve, reject) =>
  autocannon(
    {
      url: `${url}/v1/agents/triage/invoke`,
      method: 'POST',
      connections: 16,
      duration: 6,
      headers: { authorization: `Bearer ${invoker}`, 'content-type': 'application/json' },
      body: JSON.stringify({ vars: { question: 'hello' } }),
    },
    (e, r) => (e ? reject(e) : resolve(r)),
  ),
);
console.log('req/s', result.requests.average, 'non2xx', result.non2xx);
child.kill('SIGINT');
await new Promise((r) => child.on('exit', r));
