import { clip } from '../issues';
import { modelJson } from './providers/answer';
import { EngineError } from './types';

/** Reads a judge's verdict: the first JSON object in its answer, with a score from 0 to 1. */
export function parseJudge(text: string): { score: number; pass?: boolean; reason: string } {
  const match = /\{[\s\S]*\}/.exec(text);
  const value = match ? (modelJson(match[0], 'the judge') ?? null) : null;
  const verdict = value as { score?: unknown; pass?: unknown; reason?: unknown } | null;
  if (!verdict || typeof verdict.score !== 'number' || verdict.score < 0 || verdict.score > 1) {
    throw new EngineError('malformed', `the judge did not answer {"score": 0..1, "pass", "reason"}: ${clip(text)}`);
  }
  return {
    score: verdict.score,
    ...(typeof verdict.pass === 'boolean' ? { pass: verdict.pass } : {}),
    reason: typeof verdict.reason === 'string' ? verdict.reason : 'no reason given',
  };
}
