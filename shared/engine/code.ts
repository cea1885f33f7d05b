/**
 * Code a suite carries — javascript and python assertions, transforms — runs outside Slipway's
 * process, with a time and memory limit, through a CodeRunner the platform gives (Node hosts:
 * shared/node/code-runner.ts). Without one, such assertions cannot be evaluated and say so.
 */
export type CodeLanguage = 'javascript' | 'python';

export interface CodeInput {
  /** The output the code sees: the model's text, or what a transform made of it. */
  output: unknown;
  /** promptfoo's context: the case's variables and the case itself. */
  context: { vars: Record<string, unknown>; test: { id: string; description?: string | undefined } };
}

/** Why code gave no answer: it threw, ran past its time or memory, or could not start. */
export class CodeError extends Error {
  constructor(
    message: string,
    readonly kind: 'threw' | 'limit' | 'unavailable',
  ) {
    super(message);
    this.name = 'CodeError';
  }
}

export interface CodeRunner {
  /** Runs code as an assertion or a transform and answers what it returned (as JSON carries it). */
  run(language: CodeLanguage, code: string, input: CodeInput, signal?: AbortSignal): Promise<unknown>;
}

/** What a javascript or python assertion's answer means: promptfoo's reading of a boolean, a score or a result. */
export function readCodeAnswer(
  answer: unknown,
  threshold: number | undefined,
): { pass: boolean; score: number; reason: string | null } | { problem: string } {
  if (typeof answer === 'boolean') return { pass: answer, score: answer ? 1 : 0, reason: null };
  if (typeof answer === 'number' && Number.isFinite(answer))
    return { pass: threshold === undefined ? answer > 0 : answer >= threshold, score: answer, reason: null };
  if (answer && typeof answer === 'object' && !Array.isArray(answer) && 'pass' in answer) {
    const result = answer as { pass: unknown; score?: unknown; reason?: unknown };
    const pass = Boolean(result.pass);
    const score = typeof result.score === 'number' ? result.score : pass ? 1 : 0;
    return { pass, score, reason: typeof result.reason === 'string' ? result.reason : null };
  }
  return {
    problem: `the code returned ${answer === undefined ? 'nothing' : JSON.stringify(answer)?.slice(0, 80)}: return true or false, a score, or { pass, score, reason }`,
  };
}
