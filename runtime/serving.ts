import deepEqual from 'fast-deep-equal';
import { scrubSecrets } from '../shared/engine/secrets';
import { evaluate } from '../shared/engine/assertions';
import { callModel, rateGate, runConversation, type CallContext } from '../shared/engine/execute';
import { costOf, type PriceTable } from '../shared/engine/prices';
import { providerFor } from '../shared/engine/providers';
import { caseInput, renderConversation, renderTemplate } from '../shared/engine/render';
import { callTraces, trajectoryOf } from '../shared/engine/trajectory';
import { EngineError, type ChatMessage, type ModelTurn, type Platform, type ToolCall } from '../shared/engine/types';
import { SlipwayError } from '../shared/errors';
import type { ChatRequest, InvokeRequest, ReleaseState, VersionRef } from '../shared/release/protocol';
import { route } from '../shared/release/state';
import { parseAgentFiles, type ParsedAgent } from '../shared/validate-files';
import { keyName, policyProblems, type EgressPolicy } from '../shared/release/policy';
import { versionPlatform } from './egress';
import type { Recorder } from './metrics';
import type { RuntimeStore } from './store';

interface Loaded {
  ref: VersionRef;
  agent: ParsedAgent;
  /**
   * Why it may not run here (a rule of the operator's policy it breaks, or a key the runtime
   * lacks), worked out once as it is loaded: the operator's flags and environment are fixed while
   * the process runs. Null: it may run.
   */
  unavailable: SlipwayError | null;
  context: Promise<Omit<CallContext, 'signal'>>;
}

export interface Served {
  version: VersionRef;
  /** The generation of the release state that routed it. */
  generation: number;
  turn: ModelTurn;
  latencyMs: number;
}

/** How one request is served: its routing key, what cancels it, and who hears of its version and its text as they come. */
export interface ServeOptions {
  routingKey: string;
  /** Aborted when the client goes away: the upstream call and any retry stop. */
  signal: AbortSignal;
  /** Called once the request is routed, before the model is called. */
  onRouted?: (version: VersionRef, generation: number) => void;
  /** Text as the upstream streams it (providers that cannot stream answer at the end). */
  onText?: (delta: string) => void;
}

/** A version's files that break the operator's policy: refused by name at upload, deploy and call. */
export function refusedByPolicy(problems: string[], semver: string): SlipwayError {
  return new SlipwayError('forbidden', `version ${semver} may not run on this runtime: ${problems.join('; ')}`);
}

