import type { z } from 'zod';
import { INPUT_LIMITS, formatCount } from './limits';

/** A piece of a refused input (a key, a path) as a message shows it: never whole when huge. */
export function clip(text: string, limit: number = INPUT_LIMITS.quotedChars): string {
  return text.length > limit ? `${text.slice(0, limit)}… (${formatCount(text.length)} characters)` : text;
}

/** A refused value quoted in a message, JSON-escaped (control characters shown) and clipped. */
export function quoted(text: string, limit: number = INPUT_LIMITS.quotedChars): string {
  const flat = JSON.stringify(text.length > limit ? text.slice(0, limit) : text);
  return text.length > limit ? `${flat.slice(0, -1)}…" (${formatCount(text.length)} characters)` : flat;
}

/**
 * A schema's refusal in words, as every boundary shows it: each problem as "path: message"
 * (`root` names the whole value when the path is empty), the first `most` of them (ten unless
 * told), joined by "; ". Keys and messages are clipped: a huge input is not echoed back.
 */
export function describeIssues(error: z.ZodError, options: { root?: string; most?: number } = {}): string {
  const most = options.most ?? 10;
  const described = error.issues.slice(0, most).map((issue) => {
    const path = issue.path.map((key) => clip(String(key), 60)).join('.') || options.root;
    const message = clip(issue.message, 2 * INPUT_LIMITS.quotedChars);
    return path ? `${path}: ${message}` : message;
  });
  const more = error.issues.length - most;
  return `${described.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
