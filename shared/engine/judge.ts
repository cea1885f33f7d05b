import { EngineError } from './types';

/** Reads a judge's verdict: the first JSON object in its answer, with a score from 0 to 1. */
export function parseJudge(text: string): { score: number; pass?: boolean; reason: string } {
  const match = /\{[\s\S]*\}/.exec(text);
  let value: unknown = null;
  try {
    value = match ? JSON.parse(match[0]) : null;
  } catch {
    value = null;
  }
  const verdict = value as { score?: unknown; pass?: unknown; reason?: unknown } | null;
  if (!verdict || typeof verdict.score !== 'number' || verdict.score < 0 || verdict.score > 1) {
    throw new EngineError('malformed', `the judge did not answer {"score": 0..1, "pass", "reason"}: ${text.slice(0, 200)}`);
  }
  return {
    score: verdict.score,
    ...(typeof verdict.pass === 'boolean' ? { pass: verdict.pass } : {}),
    reason: typeof verdict.reason === 'string' ? verdict.reason : 'no reason given',
  };
}
