import Anthropic from '@anthropic-ai/sdk';
import { redact, requireSecretFor } from '../secrets';
import { type ChatMessage, type ModelTurn, type Platform, type Provider, type ProviderRequest, type ToolCall } from '../types';
import { AnthropicAnswer, checkedAnswer } from './answer';
import { clientCache } from './client-cache';
import { fromSdkError } from './sdk-errors';
import { toolArguments } from './tool-arguments';

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
        // Only the key the version names is sent: never ANTHROPIC_AUTH_TOKEN from the environment.
        authToken: null,
      }),
  );
  const prepare = ({ config, messages, tools }: ProviderRequest) => {
    const baseURL = config.base_url ?? 'https://api.anthropic.com';
    const key = requireSecretFor(platform.secrets, config.api_key ?? 'ANTHROPIC', new URL(baseURL));
    const client = clientFor(baseURL, key);
    const { system, messages: turns } = toAnthropic(messages);
    const body = {
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
    };
    return { key, client, body };
  };
  return {
    call: async (request): Promise<ModelTurn> => {
      const { key, client, body } = prepare(request);
      try {
        const response = checkedAnswer(
          AnthropicAnswer,
          await client.messages.create(body, { signal: request.signal }),
          'the Anthropic API',
          'answered a message without a field Slipway reads',
        );
        const text = response.content.flatMap((block) => (block.type === 'text' && 'text' in block ? [block.text] : [])).join('');
        const toolCalls: ToolCall[] = response.content.flatMap((block) =>
          block.type === 'tool_use' && 'input' in block ? [{ id: block.id, name: block.name, arguments: block.input }] : [],
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
    stream: async (request, onText): Promise<ModelTurn> => {
      const { key, client, body } = prepare(request);
      try {
        const events = await client.messages.create({ ...body, stream: true }, { signal: request.signal });
        let text = '';
        const uses = new Map<number, { id: string; name: string; json: string }>();
        const usage: ModelTurn['usage'] = { inputTokens: null, outputTokens: null };
        for await (const event of events) {
          if (event.type === 'message_start') usage.inputTokens = event.message.usage?.input_tokens ?? null;
          else if (event.type === 'message_delta') usage.outputTokens = event.usage?.output_tokens ?? usage.outputTokens;
          else if (event.type === 'content_block_start' && event.content_block.type === 'tool_use')
            uses.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' });
          else if (event.type === 'content_block_delta') {
            if (event.delta.type === 'text_delta') {
              text += event.delta.text;
              onText(event.delta.text);
            } else if (event.delta.type === 'input_json_delta') {
              const use = uses.get(event.index);
              if (use) use.json += event.delta.partial_json;
            }
          }
        }
        const toolCalls: ToolCall[] = [...uses.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([, use]) => ({ id: use.id, name: use.name, arguments: toolArguments(use.json, use.name) }));
        return { text, toolCalls, usage };
      } catch (error) {
        throw fromSdkError(error, 'the Anthropic API', (text) => redact(text, [key]));
      }
    },
  };
}
