import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalManifest } from '../shared/manifest';
import { nodeSha256 } from '../shared/node/sha256';
import type { Role } from '../shared/release/protocol';
import { tempDir } from './workspace';

const BIN = join(import.meta.dirname, '..', 'bin', 'slipway-runtime.js');

export interface RuntimeProcess {
  url: string;
  dir: string;
  tokens: Record<Role, string>;
  child: ChildProcess;
  /** Stops it the hard way (SIGKILL), as a crash would. */
  kill: () => Promise<void>;
  /** Starts it again on the same data folder and port. */
  restart: () => Promise<void>;
  stop: () => Promise<void>;
}

/** A real `slipway-runtime serve` process on 127.0.0.1, with one token of each role. */
export async function startRuntimeProcess(
  options: {
    evaluationIntervalMs?: number;
    flushMs?: number;
    env?: Record<string, string>;
    /** More `serve` flags: what the test's upstreams need (--allow-host 127.0.0.1 --allow-private-network …). */
    flags?: string[];
    /** The data folder of a runtime before (killed): served again, with new tokens. */
    dir?: string;
    /** Width of a metrics bucket (1 s here, so tests see their traffic in a few buckets; the runtime's default is 10 s). */
    bucketMs?: number;
  } = {},
): Promise<RuntimeProcess> {
  const { dir, cleanup } = options.dir
    ? { dir: options.dir, cleanup: () => rmSync(options.dir ?? '', { recursive: true, force: true }) }
    : tempDir('slipway-runtime-');
  const roles: Role[] = ['invoker', 'viewer', 'deployer', 'admin'];
  const tokens = Object.fromEntries(
    roles.map((role) => [
      role,
      execFileSync(process.execPath, [BIN, 'token', 'create', '--data', dir, '--role', role, '--name', `test ${role}`], {
        encoding: 'utf8',
      }).trim(),
    ]),
  ) as Record<Role, string>;
  let port = 0;
  const launch = () =>
    new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          BIN,
          'serve',
          '--data',
          dir,
          '--port',
          String(port),
          '--evaluation-interval-ms',
          String(options.evaluationIntervalMs ?? 100),
          '--flush-ms',
          String(options.flushMs ?? 50),
          '--bucket-ms',
          String(options.bucketMs ?? 1000),
          ...(options.flags ?? []),
        ],
        {
          env: { ...process.env, ...options.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/[^\s]+)/.exec(output);
        if (match?.[1]) {
          child.stdout?.off('data', onData);
          resolve({ child, url: match[1] });
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('exit', (code) => reject(new Error(`slipway-runtime exited (${code}): ${output}`)));
    });
  let running = await launch();
  port = Number(new URL(running.url).port);
  const exited = (child: ChildProcess) =>
    new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
    );
  const handle: RuntimeProcess = {
    url: running.url,
    dir,
    tokens,
    child: running.child,
    kill: async () => {
      running.child.kill('SIGKILL');
      await exited(running.child);
    },
    restart: async () => {
      running = await launch();
      handle.child = running.child;
    },
    stop: async () => {
      running.child.kill('SIGTERM');
      await exited(running.child);
      cleanup();
    },
  };
  return handle;
}

/** JSON over HTTP with a token: the status and the parsed body. */
export function runtimeApi(url: string, token: string) {
  return async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T; headers: Headers }> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
  };
}

/** An agent's files on the mock provider, answering `reply` to everything; with its content hash. */
export function mockAgent(reply: string, extra: Record<string, string> = {}): { files: Record<string, string>; hash: string } {
  const files = {
    'prompt.md': 'You answer support tickets.\n',
    'user.md': '{{question}}\n',
    'tools.json': '[]\n',
    'config.yaml': `provider: mock\nmodel: mock-1\nretries: 0\nmock:\n  rules:\n    - reply: ${JSON.stringify(reply)}\n`,
    ...extra,
  };
  return { files, hash: canonicalManifest(files, nodeSha256).hash };
}
