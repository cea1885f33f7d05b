import { spawn } from 'node:child_process';
import type { CodeRunner } from '../engine/code';
import { nodeCodeRunner } from './code-runner';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { envSecrets } from '../engine/secrets';
import { MAX_PROGRAM_STDOUT, type Platform, type SecretStore, type SpawnLike } from '../engine/types';
import { pooledFetch } from './pooled-fetch';

const MAX_PROGRAM_STDERR = 64 * 1024;

/** The environment a program gets: this process's with no key of its own, and the keys given (from the secret store, wherever it keeps them). */
function programEnvironment(keys: Readonly<Record<string, string>>): Record<string, string | undefined> {
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLIPWAY_KEY_'))),
    ...Object.fromEntries(Object.entries(keys).map(([name, value]) => [`SLIPWAY_KEY_${name}`, value])),
  };
}

/**
 * Starts a program in a process group of its own, writes the request to its stdin, and collects
 * stdout as UTF-8 decoded across chunks (a character split between two reads stays whole). At the
 * timeout, on abort, or past MAX_PROGRAM_STDOUT the whole group is killed — a grandchild holding
 * the pipes open included — and the answer does not wait for it. Its environment holds only the
 * keys named (`keys`), unless `env` says it all.
 */
export const nodeSpawn: SpawnLike = (command, input, { timeoutMs, signal, env, keys = {} }) =>
  new Promise((resolve, reject) => {
    const [program, ...args] = command;
    if (!program) {
      reject(new Error('the command is empty'));
      return;
    }
    const group = process.platform !== 'win32';
    const child = spawn(program, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: env ?? programEnvironment(keys),
      detached: group,
    });
    const out = new StringDecoder('utf8');
    const err = new StringDecoder('utf8');
    let stdout = '';
    let stdoutBytes = 0;
    let stderr = '';
    let ended = false;
    const kill = () => {
      try {
        if (group && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const finish = (result: Awaited<ReturnType<SpawnLike>>) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve(result);
    };
    const stop = (why: { timedOut?: boolean; tooLarge?: boolean }) => {
      kill();
      finish({ code: null, stdout, stderr, timedOut: why.timedOut ?? false, ...(why.tooLarge ? { tooLarge: true } : {}) });
    };
    const timer = setTimeout(() => stop({ timedOut: true }), timeoutMs);
    const onAbort = () => stop({});
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_PROGRAM_STDOUT) return stop({ tooLarge: true });
      stdout += out.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_PROGRAM_STDERR) stderr += err.write(chunk);
    });
    child.on('error', (error) =>
      finish({ code: 127, stdout, stderr: `cannot start ${program}: ${error.message}`, timedOut: false }),
    );
    child.on('close', (code) => {
      // The group goes with its leader: nothing it started outlives the call.
      kill();
      finish({ code, stdout: stdout + out.end(), stderr: (stderr + err.end()).slice(0, MAX_PROGRAM_STDERR), timedOut: false });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** One set of code workers per process: they start on the first javascript or python assertion. */
let codeRunner: CodeRunner | null = null;

/** The engine's platform in a Node process: pooled HTTP, real programs, code workers, secrets from the given store. */
export function nodePlatform(secrets: SecretStore = envSecrets(process.env)): Platform {
  codeRunner ??= nodeCodeRunner();
  return { fetch: pooledFetch(), secrets, spawn: nodeSpawn, code: codeRunner, now: () => performance.now(), sleep };
}
