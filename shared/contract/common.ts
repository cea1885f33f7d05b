import { z } from 'zod';

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
export const Message = z.string().trim().min(1, 'a message saying why is required').max(10_000);
export const OptionalReason = z.string().max(2000).default('');
/** A stored run's or comparison's number. */
export const RecordId = z.int().positive();
