import Anthropic from '@anthropic-ai/sdk';
import { redact, requireSecret } from '../secrets';
import { EngineError, type ChatMessage, type ModelTurn, type Platform, type Provider, type ToolCall } from '../types';
import { clientCache } from './client-cache';
import { fromSdkError } from './sdk-errors';

type Block = Anthropic.Messages.ContentBlockParam;

/** The Messages API wants the system prompt apart, and tool calls and results as content blocks. */
function toAnthropic(messages: ChatMessage[]): { system: string; messages: Anthropic.Messages.MessageParam[] } {
  const system = messages
    .filter((message) => message.role === 'system')
    .map((message) => message.content)
    .join('\n\n');
  const turns: Anthropic.Messages.MessageParam[] = [];
  for (const message of messages) {
    if (message.role === 'system') continue;
    if (message.role === 'tool') {
      const block: Block = { type: 'tool_result', tool_use_id: message.toolCallId ?? '', content: message.content };
      const last = turns.at(-1);
      if (last?.role === 'user' && Array.isArray(last.content)) (last.content as Block[]).push(block);
      else turns.push({ role: 'user', content: [block] });
      continue;
    }
    if (message.role === 'assistant' && message.toolCalls?.length) {
      const blocks: Block[] = [
        ...(message.content ? [{ type: 'text' as const, text: message.content }] : []),
        ...message.toolCalls.map((call) => ({ type: 'tool_use' as const, id: call.id, name: call.name, input: call.arguments })),
      ];
      turns.push({ role: 'assistant', content: blocks });
      continue;
    }
    turns.push({ role: message.role, content: message.content });
  }
  return { system, messages: turns };
}

/** The Anthropic Messages API through the official SDK. */
export function anthropicMessages(platform: Platform): Provider {
  const clientFor = clientCache(
    (baseURL, key) =>
      new Anthropic({
        apiKey: key,
        baseURL,
        fetch: platform.fetch,
        maxRetries: 0,
        timeout: 24 * 3600 * 1000,
        dangerouslyAllowBrowser: true,
      }),
  );
  return {
    call: async ({ config, messages, tools, signal }): Promise<ModelTurn> => {
      const key = requireSecret(platform.secrets, config.api_key ?? 'ANTHROPIC');
      const client = clientFor(config.base_url ?? 'https://api.anthropic.com', key);
      const { system, messages: turns } = toAnthropic(messages);
      try {
        const response = await client.messages.create(
          {
            model: config.model,
            max_tokens: config.max_tokens ?? 1024,
            messages: turns,
            ...(system ? { system } : {}),
            ...(tools.length > 0
              ? {
                  tools: tools.map((tool) => ({
                    name: tool.name,
                    description: tool.description,
                    input_schema: tool.parameters as Anthropic.Messages.Tool.InputSchema,
                  })),
                }
              : {}),
            ...(config.temperature !== undefined ? { temperature: config.temperature } : {}),
            ...(config.top_p !== undefined ? { top_p: config.top_p } : {}),
          },
          { signal },
        );
        if (!Array.isArray(response.content)) throw new EngineError('malformed', 'the Messages API answer has no content');
        const text = response.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
        const toolCalls: ToolCall[] = response.content.flatMap((block) =>
          block.type === 'tool_use'
            ? [{ id: block.id, name: block.name, arguments: (block.input ?? {}) as Record<string, unknown> }]
            : [],
        );
        return {
          text,
          toolCalls,
          usage: { inputTokens: response.usage?.input_tokens ?? null, outputTokens: response.usage?.output_tokens ?? null },
        };
      } catch (error) {
        throw fromSdkError(error, 'the Anthropic API', (text) => redact(text, [key]));
      }
    },
  };
}
