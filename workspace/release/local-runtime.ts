import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../shared/node/package-root';
import { SlipwayError } from '../../shared/errors';

const run = promisify(execFile);

export interface StartedRuntime {
  url: string;
  adminToken: string;
  invokerToken: string;
  stop: () => Promise<void>;
}

/**
 * A reference runtime on 127.0.0.1 for trying releases offline: `slipway-runtime serve` as a
 * child process, its data in `dir`, with an admin and an invoker token made for it.
 */
export async function startLocalRuntime(dir: string, options: { evaluationIntervalMs?: number } = {}): Promise<StartedRuntime> {
  const bin = join(packageRoot(), 'bin', 'slipway-runtime.js');
  const token = async (role: string) =>
    (
      await run(process.execPath, [bin, 'token', 'create', '--data', dir, '--role', role, '--name', `Slipway app (${role})`])
    ).stdout.trim();
  const [adminToken, invokerToken] = [await token('admin'), await token('invoker')];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      bin,
      'serve',
      '--data',
      dir,
      '--port',
      '0',
      '--evaluation-interval-ms',
      String(options.evaluationIntervalMs ?? 1000),
      // A runtime for this machine's own versions: they may call any host, local ones too, with this machine's keys.
      '--allow-host',
      '*',
      '--allow-private-network',
      ...Object.keys(process.env)
        .filter((name) => name.startsWith('SLIPWAY_KEY_'))
        .flatMap((name) => ['--bind-key', `${name.slice('SLIPWAY_KEY_'.length)}=*`]),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) =>
      reject(
        new SlipwayError(
          'internal',
          `the local runtime stopped at start (exit ${code}): ${output.trim().split('\n').pop() ?? ''}`,
        ),
      ),
    );
  });
  return {
    url,
    adminToken,
    invokerToken,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
