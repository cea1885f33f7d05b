import { z } from 'zod';
import { INPUT_LIMITS, formatCount } from '../limits';

/** What the domains' contracts share: how a method is declared and the small inputs many take. */

/** A method that may change the workspace (or the world: a runtime, a provider). */
export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output, reads: false as const };
}

/**
 * A method that only reads the workspace. A client connected to a folder that holds no
 * workspace yet answers it from an empty one instead of creating the folder (`slipway bundle
 * inspect`, `agent list -w typo/` write nothing).
 */
export function query<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output, reads: true as const };
}

export const RefText = z.string().min(1, 'ref is empty').max(200);
export const Reason = z.string().trim().min(1, 'a reason is required').max(2000);

/* eslint-disable no-control-regex -- control characters are what these refuse */
/** A control character but tab and newline, or an invisible direction mark: on a terminal it could clear the screen, forge a line or reorder text. */
export const UNSAFE_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;
/** Tab and newline too: a name is one line. */
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;
/* eslint-enable no-control-regex */

export const Message = z
  .string()
  .trim()
  .min(1, 'a message saying why is required')
  .max(INPUT_LIMITS.messageChars, `a message is at most ${formatCount(INPUT_LIMITS.messageChars)} characters`)
  .refine((text) => !UNSAFE_TEXT.test(text), 'a message may not hold control characters (only tabs and newlines)');
/** Text up to a limit of INPUT_LIMITS, refused past it in words that name the limit. */
export function textUpTo(limit: number, what: string) {
  return z.string().max(limit, `${what} is over the limit of ${formatCount(limit)} characters`);
}

/** A case id as a query names it: a stored one is at most 128 characters. */
export const CaseId = z.string().min(1, 'name the case').max(128, 'a case id is at most 128 characters');

export const AuthorName = z
  .string()
  .trim()
  .min(1, 'author is empty')
  .max(INPUT_LIMITS.authorChars, `an author is at most ${INPUT_LIMITS.authorChars} characters`)
  .refine((text) => !CONTROL_OR_NEWLINE.test(text), 'an author may not hold control characters or line breaks');
export const OptionalReason = z.string().max(2000).default('');
/** A stored run's or comparison's number. */
export const RecordId = z.int().positive();
