import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { CodeError, type CodeInput, type CodeLanguage, type CodeRunner } from '../engine/code';

/**
 * A suite's javascript and python run in long-lived worker processes, one request at a time
 * each: never in Slipway's process (which holds keys), with no key in their environment, a
 * memory ceiling, and a time limit after which the worker is killed and replaced. A worker
 * answers newline-delimited JSON; an answer past MAX_ANSWER_CHARS kills it too.
 */

export interface CodeLimits {
  /** Per call, in milliseconds. */
  codeTimeoutMs: number;
  /** Heap of a javascript worker; a python worker's address space is twice it. */
  codeMemoryMiB: number;
  /** Workers per language. */
  codeWorkers: number;
}

export const CODE_LIMITS: CodeLimits = { codeTimeoutMs: 5_000, codeMemoryMiB: 256, codeWorkers: 1 };
const MAX_ANSWER_CHARS = 1024 * 1024;

// One line of code is an expression (`output.includes('x')`); more lines, or one starting with
// `return`, are the body of a function of (output, context) — promptfoo's rule for both languages.
const JAVASCRIPT_WORKER = String.raw`
globalThis.require = require;
const lines = require('node:readline').createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const request = JSON.parse(line);
  const code = request.code;
  let answer;
  try {
    let check;
    const single = !/\n/.test(code.trim()) && !/^return\b/.test(code.trim());
    try {
      check = new Function('output', 'context', single ? 'return (' + code + '\n);' : code);
    } catch (error) {
      // One line that is a statement (throw …, if …) is a body too.
      if (!single || !(error instanceof SyntaxError)) throw error;
      check = new Function('output', 'context', code);
    }
    const value = await check(request.output, request.context);
    answer = { ok: true, value: value === undefined ? { __undefined: true } : value };
  } catch (error) {
    answer = { ok: false, error: error && error.message ? String(error.message) : String(error) };
  }
  let text;
  try { text = JSON.stringify(answer); } catch (error) { text = JSON.stringify({ ok: false, error: 'the answer is not JSON: ' + error.message }); }
  process.stdout.write(text + '\n');
});
`;

const PYTHON_WORKER = String.raw`
import json, math, re, resource, sys
limit = int(sys.argv[1]) << 20
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
for line in sys.stdin:
    request = json.loads(line)
    code = request['code']
    stripped = code.strip()
    body = 'def check(output, context):\n' + '\n'.join('    ' + part for part in code.split('\n'))
    try:
        source = body
        if '\n' not in stripped and not stripped.startswith('return'):
            try:
                compile(code, '<assertion>', 'eval')
                source = 'def check(output, context):\n    return (' + code + '\n    )'
            except SyntaxError:
                pass
        scope = {'json': json, 'math': math, 're': re}
        exec(source, scope)
        value = scope['check'](request['output'], request['context'])
        answer = {'ok': True, 'value': {'__undefined': True} if value is None else value}
    except MemoryError:
        answer = {'ok': False, 'error': 'MemoryError: ran out of memory'}
    except BaseException as error:
        answer = {'ok': False, 'error': type(error).__name__ + ': ' + str(error)}
    try:
        text = json.dumps(answer)
    except BaseException as error:
        text = json.dumps({'ok': False, 'error': 'the answer is not JSON: ' + str(error)})
    sys.stdout.write(text + '\n')
    sys.stdout.flush()
`;

/** What a worker may see of the environment: enough to run, never a key. */
function workerEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'SYSTEMROOT', 'PYENV_ROOT', 'PYENV_VERSION'];
  return {
    ...Object.fromEntries(keep.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]]))),
    // Electron's binary runs as Node for the javascript worker.
    ELECTRON_RUN_AS_NODE: '1',
  };
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