function text(content: ChatRequest['messages'][number]['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => part.text ?? '').join('');
  return '';
}

function parseArguments(raw: string): Record<string, unknown> {
  try {
    const value = JSON.parse(raw || '{}') as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * A chat request's messages after the version's system prompt and examples; the caller's own
 * system and developer messages stay system messages, after the version's.
 */
function chatConversation(agent: ParsedAgent, request: ChatRequest): ChatMessage[] {
  let system: string;
  try {
    system = renderTemplate(agent.prompt, {}, 'prompt.md');
  } catch (error) {
    throw new SlipwayError(
      'invalid_input',
      `${(error as Error).message}: this agent's prompt takes variables, so call POST /v1/agents/${request.model}/invoke with vars`,
    );
  }
  const messages: ChatMessage[] = [
    { role: 'system', content: system },
    ...(agent.examples ?? []).map((example) => ({ role: example.role, content: example.content })),
  ];
  for (const message of request.messages) {
    const content = text(message.content);
    if (message.role === 'system' || message.role === 'developer') messages.push({ role: 'system', content });
    else if (message.role === 'tool')
      messages.push({
        role: 'tool',
        content,
        toolCallId: message.tool_call_id ?? '',
        ...(message.name ? { name: message.name } : {}),
      });
    else if (message.role === 'assistant' && message.tool_calls?.length)
      messages.push({
        role: 'assistant',
        content,
        toolCalls: message.tool_calls.map((call) => ({
          id: call.id,
          name: call.function.name,
          arguments: parseArguments(call.function.arguments),
        })),
      });
    else messages.push({ role: message.role, content });
  }
  return messages;
}

/** Tool results the conversation already holds, by call: what a shadow may be answered with. */
function recordedToolResults(messages: ChatMessage[]): Array<{ call: ToolCall; result: string }> {
  const results = new Map(
    messages.filter((message) => message.role === 'tool').map((message) => [message.toolCallId, message.content]),
  );
  return messages.flatMap((message) =>
    (message.toolCalls ?? []).flatMap((call) => (results.has(call.id) ? [{ call, result: results.get(call.id) ?? '' }] : [])),
  );
}

/** A shadow's tool call the primary request did not make: the shadow stops, since the tool is never called for it. */
class ToolMismatch extends Error {
  constructor(
    call: ToolCall,
    readonly said: string,
  ) {
    super(`the shadow called ${call.name}(${JSON.stringify(call.arguments)}), which the primary request did not`);
  }
}

function redactText(value: string, patterns: RegExp[]): string {
  return patterns.reduce((result, pattern) => result.replace(pattern, '[redacted]'), value);
}

/**
 * Serving traffic: route each request (sticky weighted hash of its routing key), run it on the
 * chosen version with the engine, record it for metrics and guardrails, and mirror a share to
 * the shadow version in the background.
 */
export function createServing(
  store: RuntimeStore,
  recorder: Recorder,
  deps: {
    platform: Platform;
    prices: PriceTable;
    policy: EgressPolicy;
    random?: () => number;
    onShadowDone?: () => void;
  },
) {
  const loaded = new Map<string, Loaded>();
  const random = deps.random ?? Math.random;

  /** A version ready to run: parsed once, its policy checked once per process (the operator's flags are fixed while it runs). */
  const load = (agentName: string, ref: VersionRef): Loaded => {
    const id = `${agentName}\u0000${ref.hash}`;
    const cached = loaded.get(id);
    if (cached) return cached;
    const stored = store.version(agentName, ref.hash);
    if (!stored) throw new SlipwayError('not_found', `version ${ref.hash.slice(0, 12)} of ${agentName} is not on this runtime`);
    const agent = parseAgentFiles(stored.files);
    const problems = policyProblems(agent.config, deps.policy);
    const platform = versionPlatform(deps.platform, deps.policy, agent.config, problems);
    const context = providerFor(agent.config, platform).then((provider) => ({
      provider,
      platform,
      gate: rateGate(platform),
    }));
    // A provider that fails to load is reported on the call that needs it, not as an unhandled rejection now.
    context.catch(() => undefined);
    const key = keyName(agent.config);
    // What the operator's flags or environment lack is the runtime's trouble, not the caller's: 503.
    const unavailable =
      problems.length > 0
        ? new SlipwayError('unavailable', refusedByPolicy(problems, stored.ref.semver).message)
        : key && platform.secrets.get(key) === undefined
          ? new SlipwayError(
              'unavailable',
              `version ${stored.ref.semver} needs the key ${key}, which this runtime does not have: its operator sets SLIPWAY_KEY_${key}`,
            )
          : null;
    const made = { ref: stored.ref, agent, unavailable, context };
    loaded.set(id, made);
    return made;
  };

  const run = async (
    version: Loaded,
    messages: ChatMessage[],
    vars: Record<string, unknown>,
    options: ServeOptions,
  ): Promise<ModelTurn> => {
    if (version.unavailable) throw version.unavailable;
    const context = { ...(await version.context), signal: options.signal };
    const { turn } = await callModel(context, version.agent.config, messages, version.agent.tools, vars, options.onText);
    return turn;
  };

  const record = async (
    agentName: string,
    version: Loaded,
    outcome: { turn: ModelTurn | null; latencyMs: number; messages: ChatMessage[] },
  ) => {
    const assertions = [
      ...(store.setting(agentName, 'guardrails')?.assertions ?? []),
      ...(store.setting(agentName, 'plan')?.assertions ?? []),
    ];
    const usage = outcome.turn?.usage ?? { inputTokens: 0, outputTokens: 0 };
    let assertionFailed = false;
    if (outcome.turn && assertions.length) {
      // The conversation as the caller sent it, and this answer: one case, judged on every step it holds.
      const conversation: ChatMessage[] = [
        ...outcome.messages,
        { role: 'assistant', content: outcome.turn.text, toolCalls: outcome.turn.toolCalls },
      ];
      // The agent's own prompt and examples.yaml come first: the caller's conversation starts after them.
      const opened = 1 + (version.agent.examples?.length ?? 0);
      const trajectory = trajectoryOf(
        conversation,
        conversation.findIndex((message, index) => index >= opened && message.role === 'user') + 1,
      );
      const verdicts = await evaluate(assertions, {
        output: outcome.turn.text,
        toolCalls: callTraces(trajectory),
        latencyMs: outcome.latencyMs,
        tokens: null,
        costUsd: null,
        trajectory,
      });
      assertionFailed = verdicts.some((verdict) => !verdict.pass);
    }
    recorder.record(
      {
        agent: agentName,
        version: version.ref.hash,
        segment: '',
        atMs: Date.now(),
        latencyMs: outcome.latencyMs,
        error: outcome.turn === null,
        inputTokens: usage.inputTokens ?? 0,
        outputTokens: usage.outputTokens ?? 0,
        costUsd: costOf(deps.prices, version.agent.config, usage) ?? 0,
        toolCalls: outcome.turn?.toolCalls.length ?? 0,
        assertionFailed,
      },
      { name: version.agent.config.model, system: version.agent.config.provider },
    );
  };

  /** The shadow's run of the same input: never awaited by the request, never failing it. */
  const mirror = (
    agentName: string,
    state: ReleaseState,
    messages: ChatMessage[],
    vars: Record<string, unknown>,
    input: unknown,
    primary: { version: VersionRef; output: string },
  ) => {
    const shadow = state.shadow;
    if (!shadow || random() * 100 >= shadow.share) return;
    void (async () => {
      const capture = store.setting(agentName, 'capture') ?? { retentionDays: 7, retentionCount: 10_000, redact: [] };
      const patterns = capture.redact.map((pattern) => new RegExp(pattern, 'g'));
      let status: 'ok' | 'tool-mismatch' | 'error' = 'ok';
      let detail: string | null = null;
      let output = '';
      try {
        const version = load(agentName, shadow);
        if (version.unavailable) throw version.unavailable;
        const recorded = recordedToolResults(messages);
        // Tools are never called for a shadow: a call is answered only from the primary's results.
        const conversation = [...messages];
        const execution = await runConversation(
          { ...(await version.context), signal: new AbortController().signal },
          version.agent,
          conversation,
          vars,
          async (call) => {
            const found = recorded.find(
              (entry) => entry.call.name === call.name && deepEqual(entry.call.arguments, call.arguments),
            );
            // The turn that made the call is the conversation's last: what the shadow said there is kept.
            if (!found) throw new ToolMismatch(call, conversation.at(-1)?.content ?? '');
            return found.result;
          },
          deps.prices,
        );
        output = execution.output;
      } catch (error) {
        status = error instanceof ToolMismatch ? 'tool-mismatch' : 'error';
        detail = error instanceof Error ? error.message : String(error);
        if (error instanceof ToolMismatch) output = error.said;
      }
      store.addSample(
        agentName,
        scrubSecrets(
          {
            input: JSON.parse(redactText(JSON.stringify(input), patterns)) as unknown,
            primary: { version: primary.version.hash, output: redactText(primary.output, patterns) },
            shadow: {
              version: shadow.hash,
              output: redactText(output, patterns),
              status,
              detail: detail === null ? null : redactText(detail, patterns),
            },
          },
          deps.platform.secrets,
        ),
        { days: capture.retentionDays, count: capture.retentionCount },
      );
      deps.onShadowDone?.();
    })().catch((error: unknown) =>
      // A shadow never fails its request, and never the runtime: what went wrong is logged.
      console.error(`shadow of ${agentName}: ${error instanceof Error ? error.message : String(error)}`),
    );
  };

  const serve = async (
    agentName: string,
    options: ServeOptions,
    messagesFor: (agent: ParsedAgent) => ChatMessage[],
    vars: Record<string, unknown>,
    input: unknown,
  ): Promise<Served> => {
    const state = store.state(agentName);
    const chosen = route(state, options.routingKey);
    if (!chosen)
      throw new SlipwayError('not_found', `agent "${agentName}" has no stable version on this runtime: deploy one first`);
    options.onRouted?.(chosen.version, state.generation);
    const version = load(agentName, chosen.version);
    const messages = messagesFor(version.agent);
    const started = deps.platform.now();
    let turn: ModelTurn;
    try {
      turn = await run(version, messages, vars, options);
    } catch (error) {
      // A failure counts with the time it took: a canary whose upstream hangs must trip a p95
      // guardrail. A caller that went away is not the version's failure (or any invoker could
      // roll a canary back by hanging up), so it does not count at all.
      if (!options.signal.aborted)
        await record(agentName, version, { turn: null, latencyMs: deps.platform.now() - started, messages });
      throw error instanceof EngineError ? new UpstreamError(error, version.ref) : error;
    }
    const latencyMs = deps.platform.now() - started;
    await record(agentName, version, { turn, latencyMs, messages });
    mirror(agentName, state, messages, vars, input, { version: version.ref, output: turn.text });
    return { version: version.ref, generation: state.generation, turn, latencyMs };
  };

  return {
    invoke: (agentName: string, request: InvokeRequest, options: ServeOptions) => {
      const input = request.messages ? { messages: request.messages } : { vars: request.vars ?? {} };
      return serve(agentName, options, (agent) => renderConversation(agent, caseInput(input)), request.vars ?? {}, input);
    },
    chat: (request: ChatRequest, options: ServeOptions) =>
      serve(request.model, options, (agent) => chatConversation(agent, request), {}, { messages: request.messages }),
    /** Refuses a version the operator's policy does not let run, by name: at upload and before it takes traffic. */
    check: (agentName: string, files: Record<string, string>, semver: string): void => {
      const problems = policyProblems(parseAgentFiles(files).config, deps.policy);
      if (problems.length > 0) throw refusedByPolicy(problems, semver);
    },
  };
}

/** A model call that failed on a version: what the upstream said (a 429 with its Retry-After), and which version it was. */
export class UpstreamError extends Error {
  constructor(
    readonly failure: EngineError,
    readonly version: VersionRef,
  ) {
    super(`the model call failed on ${version.semver}: ${failure.message}`);
  }
}

export type Serving = ReturnType<typeof createServing>;
