import { afterEach, describe, expect, it } from 'vitest';
import { CodeError } from '../engine/code';
import { nodeCodeRunner } from './code-runner';

const context = { vars: { expected: 'Hello' }, test: { id: 'greeting' } };
const runners: Array<{ close(): void }> = [];
afterEach(() => runners.splice(0).forEach((runner) => runner.close()));

function runner(limits = { codeTimeoutMs: 1_500, codeMemoryMiB: 64, codeWorkers: 1 }, python = 'python3') {
  const made = nodeCodeRunner(limits, python);
  runners.push(made);
  return made;
}

async function refusal(promise: Promise<unknown>): Promise<CodeError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CodeError);
  return error as CodeError;
}

describe('code in suites runs outside Slipway, within limits', () => {
  it('runs one line as an expression and more lines as a body, in javascript and python, with output and context', async () => {
    const code = runner();
    expect(await code.run('javascript', 'output.startsWith(context.vars.expected)', { output: 'Hello World', context })).toBe(
      true,
    );
    expect(
      await code.run('javascript', 'const n = output.length;\nreturn { pass: n > 3, score: n / 10 };', {
        output: 'Hello',
        context,
      }),
    ).toEqual({
      pass: true,
      score: 0.5,
    });
    expect(await code.run('javascript', 'Promise.resolve(undefined)', { output: '', context })).toBeUndefined();
    expect(await code.run('python', "output.startswith(context['vars']['expected'])", { output: 'Hello World', context })).toBe(
      true,
    );
    expect(await code.run('python', 'n = len(output)\nreturn math.sqrt(n)', { output: 'abcd', context })).toBe(2);
  });

  it('answers a throw, a runaway loop and a memory hog as errors, and the next call gets a fresh worker', async () => {
    const code = runner();
    expect((await refusal(code.run('javascript', "throw new Error('no good')", { output: '', context }))).message).toBe(
      'threw no good',
    );
    const loop = await refusal(code.run('javascript', 'while (true) {}', { output: '', context }));
    expect(loop).toMatchObject({ kind: 'limit', message: 'ran past 1500 ms' });
    const hog = await refusal(
      code.run('javascript', 'const kept = [];\nwhile (true) kept.push(new Array(1e6).fill(1));', { output: '', context }),
    );
    expect(hog).toMatchObject({ kind: 'limit', message: 'ran out of memory (64 MiB) or was stopped' });
    expect(await code.run('javascript', '1 + 1', { output: '', context })).toBe(2);
    expect((await refusal(code.run('python', "raise ValueError('empty')", { output: '', context }))).message).toBe(
      'threw ValueError: empty',
    );
    expect((await refusal(code.run('python', 'while True: pass', { output: '', context }))).kind).toBe('limit');
    expect(await code.run('python', '2 + 2', { output: '', context })).toBe(4);
  }, 30_000);

  it('gives the code no key: the environment holds none of Slipway’s secrets', async () => {
    process.env.SLIPWAY_KEY_OPENAI = 'sk-live-should-not-leak';
    process.env.OPENAI_API_KEY = 'sk-live-should-not-leak';
    try {
      const code = runner();
      const seen = await code.run('javascript', 'JSON.stringify(process.env)', { output: '', context });
      expect(seen).not.toContain('sk-live-should-not-leak');
      const python = await code.run('python', "__import__('json').dumps(dict(__import__('os').environ))", {
        output: '',
        context,
      });
      expect(python).not.toContain('sk-live-should-not-leak');
    } finally {
      delete process.env.SLIPWAY_KEY_OPENAI;
      delete process.env.OPENAI_API_KEY;
    }
  });

  it('says clearly when python is not there', async () => {
    const code = runner(undefined, 'python3-not-installed-here');
    const error = await refusal(code.run('python', 'True', { output: '', context }));
    expect(error).toMatchObject({
      kind: 'unavailable',
      message: 'python3-not-installed-here is not installed (or not on PATH): python assertions cannot run',
    });
  });
});