class Worker {
  private child: ChildProcessWithoutNullStreams | null = null;
  private buffer = '';
  private pending: Pending | null = null;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly language: CodeLanguage,
    private readonly limits: CodeLimits,
    private readonly python: string,
  ) {}

  run(code: string, input: CodeInput, signal?: AbortSignal): Promise<unknown> {
    const turn = this.queue.then(() => this.once(code, input, signal));
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private start(): ChildProcessWithoutNullStreams {
    const child =
      this.language === 'javascript'
        ? spawn(process.execPath, [`--max-old-space-size=${this.limits.codeMemoryMiB}`, '-e', JAVASCRIPT_WORKER], {
            env: workerEnv(),
            stdio: 'pipe',
          })
        : spawn(this.python, ['-c', PYTHON_WORKER, String(this.limits.codeMemoryMiB * 2)], { env: workerEnv(), stdio: 'pipe' });
    // Idle workers never keep a CLI process alive; a call in flight holds its own timer.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket).unref?.();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.read(chunk));
    child.stderr.resume();
    // A worker that died (or never started) fails its call through 'exit' or 'error'; a write to its closed stdin must not crash Slipway.
    child.stdin.on('error', () => undefined);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (this.child !== child) return;
      this.child = null;
      this.fail(
        error.code === 'ENOENT'
          ? new CodeError(
              `${this.language === 'python' ? `${this.python} is not installed (or not on PATH)` : 'node cannot start'}: ${this.language} assertions cannot run`,
              'unavailable',
            )
          : new CodeError(`the ${this.language} worker failed: ${error.message}`, 'unavailable'),
      );
    });
    child.on('exit', (code, signal) => {
      // A worker this one already replaced (killed past its time) says nothing about the call now in flight.
      if (this.child !== child) return;
      this.child = null;
      this.fail(
        new CodeError(
          signal === 'SIGKILL' || signal === 'SIGABRT' || code === 134 || code === 137
            ? `ran out of memory (${this.limits.codeMemoryMiB} MiB) or was stopped`
            : `the ${this.language} worker exited (${signal ?? code})`,
          'limit',
        ),
      );
    });
    return child;
  }

  private read(chunk: string): void {
    this.buffer += chunk;
    if (this.buffer.length > MAX_ANSWER_CHARS) {
      this.fail(new CodeError(`answered more than ${MAX_ANSWER_CHARS / 1024} KiB`, 'limit'));
      this.kill();
      return;
    }
    const end = this.buffer.indexOf('\n');
    if (end < 0) return;
    const line = this.buffer.slice(0, end);
    this.buffer = this.buffer.slice(end + 1);
    const pending = this.pending;
    this.pending = null;
    if (!pending) return;
    try {
      const answer = JSON.parse(line) as { ok: boolean; value?: unknown; error?: string };
      if (answer.ok) {
        const value = answer.value;
        pending.resolve(value && typeof value === 'object' && '__undefined' in value ? undefined : value);
      } else pending.reject(new CodeError(`threw ${answer.error ?? 'an error'}`, 'threw'));
    } catch {
      pending.reject(new CodeError(`the ${this.language} worker answered something that is not JSON`, 'limit'));
    }
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = null;
    this.buffer = '';
    pending?.reject(error);
  }

  private kill(): void {
    const child = this.child;
    this.child = null;
    child?.kill('SIGKILL');
  }

  private once(code: string, input: CodeInput, signal?: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new CodeError('cancelled', 'limit'));
      this.child ??= this.start();
      const timer = setTimeout(() => {
        this.fail(new CodeError(`ran past ${this.limits.codeTimeoutMs} ms`, 'limit'));
        this.kill();
      }, this.limits.codeTimeoutMs);
      const onAbort = () => {
        this.fail(new CodeError('cancelled', 'limit'));
        this.kill();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.pending = {
        resolve: (value) => {
          settle();
          resolve(value);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      this.buffer = '';
      this.child.stdin.write(`${JSON.stringify({ code, output: input.output, context: input.context })}\n`);
    });
  }

  close(): void {
    this.kill();
  }
}

/** A CodeRunner over worker processes; close() stops them. `python` is the interpreter's command. */
export function nodeCodeRunner(limits: CodeLimits = CODE_LIMITS, python = 'python3'): CodeRunner & { close(): void } {
  const pools = new Map<CodeLanguage, Worker[]>();
  let turn = 0;
  const pick = (language: CodeLanguage): Worker => {
    let pool = pools.get(language);
    if (!pool) {
      pool = Array.from({ length: Math.max(1, limits.codeWorkers) }, () => new Worker(language, limits, python));
      pools.set(language, pool);
    }
    turn += 1;
    return pool[turn % pool.length] as Worker;
  };
  return {
    run: (language, code, input, signal) => pick(language).run(code, input, signal),
    close: () => {
      for (const pool of pools.values()) for (const worker of pool) worker.close();
    },
  };
}
