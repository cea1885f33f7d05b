import { AgentRequest, AgentResponse } from '../agent-protocol';
import { clip } from '../../issues';
import { checkedAnswer, modelJson } from './answer';
import { redact, requireSecretFor } from '../secrets';
import { EngineError, MAX_PROGRAM_STDOUT, type ModelTurn, type Platform, type Provider, type ProviderRequest } from '../types';
import { retryAfterMs } from './sdk-errors';

/** The request both the http and the command provider send. */
export function agentRequest({ config, messages, tools, vars }: ProviderRequest): AgentRequest {
  // The mock provider's rules mean nothing to another agent; everything else is its configuration.
  const { mock, ...settings } = config;
  return {
    protocol: 'slipway.agent/1',
    model: config.model,
    config: settings,
    messages: messages.map((message) => ({
      role: message.role,
      content: message.content,
      ...(message.toolCalls ? { tool_calls: message.toolCalls } : {}),
      ...(message.toolCallId ? { tool_call_id: message.toolCallId } : {}),
    })),
    vars,
    tools: tools.map((tool) => ({ name: tool.name, description: tool.description, parameters: tool.parameters })),
  };
}

/** Reads an agent's answer, naming the problem when it does not match the protocol. */
export function agentTurn(text: string, who: string): ModelTurn {
  const body = modelJson(text, `${who}'s answer`);
  if (body === undefined) throw new EngineError('malformed', `${who} answered with text that is not JSON: ${clip(text)}`);
  const response = checkedAnswer(AgentResponse, body, who, 'answered JSON that is not a slipway.agent/1 response');
  return {
    text: response.output,
    toolCalls: response.tool_calls.map((call, index) => ({
      id: call.id ?? `call_${index + 1}`,
      name: call.name,
      arguments: call.arguments,
    })),
    usage: { inputTokens: response.usage?.input_tokens ?? null, outputTokens: response.usage?.output_tokens ?? null },
  };
}

/** The team's own agent service: POST the request to base_url, read the response. */
export function agentService(platform: Platform): Provider {
  return {
    call: async (request) => {
      const { config, signal } = request;
      const url = config.base_url ?? '';
      const key = config.api_key ? requireSecretFor(platform.secrets, config.api_key, new URL(url)) : undefined;
      let response: Response;
      try {
        response = await platform.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
          body: JSON.stringify(agentRequest(request)),
          signal,
        });
      } catch (error) {
        if (signal.aborted) throw new EngineError('cancelled', 'the agent service call was aborted');
        throw new EngineError(
          'network',
          `the agent service at ${url} cannot be reached: ${redact(String((error as Error).message), [key])}`,
        );
      }
      const text = await response.text().catch(() => '');
      if (response.status === 429)
        throw new EngineError('rate_limited', 'the agent service is rate limiting (HTTP 429)', {
          status: 429,
          retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
        });
      if (!response.ok)
        throw new EngineError(
          'http',
          `the agent service answered HTTP ${response.status}: ${redact(text.slice(0, 300), [key])}`,
          { status: response.status },
        );
      return agentTurn(text, 'the agent service');
    },
  };
}

/** The one key a program's config names, with its value when the secret store has one. */
function keysFor(name: string | undefined, platform: Platform): Record<string, string> {
  if (name === undefined) return {};
  const hosts = platform.secrets.hostsFor?.(name) ?? null;
  // A program can send what it is given anywhere: a key bound to hosts is not handed to one.
  if (hosts)
    throw new EngineError(
      'config',
      `the key ${name} is bound to ${hosts.join(', ')}, and a program could send it anywhere: it is not given to the command provider`,
    );
  const value = platform.secrets.get(name);
  return value !== undefined ? { [name]: value } : {};
}

/** A local program: the request as JSON on stdin, the response as JSON on stdout. */
export function agentCommand(platform: Platform): Provider {
  return {
    call: async (request) => {
      const command = request.config.command ?? [];
      // Named in every error of the call: the start of it is enough.
      const program = clip(command.join(' '), 200);
      if (!platform.spawn)
        throw new EngineError(
          'config',
          'the command provider runs only where Slipway can start programs (the app, the CLI), not in a browser',
        );
      const timeoutMs = request.config.timeout_ms ?? 60_000;
      const result = await platform.spawn(command, JSON.stringify(agentRequest(request)), {
        timeoutMs,
        signal: request.signal,
        keys: keysFor(request.config.api_key, platform),
      });
      if (request.signal.aborted) throw new EngineError('cancelled', `${command[0]} was stopped`);
      if (result.tooLarge)
        throw new EngineError(
          'malformed',
          `${program} wrote more than ${MAX_PROGRAM_STDOUT / 1024 / 1024} MiB to stdout and was stopped`,
        );
      if (result.timedOut) throw new EngineError('timeout', `${program} did not answer within ${timeoutMs} ms and was stopped`);
      if (result.code !== 0)
        throw new EngineError('http', `${program} exited with code ${result.code}: ${result.stderr.trim().slice(0, 300)}`);
      return agentTurn(result.stdout, program);
    },
  };
}
