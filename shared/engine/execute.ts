import deepEqual from 'fast-deep-equal';
import { clip } from '../issues';
import { modelJson } from './providers/answer';
import type { AgentConfig, ToolDefinition } from '../agent-files';
import type { Assertion, SimulatedUser, SuiteCase } from '../suite';
import type { ParsedAgent } from '../validate-files';
import { costOf, type PriceTable } from './prices';
import { caseInput, renderConversation, renderPrelude, renderTemplate } from './render';
import type { ConversationEnd, Observation } from './assertions';
import { callTraces, ownStart, trajectoryOf } from './trajectory';
import { EngineError, type ChatMessage, type ModelTurn, type Platform, type Provider, type ToolCall, type Usage } from './types';

export interface ToolTrace {
  name: string;
  arguments: Record<string, unknown>;
  result: unknown;
  error?: string;
}

/** Where each turn of a conversation began (the index of its user message), and how a simulated one ended. */
export interface ConversationRecord {
  turns: number[];
  ended?: ConversationEnd;
}

export interface Execution {
  output: string;
  messages: ChatMessage[];
  toolCalls: ToolTrace[];
  usage: Usage;
  costUsd: number | null;
  latencyMs: number;
  retries: number;
  /** A conversation case's turns; a single-turn case has none. */
  conversation?: ConversationRecord;
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
  testCase: Pick<SuiteCase, 'id' | 'tools'>,
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

/** How a conversation case is carried on: its simulated user's next message, and whether assertions hold on what the agent did so far. */
export interface ConversationDriver {
  /** The simulated user's next message, given the conversation so far (null when the suite has no simulator). */
  simulator: ((user: SimulatedUser, conversation: ChatMessage[]) => Promise<string>) | null;
  /** Whether every assertion passes on the observation; one that cannot be evaluated throws. */
  holds: (assertions: Assertion[], seen: Observation) => Promise<boolean>;
}

export interface CaseOptions {
  prices: PriceTable;
  liveTools: boolean;
  /** Needed by cases with turns or simulate. */
  driver?: ConversationDriver;
}

/** Runs one case once: render, then the tool loop with the case's tool stubs (or the tools' endpoints, live). */
export async function executeCase(
  context: CallContext,
  agent: ParsedAgent,
  testCase: SuiteCase,
  options: CaseOptions,
): Promise<Execution> {
  if (testCase.turns || testCase.simulate) return executeConversation(context, agent, testCase, options);
  return runConversation(
    context,
    agent,
    renderConversation(agent, caseInput(testCase)),
    testCase.vars ?? {},
    (call, tool) => runTool(context, testCase, tool, call.name, call.arguments, options.liveTools),
    options.prices,
  );
}

/**
 * A conversation case: each user turn (scripted, or written by the simulated user) goes through
 * the tool loop on one growing conversation. A simulated one ends when its goal check holds, the
 * agent gives up, or max_turns is reached. Latency is the agent's own time, summed over turns.
 */
async function executeConversation(
  context: CallContext,
  agent: ParsedAgent,
  testCase: SuiteCase,
  options: CaseOptions,
): Promise<Execution> {
  const vars = testCase.vars ?? {};
  const messages = renderPrelude(agent, vars);
  const opened = messages.length;
  const turns: number[] = [];
  const toolCalls: ToolTrace[] = [];
  const usage: Usage = { inputTokens: 0, outputTokens: 0 };
  let latencyMs = 0;
  let retries = 0;
  let output = '';
  const take = async (text: string, tools: SuiteCase['tools']) => {
    turns.push(messages.length);
    messages.push({ role: 'user', content: text });
    const stubs = { id: testCase.id, tools: [...tools, ...testCase.tools] };
    const execution = await runConversation(
      context,
      agent,
      messages,
      vars,
      (call, tool) => runTool(context, stubs, tool, call.name, call.arguments, options.liveTools),
      options.prices,
    );
    output = execution.output;
    toolCalls.push(...execution.toolCalls);
    latencyMs += execution.latencyMs;
    retries += execution.retries;
    usage.inputTokens = sum(usage.inputTokens, execution.usage.inputTokens);
    usage.outputTokens = sum(usage.outputTokens, execution.usage.outputTokens);
  };
  const done = (ended?: ConversationEnd): Execution => ({
    output,
    messages,
    toolCalls,
    usage,
    costUsd: costOf(options.prices, agent.config, usage),
    latencyMs,
    retries,
    conversation: { turns, ...(ended ? { ended } : {}) },
  });
  if (testCase.turns) {
    for (const [index, turn] of testCase.turns.entries())
      await take(renderTemplate(turn.user, vars, `case ${testCase.id} turn ${index + 1}`), turn.tools);
    return done();
  }
  const user = testCase.simulate;
  const driver = options.driver;
  if (!user) return done();
  if (!driver?.simulator)
    throw new EngineError(
      'config',
      `case ${testCase.id} has a simulated user, but the suite has no simulator: add simulator: { provider, model }`,
    );
  const simulator = driver.simulator;
  const nextMessage = async () => {
    const text = (await simulator(user, messages.slice(opened))).trim();
    if (!text) throw new EngineError('malformed', 'the simulated user wrote an empty message');
    return text;
  };
  let message =
    user.first_message === undefined
      ? await nextMessage()
      : renderTemplate(user.first_message, vars, `case ${testCase.id} first_message`);
  for (let turn = 1; ; turn += 1) {
    await take(message, []);
    const sofar = done();
    const seen = observationOf({ ...sofar, tokens: tokensOf(sofar.usage) });
    if (await driver.holds(user.goal_check, seen)) return done('goal');
    if (user.give_up && (await driver.holds(user.give_up, seen))) return done('gave-up');
    if (turn >= user.max_turns) return done('max-turns');
    message = await nextMessage();
  }
}

/** Input and output tokens together, or null when either is unknown. */
export function tokensOf(usage: Usage): number | null {
  return sum(usage.inputTokens, usage.outputTokens);
}

function sum(total: number | null, more: number | null): number | null {
  return total === null || more === null ? null : total + more;
}

/** What assertions see of an execution: its answer, its measures, and its trajectory (per turn too, for a conversation). */
export function observationOf(
  execution: Pick<Execution, 'output' | 'messages' | 'toolCalls' | 'latencyMs' | 'costUsd' | 'conversation'> & {
    tokens: number | null;
  },
): Observation {
  const { messages, conversation } = execution;
  const starts = conversation?.turns ?? [];
  // Stored results from before trajectories have no messages to read: only their calls are known.
  const whole = messages.length ? trajectoryOf(messages, starts[0] ?? ownStart(messages)) : undefined;
  const seen: Observation = {
    output: execution.output,
    toolCalls: execution.toolCalls,
    latencyMs: execution.latencyMs,
    tokens: execution.tokens,
    costUsd: execution.costUsd,
    ...(whole ? { trajectory: whole } : {}),
    ...(conversation?.ended ? { ended: conversation.ended } : {}),
  };
  if (!conversation) return seen;
  const turns = starts.map((start, index) => {
    const trajectory = trajectoryOf(messages, start + 1, starts[index + 1] ?? messages.length);
    const reply = trajectory.reply === null ? '' : (messages[trajectory.reply]?.content ?? '');
    return {
      output: reply,
      toolCalls: callTraces(trajectory),
      latencyMs: 0,
      tokens: null,
      costUsd: null,
      trajectory,
    };
  });
  return { ...seen, turns };
}
