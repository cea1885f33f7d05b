import deepEqual from 'fast-deep-equal';
import { clip } from '../issues';
import { modelJson } from './providers/answer';
import type { AgentConfig, ToolDefinition } from '../agent-files';
import type { SuiteCase } from '../suite';
import type { ParsedAgent } from '../validate-files';
import { costOf, type PriceTable } from './prices';
import { caseInput, renderConversation } from './render';
import { EngineError, type ChatMessage, type ModelTurn, type Platform, type Provider, type ToolCall, type Usage } from './types';

export interface ToolTrace {
  name: string;
  arguments: Record<string, unknown>;
  result: unknown;
  error?: string;
}

export interface Execution {
  output: string;
  messages: ChatMessage[];
  toolCalls: ToolTrace[];
  usage: Usage;
  costUsd: number | null;
  latencyMs: number;
  retries: number;
}

/** Waits out rate limits shared by every call to one provider endpoint. */
export interface RateGate {
  wait(signal: AbortSignal): Promise<void>;
  holdFor(ms: number): void;
}

export function rateGate(platform: Platform): RateGate {
  let until = 0;
  return {
    wait: async (signal) => {
      const left = until - platform.now();
      if (left > 0) await platform.sleep(left, signal);
    },
    holdFor: (ms) => {
      until = Math.max(until, platform.now() + ms);
    },
  };
}

export interface CallContext {
  provider: Provider;
  platform: Platform;
  gate: RateGate;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
}

const BACKOFF_MS = 250;
const MAX_RETRY_WAIT_MS = 60_000;
export const DEFAULT_MAX_STEPS = 8;

function linked(parent: AbortSignal, timeoutMs: number): { signal: AbortSignal; timedOut: () => boolean; dispose: () => void } {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('timeout'));
  }, timeoutMs);
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * One model call with the version's timeout and retries: 429 waits out Retry-After (shared by
 * every call to the provider), timeouts, dropped connections, 408, 409 and 5xx back off and try
 * again. With `onText`, a provider that can stream hands on its text as it comes; once any has
 * gone out the call is never retried (the receiver has it).
 */
export async function callModel(
  context: CallContext,
  config: AgentConfig,
  messages: ChatMessage[],
  tools: ToolDefinition[],
  vars: Record<string, unknown>,
  onText?: (delta: string) => void,
): Promise<{ turn: ModelTurn; retries: number }> {
  let sent = false;
  const stream = context.provider.stream?.bind(context.provider);
  const forward = (delta: string) => {
    sent = true;
    onText?.(delta);
  };
  const attempts = (config.retries ?? 2) + 1;
  const timeoutMs = config.timeout_ms ?? 60_000;
  let last: EngineError | null = null;
  let tried = 0;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (context.signal.aborted) throw new EngineError('cancelled', 'the run was cancelled');
    await context.gate.wait(context.signal);
    tried += 1;
    const call = linked(context.signal, timeoutMs);
    try {
      const request = { config, messages, tools, vars, signal: call.signal };
      const turn = onText && stream ? await stream(request, forward) : await context.provider.call(request);
      return { turn, retries: attempt };
    } catch (error) {
      const failure =
        error instanceof EngineError ? error : new EngineError('malformed', String((error as Error)?.message ?? error));
      if (context.signal.aborted) throw new EngineError('cancelled', 'the run was cancelled');
      last = call.timedOut() ? new EngineError('timeout', `no answer within ${timeoutMs} ms (timeout_ms)`) : failure;
      if (!last.retryable || sent || attempt === attempts - 1) break;
      const wait =
        last.kind === 'rate_limited' && last.retryAfterMs !== null
          ? Math.min(last.retryAfterMs, MAX_RETRY_WAIT_MS)
          : BACKOFF_MS * 2 ** attempt;
      if (last.kind === 'rate_limited') context.gate.holdFor(wait);
      else await context.platform.sleep(wait, context.signal);
    } finally {
      call.dispose();
    }
  }
  // "after N tries" only when it was tried N times: a failure not worth retrying was tried once.
  const tries = tried > 1 ? ` after ${tried} tries` : '';
  throw new EngineError(last?.kind ?? 'malformed', `${last?.message ?? 'the call failed'}${tries}`, {
    status: last?.status ?? null,
    retryAfterMs: last?.retryAfterMs ?? null,
    retries: tried - 1,
  });
}

