import type { CodeRunner } from './code';
import type { AgentConfig, ToolDefinition } from '../agent-files';

/** A message of the conversation a provider is given. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** On assistant turns: the tools the model called. */
  toolCalls?: ToolCall[];
  /** On tool turns: which call this answers. */
  toolCallId?: string;
  name?: string;
}

export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export interface Usage {
  inputTokens: number | null;
  outputTokens: number | null;
}

/** What one provider call answers: text, tool calls, or both. */
export interface ModelTurn {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
}

export interface ProviderRequest {
  config: AgentConfig;
  messages: ChatMessage[];
  tools: ToolDefinition[];
  /** Rendered variables, for providers that forward them (http, command). */
  vars: Record<string, unknown>;
  signal: AbortSignal;
}

export interface Provider {
  call(request: ProviderRequest): Promise<ModelTurn>;
  /**
   * The same call, streamed: each piece of text is handed to `onText` as the provider sends it,
   * and the whole turn is answered at the end. Providers that cannot stream have none.
   */
  stream?(request: ProviderRequest, onText: (delta: string) => void): Promise<ModelTurn>;
}

/** The code a platform's fetch gives an answer that began and was cut off before it was whole. */
export const BODY_CUT = 'EBODYCUT';
/** The most an HTTP answer (a provider's, a judge's, a live tool's) may hold; past it the call fails, naming the limit. */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
/** The code a platform's fetch gives an answer over MAX_ANSWER_BYTES. */
export const BODY_TOO_LARGE = 'EBODYLARGE';

/** The most a program may write to stdout: past it the program is stopped and its case fails, naming the limit. */
export const MAX_PROGRAM_STDOUT = 16 * 1024 * 1024;

/** Runs a local program with stdin, for the command provider. Passed in by Node hosts. */
export type SpawnLike = (
  command: string[],
  input: string,
  options: {
    timeoutMs: number;
    signal: AbortSignal;
    /** The whole environment; without it, the host's own with no key but those in `keys`. */
    env?: Record<string, string | undefined>;
    /** The keys the program gets as SLIPWAY_KEY_<NAME>, by name: those its config names. */
    keys?: Readonly<Record<string, string>>;
  },
) => Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean; tooLarge?: boolean }>;

/** Where keys come from. A workspace stores names only; values never reach the database or a log. */
export interface SecretStore {
  get(name: string): string | undefined;
  /** Every value it holds: what is stored or printed is scrubbed of each. */
  values(): string[];
  /** The hosts a key may be sent to (`host`, `host:port`, `*.domain`); null when it is bound to none. */
  hostsFor?(name: string): readonly string[] | null;
}

/** Everything the engine needs from the platform it runs on. */
export interface Platform {
  fetch: typeof fetch;
  secrets: SecretStore;
  spawn?: SpawnLike;
  /** Runs a suite's javascript and python outside this process; without it such assertions error. */
  code?: CodeRunner;
  /** Milliseconds, monotonic. */
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const FAILURE_KINDS = [
  'rate_limited',
  'http',
  'timeout',
  'network',
  'malformed',
  'config',
  'cancelled',
  'tool',
  'budget',
  /** An assertion could not be evaluated (an unsupported type, a broken pattern): the answer is kept, the case is not green. */
  'assertion',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** A failure of a call, explained for a person, with what the runner needs to retry it. */
export class EngineError extends Error {
  readonly kind: FailureKind;
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  /** Calls tried again before this failure was final (a result records them). */
  readonly retries: number;

  constructor(
    kind: FailureKind,
    message: string,
    options: { status?: number | null; retryAfterMs?: number | null; retries?: number } = {},
  ) {
    super(message);
    this.name = 'EngineError';
    this.kind = kind;
    this.status = options.status ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.retries = options.retries ?? 0;
  }

  get retryable(): boolean {
    return (
      this.kind === 'rate_limited' ||
      this.kind === 'timeout' ||
      this.kind === 'network' ||
      // A 4xx is the request's own fault and would fail again, except a timeout or a conflict.
      (this.kind === 'http' && ((this.status ?? 0) >= 500 || this.status === 408 || this.status === 409))
    );
  }
}
