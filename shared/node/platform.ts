import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { envSecrets } from '../engine/secrets';
import type { Platform, SecretStore, SpawnLike } from '../engine/types';
import { pooledFetch } from './pooled-fetch';

/** Starts a program, writes the request to its stdin, and collects stdout; kills it at the timeout or on abort. */
export const nodeSpawn: SpawnLike = (command, input, { timeoutMs, signal, env }) =>
  new Promise((resolve, reject) => {
    const [program, ...args] = command;
    if (!program) {
      reject(new Error('the command is empty'));
      return;
    }
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(env ? { env } : {}) });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const onAbort = () => child.kill('SIGKILL');
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve({ code: 127, stdout, stderr: `cannot start ${program}: ${error.message}`, timedOut: false });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve({ code, stdout, stderr, timedOut });
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

/** The engine's platform in a Node process: pooled HTTP, real programs, secrets from the given store. */
export function nodePlatform(secrets: SecretStore = envSecrets(process.env)): Platform {
  return { fetch: pooledFetch(), secrets, spawn: nodeSpawn, now: () => performance.now(), sleep };
}