async function runTool(
  context: CallContext,
  testCase: SuiteCase,
  tool: ToolDefinition | undefined,
  name: string,
  args: Record<string, unknown>,
  live: boolean,
): Promise<unknown> {
  if (!tool) throw new EngineError('tool', `the model called ${name}, which this version does not declare in tools.json`);
  if (live && tool.endpoint) {
    const response = await context.platform.fetch(tool.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(args),
      signal: context.signal,
    });
    const text = await response.text();
    if (!response.ok) throw new EngineError('tool', `tool ${name} at ${tool.endpoint} answered HTTP ${response.status}`);
    const value = modelJson(text, `tool ${name}'s answer`);
    return value === undefined ? text : value;
  }
  const stub = testCase.tools.find(
    (candidate) =>
      candidate.name === name &&
      (!candidate.args || Object.entries(candidate.args).every(([key, value]) => deepEqual(args[key], value))),
  );
  if (!stub)
    throw new EngineError(
      'tool',
      `the model called ${name}(${clip(JSON.stringify(args))}), but the case gives no result for it: add tools: [{ name: ${name}, result: … }] to case ${testCase.id}`,
    );
  return stub.result;
}

/** How the tool calls of a run are answered: a case's stubs or a tool's endpoint, or (a shadow) what the primary request recorded. */
export type ToolAnswerer = (call: ToolCall, tool: ToolDefinition | undefined) => Promise<unknown>;

/**
 * The tool loop every run of a version goes through — a suite case, a comparison, a runtime's
 * shadow: call the model, answer its tool calls, until it replies or reaches max_steps.
 * `messages` is the conversation so far; it grows with each turn.
 */
export async function runConversation(
  context: CallContext,
  agent: ParsedAgent,
  messages: ChatMessage[],
  vars: Record<string, unknown>,
  answer: ToolAnswerer,
  prices: PriceTable,
): Promise<Execution> {
  const started = context.platform.now();
  const usage: Usage = { inputTokens: 0, outputTokens: 0 };
  const toolCalls: ToolTrace[] = [];
  let retries = 0;
  const maxSteps = agent.config.max_steps ?? DEFAULT_MAX_STEPS;
  for (let step = 1; step <= maxSteps; step += 1) {
    const { turn, retries: used } = await callModel(context, agent.config, messages, agent.tools, vars).catch(
      (error: unknown) => {
        // A failed turn's result counts the retries of the turns before it too.
        if (!(error instanceof EngineError) || retries === 0) throw error;
        throw new EngineError(error.kind, error.message, {
          status: error.status,
          retryAfterMs: error.retryAfterMs,
          retries: retries + error.retries,
        });
      },
    );
    retries += used;
    usage.inputTokens =
      usage.inputTokens === null || turn.usage.inputTokens === null ? null : usage.inputTokens + turn.usage.inputTokens;
    usage.outputTokens =
      usage.outputTokens === null || turn.usage.outputTokens === null ? null : usage.outputTokens + turn.usage.outputTokens;
    if (turn.toolCalls.length === 0) {
      messages.push({ role: 'assistant', content: turn.text });
      return {
        output: turn.text,
        messages,
        toolCalls,
        usage,
        costUsd: costOf(prices, agent.config, usage),
        latencyMs: context.platform.now() - started,
        retries,
      };
    }
    messages.push({ role: 'assistant', content: turn.text, toolCalls: turn.toolCalls });
    for (const call of turn.toolCalls) {
      const result = await answer(
        call,
        agent.tools.find((candidate) => candidate.name === call.name),
      );
      toolCalls.push({ name: call.name, arguments: call.arguments, result });
      messages.push({
        role: 'tool',
        toolCallId: call.id,
        name: call.name,
        content: typeof result === 'string' ? result : JSON.stringify(result),
      });
    }
  }
  throw new EngineError('tool', `the model kept calling tools: stopped after ${maxSteps} steps (max_steps)`);
}

/** Runs one case once: render, then the tool loop with the case's tool stubs (or the tools' endpoints, live). */
export async function executeCase(
  context: CallContext,
  agent: ParsedAgent,
  testCase: SuiteCase,
  options: { prices: PriceTable; liveTools: boolean },
): Promise<Execution> {
  return runConversation(
    context,
    agent,
    renderConversation(agent, caseInput(testCase)),
    testCase.vars ?? {},
    (call, tool) => runTool(context, testCase, tool, call.name, call.arguments, options.liveTools),
    options.prices,
  );
}
