import OpenAI from 'openai';
import { redact, requireSecretFor } from '../secrets';
import {
  EngineError,
  type ChatMessage,
  type ModelTurn,
  type Platform,
  type Provider,
  type ProviderRequest,
  type ToolCall,
} from '../types';
import { OpenAIAnswer, checkedAnswer } from './answer';
import { clientCache } from './client-cache';
import { fromSdkError } from './sdk-errors';
import { toolArguments } from './tool-arguments';

type OpenAIMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

function toOpenAI(messages: ChatMessage[]): OpenAIMessage[] {
  return messages.map((message): OpenAIMessage => {
    if (message.role === 'tool') return { role: 'tool', tool_call_id: message.toolCallId ?? '', content: message.content };
    if (message.role === 'assistant' && message.toolCalls?.length) {
      return {
        role: 'assistant',
        content: message.content || null,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        })),
      };
    }
    return { role: message.role, content: message.content } as OpenAIMessage;
  });
}

/** Chat completions through the official SDK: OpenAI, Ollama, vLLM, LM Studio, llama.cpp, OpenRouter, Groq, Together. */
export function openAICompatible(platform: Platform): Provider {
  // The runner retries and times out; the SDK must do neither.
  const clientFor = clientCache(
    (baseURL, key) =>
      new OpenAI({
        apiKey: key,
        baseURL,
        fetch: platform.fetch,
        maxRetries: 0,
        timeout: 24 * 3600 * 1000,
        dangerouslyAllowBrowser: true,
        // Nothing from the environment (OPENAI_ORG_ID, OPENAI_PROJECT_ID) goes to whatever host a version names.
        organization: null,
        project: null,
      }),
  );
  const prepare = ({ config, messages, tools }: ProviderRequest) => {
    const baseURL = config.base_url ?? 'https://api.openai.com/v1';
    const key = config.api_key ? requireSecretFor(platform.secrets, config.api_key, new URL(baseURL)) : 'none';
    const client = clientFor(baseURL, key);
    const body = {
      model: config.model,
      messages: toOpenAI(messages),
      ...(tools.length > 0
        ? {
            tools: tools.map((tool) => ({
              type: 'function' as const,
              function: { name: tool.name, description: tool.description, parameters: tool.parameters },
            })),
          }
        : {}),
      ...(config.temperature !== undefined ? { temperature: config.temperature } : {}),
      ...(config.max_tokens !== undefined ? { max_tokens: config.max_tokens } : {}),
      ...(config.top_p !== undefined ? { top_p: config.top_p } : {}),
    };
    return { key, client, body };
  };
  return {
    call: async (request): Promise<ModelTurn> => {
      const { key, client, body } = prepare(request);
      try {
        const response = checkedAnswer(
          OpenAIAnswer,
          await client.chat.completions.create(body, { signal: request.signal }),
          'the openai-compatible endpoint',
          'answered a chat completion without a field Slipway reads',
        );
        const choice = response.choices[0];
        if (!choice) throw new EngineError('malformed', 'the chat completion has no choices');
        const toolCalls: ToolCall[] = (choice.message.tool_calls ?? []).flatMap((call) =>
          call.type === 'function' && call.function
            ? [{ id: call.id, name: call.function.name, arguments: toolArguments(call.function.arguments, call.function.name) }]
            : [],
        );
        return {
          text: choice.message.content ?? '',
          toolCalls,
          usage: { inputTokens: response.usage?.prompt_tokens ?? null, outputTokens: response.usage?.completion_tokens ?? null },
        };
      } catch (error) {
        throw fromSdkError(error, 'the openai-compatible endpoint', (text) => redact(text, [key]));
      }
    },
    stream: async (request, onText): Promise<ModelTurn> => {
      const { key, client, body } = prepare(request);
      try {
        const chunks = await client.chat.completions.create(
          { ...body, stream: true, stream_options: { include_usage: true } },
          { signal: request.signal },
        );
        let text = '';
        const calls = new Map<number, { id: string; name: string; arguments: string }>();
        let usage: ModelTurn['usage'] = { inputTokens: null, outputTokens: null };
        for await (const chunk of chunks) {
          if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
          const delta = chunk.choices?.[0]?.delta;
          if (delta?.content) {
            text += delta.content;
            onText(delta.content);
          }
          for (const call of delta?.tool_calls ?? []) {
            const known = calls.get(call.index) ?? { id: '', name: '', arguments: '' };
            calls.set(call.index, {
              id: call.id ?? known.id,
              name: known.name + (call.function?.name ?? ''),
              arguments: known.arguments + (call.function?.arguments ?? ''),
            });
          }
        }
        const toolCalls = [...calls.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([, call]) => ({ id: call.id, name: call.name, arguments: toolArguments(call.arguments, call.name) }));
        return { text, toolCalls, usage };
      } catch (error) {
        throw fromSdkError(error, 'the openai-compatible endpoint', (text) => redact(text, [key]));
      }
    },
  };
}

/** Embeddings from an OpenAI-compatible endpoint, for `similar` assertions. */
export function openAIEmbeddings(
  platform: Platform,
  config: { model: string; base_url?: string | undefined; api_key?: string | undefined },
  signal: AbortSignal,
) {
  const baseURL = config.base_url ?? 'https://api.openai.com/v1';
  const key = config.api_key ? requireSecretFor(platform.secrets, config.api_key, new URL(baseURL)) : 'none';
  const client = new OpenAI({
    apiKey: key,
    baseURL,
    fetch: platform.fetch,
    maxRetries: 0,
    dangerouslyAllowBrowser: true,
  });
  return async (texts: string[]): Promise<number[][]> => {
    try {
      const response = await client.embeddings.create({ model: config.model, input: texts }, { signal });
      return [...response.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
    } catch (error) {
      throw fromSdkError(error, 'the embeddings endpoint', (text) => redact(text, [key]));
    }
  };
}
