import { z } from 'zod';
import { shapeProblem } from '../../bounded-parse';
import { describeIssues } from '../../issues';
import { EngineError } from '../types';

/**
 * What a provider answered, held to the fields Slipway reads before any is touched: a missing
 * field is a `malformed` error that names it (never "Cannot read properties of undefined"), and
 * an answer nested past the depth limit is refused before anything walks it.
 */
export function checkedAnswer<T>(schema: z.ZodType<T>, value: unknown, who: string, refusal: string): T {
  const shape = shapeProblem(value, `${who}'s answer`);
  if (shape) throw new EngineError('malformed', shape);
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new EngineError('malformed', `${who} ${refusal}: ${describeIssues(parsed.error, { root: '(root)', most: 3 })}`);
  return parsed.data;
}

/** JSON text a model or program wrote, parsed under the limits; `undefined` when it is not JSON. */
export function modelJson(text: string, who: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  const shape = shapeProblem(value, who);
  if (shape) throw new EngineError('malformed', shape);
  return value;
}

const Usage = z.object({ prompt_tokens: z.number().nullish(), completion_tokens: z.number().nullish() }).nullish();

export const OpenAIAnswer = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z
                .object({
                  id: z.string(),
                  type: z.string(),
                  function: z.object({ name: z.string(), arguments: z.string() }).optional(),
                })
                .refine((call) => call.type !== 'function' || call.function !== undefined, {
                  message: 'a function call without its function',
                  path: ['function'],
                }),
            )
            .nullish(),
        }),
      }),
    )
    .min(1, 'the chat completion has no choices'),
  usage: Usage,
});

const AnthropicBlock = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.record(z.string(), z.unknown()) }),
  // Blocks Slipway does not read (thinking, server tools) pass; a text or tool_use block must be whole.
  z.object({
    type: z.string().refine((type) => type !== 'text' && type !== 'tool_use', 'a text or tool_use block missing its fields'),
  }),
]);

export const AnthropicAnswer = z.object({
  content: z.array(AnthropicBlock),
  usage: z.object({ input_tokens: z.number().nullish(), output_tokens: z.number().nullish() }).nullish(),
});
