import { z } from 'zod';

/**
 * The wire format of the `http` and `command` providers (docs/providers.md): Slipway sends the
 * version's configuration (secret names only), the rendered conversation, the case's variables
 * and the tools; the agent answers with its output, usage and any tool calls.
 */
export const AgentRequest = z.object({
  protocol: z.literal('slipway.agent/1'),
  model: z.string(),
  config: z.record(z.string(), z.unknown()),
  messages: z.array(
    z.object({
      role: z.enum(['system', 'user', 'assistant', 'tool']),
      content: z.string(),
      tool_calls: z
        .array(z.object({ id: z.string(), name: z.string(), arguments: z.record(z.string(), z.unknown()) }))
        .optional(),
      tool_call_id: z.string().optional(),
    }),
  ),
  vars: z.record(z.string(), z.unknown()),
  tools: z.array(z.object({ name: z.string(), description: z.string(), parameters: z.record(z.string(), z.unknown()) })),
});
export type AgentRequest = z.infer<typeof AgentRequest>;

export const AgentResponse = z.object({
  output: z.string(),
  tool_calls: z
    .array(
      z.object({ id: z.string().optional(), name: z.string().min(1), arguments: z.record(z.string(), z.unknown()).default({}) }),
    )
    .default([]),
  usage: z
    .object({
      input_tokens: z.int().nonnegative().nullable().optional(),
      output_tokens: z.int().nonnegative().nullable().optional(),
    })
    .optional(),
});
export type AgentResponse = z.infer<typeof AgentResponse>;
