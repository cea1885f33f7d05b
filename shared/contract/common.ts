import { z } from 'zod';

/** What the domains' contracts share: how a method is declared and the small inputs many take. */

export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const RefText = z.string().min(1, 'ref is empty').max(200);
export const Reason = z.string().trim().min(1, 'a reason is required').max(2000);
export const Message = z.string().trim().min(1, 'a message saying why is required').max(10_000);
export const OptionalReason = z.string().max(2000).default('');
/** A stored run's or comparison's number. */
export const RecordId = z.int().positive();
