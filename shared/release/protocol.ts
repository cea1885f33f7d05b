import { z } from 'zod';
import { AgentName, Hash, Semver, plainName } from '../names';
import { Attestation } from '../attestation';

export { Attestation, Hash };

/**
 * The protocol between Slipway and an agent runtime: HTTP + JSON, every body one of these
 * schemas. docs/runtime-api.json (OpenAPI) is generated from them.
 */

export const Role = z.enum(['invoker', 'viewer', 'deployer', 'admin']);
export type Role = z.infer<typeof Role>;

/** PUT /v1/agents/{agent}/versions/{hash}: the runtime recomputes the hash from the files. */
export const VersionUpload = z.object({
  semver: Semver,
  files: z.record(z.string().min(1), z.string().max(5_000_000)),
});
export type VersionUpload = z.infer<typeof VersionUpload>;

export const VersionRef = z.object({ hash: Hash, semver: Semver });
export type VersionRef = z.infer<typeof VersionRef>;

export const ReleaseState = z.object({
  agent: AgentName,
  stable: VersionRef.nullable(),
  canary: VersionRef.extend({ weight: z.number().min(0).max(100) }).nullable(),
  shadow: VersionRef.extend({ share: z.number().min(0).max(100) }).nullable(),
  paused: z.boolean(),
  /** Where the release plan is: the current step (-1: the shadow phase) and since when; null without a plan. */
  plan: z.object({ step: z.int().min(-1), since: z.string() }).nullable(),
  /** Stables before the current one, newest last: what a rollback returns to. */
  history: z.array(VersionRef),
  generation: z.int().min(0),
  updatedAt: z.string(),
});
export type ReleaseState = z.infer<typeof ReleaseState>;

const Weight = z.number().gt(0, 'a weight is above 0').max(100, 'a weight is at most 100');
const Share = z.number().gt(0, 'a share is above 0').max(100, 'a share is at most 100');

export const CommandAction = z.discriminatedUnion('type', [
  /** The first stable version, when there is none yet. */
  z.object({ type: z.literal('deploy'), version: Hash }),
  z.object({ type: z.literal('canary'), version: Hash, weight: Weight }),
  z.object({ type: z.literal('set-weight'), weight: Weight }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('promote') }),
  /** Back to the previous stable (or a named version, which must have been uploaded); ends any canary. */
  z.object({
    type: z.literal('rollback'),
    to: Hash.optional(),
    reason: z.string().trim().min(1, 'a rollback needs a reason').max(2000),
  }),
  z.object({ type: z.literal('shadow'), version: Hash, share: Share }),
  z.object({ type: z.literal('shadow-off') }),
]);
export type CommandAction = z.infer<typeof CommandAction>;

/** POST /v1/agents/{agent}/commands */
export const Command = z.object({
  /** The same key twice applies the command once and answers the first answer again. */
  idempotencyKey: z.string().min(8, 'an idempotency key is at least 8 characters').max(200),
  /** The generation the sender saw; another one is refused with 409 and the current state. */
  expectedGeneration: z.int().min(0),
  action: CommandAction,
});
export type Command = z.infer<typeof Command>;

export const CommandAnswer = z.object({ applied: z.boolean(), state: ReleaseState });
export type CommandAnswer = z.infer<typeof CommandAnswer>;

/** The deterministic assertions a runtime checks on every live response of a release with a plan. */
export const LiveAssertion = z.discriminatedUnion('type', [
  z.object({ type: z.literal('is-json') }),
  z.object({ type: z.literal('json-schema'), value: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('not-contains'), value: z.string() }),
  z.object({
    type: z.literal('regex'),
    value: z.string(),
    flags: z
      .string()
      .regex(/^[gimsuy]*$/)
      .optional(),
  }),
  /** The conversation (as the caller sent it, with this answer) called no tool, or none of these. */
  z.object({ type: z.literal('no-tool-called'), names: z.array(z.string().min(1)).min(1).optional() }),
  /** Bounds on the conversation's model turns and tool calls. */
  z.object({
    type: z.literal('step-count'),
    min_turns: z.int().nonnegative().optional(),
    max_turns: z.int().nonnegative().optional(),
    min_tool_calls: z.int().nonnegative().optional(),
    max_tool_calls: z.int().nonnegative().optional(),
  }),
]);
export type LiveAssertion = z.infer<typeof LiveAssertion>;

export const Guardrails = z.object({
  /** Highest share of failed requests (0..1). */
  maxErrorRate: z.number().min(0).max(1).optional(),
  maxP95LatencyMs: z.number().positive().optional(),
  maxCostPerRequestUsd: z.number().nonnegative().optional(),
  /** Highest share of responses failing a live assertion (0..1). */
  maxAssertionFailureRate: z.number().min(0).max(1).optional(),
  assertions: z.array(LiveAssertion).default([]),
  /** Requests the canary must have served in the window before it is judged. */
  minRequests: z.int().min(1).default(20),
  windowMs: z.int().min(100).default(60_000),
});
export type Guardrails = z.infer<typeof Guardrails>;

export const ReleasePlan = z.object({
  /** Suites the canary's version must have passed (attestations below) before it takes traffic. */
  gate: z
    .object({ suites: z.array(z.string()).default([]), attestations: z.array(Attestation).default([]) })
    .default({ suites: [], attestations: [] }),
  shadow: z.object({ share: Share, durationMs: z.int().min(0) }).optional(),
  steps: z
    .array(z.object({ weight: Weight, holdMs: z.int().min(0) }))
    .min(1)
    .default([
      { weight: 5, holdMs: 600_000 },
      { weight: 25, holdMs: 600_000 },
      { weight: 50, holdMs: 600_000 },
      { weight: 100, holdMs: 600_000 },
    ]),
  autoAdvance: z.boolean().default(false),
  /** The gate suites' deterministic assertions, checked on every live response (with the guardrails' own). */
  assertions: z.array(LiveAssertion).default([]),
});
export type ReleasePlan = z.infer<typeof ReleasePlan>;

/**
 * Latencies of a bucket, log-scale (shared/release/window.ts): `index:count` pairs by index,
 * comma-separated — checked by one pattern, read without a sort.
 */
export const LatencyHistogram = z
  .string()
  .max(20_000)
  .regex(/^(\d{1,4}:\d{1,12}(,\d{1,4}:\d{1,12})*)?$/, 'a latency histogram is index:count pairs, comma-separated');
export type LatencyHistogram = z.infer<typeof LatencyHistogram>;

export const MetricsBucket = z.object({
  version: Hash,
  /** The traffic segment (empty until segments exist). */
  segment: z.string(),
  start: z.string(),
  widthMs: z.int().positive(),
  /** The current bucket, still filling: its figures will grow. */
  partial: z.boolean(),
  requests: z.int(),
  errors: z.int(),
  latencyP50: z.number().nullable(),
  latencyP95: z.number().nullable(),
  latencyP99: z.number().nullable(),
  inputTokens: z.int(),
  outputTokens: z.int(),
  costUsd: z.number(),
  toolCalls: z.int(),
  assertionFailures: z.int(),
  latency: LatencyHistogram,
});
export type MetricsBucket = z.infer<typeof MetricsBucket>;

export const RuntimeEventType = z.enum([
  'uploaded',
  'deployed',
  'canary-started',
  'weight-set',
  'paused',
  'resumed',
  'promoted',
  'rolled-back',
  'shadow-set',
  'shadow-off',
  'guardrail-tripped',
  'step-advanced',
  'plan-set',
  'guardrails-set',
  'team-released',
  'team-rolled-back',
  'token-created',
  'token-revoked',
]);

export const RuntimeEvent = z.object({
  /** The cursor: events are numbered; a stream resumes after the last one seen. */
  id: z.int(),
  at: z.string(),
  agent: z.string(),
  type: RuntimeEventType,
  actor: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type RuntimeEvent = z.infer<typeof RuntimeEvent>;

export const Sample = z.object({
  id: z.int(),
  at: z.string(),
  agent: z.string(),
  input: z.unknown(),
  primary: z.object({ version: Hash, output: z.string() }),
  shadow: z.object({
    version: Hash,
    output: z.string(),
    status: z.enum(['ok', 'tool-mismatch', 'error']),
    detail: z.string().nullable(),
  }),
});
export type Sample = z.infer<typeof Sample>;

export const Capture = z.object({
  retentionDays: z.int().min(1).default(7),
  retentionCount: z.int().min(1).default(10_000),
  /** Regular expressions whose matches are replaced by [redacted] before a sample is stored. */
  redact: z
    .array(
      z.string().refine((pattern) => {
        try {
          new RegExp(pattern, 'g');
          return true;
        } catch {
          return false;
        }
      }, 'a redact pattern must be a valid regular expression'),
    )
    .default([]),
});
export type Capture = z.infer<typeof Capture>;

export const Webhook = z.object({ url: z.url(), format: z.enum(['json', 'slack']).default('json') });
export const Webhooks = z.object({ hooks: z.array(Webhook) });

/** POST /v1/agents/{agent}/invoke */
export const InvokeRequest = z.object({
  vars: z.record(z.string(), z.unknown()).optional(),
  messages: z
    .array(z.object({ role: z.enum(['user', 'assistant']), content: z.string() }))
    .min(1)
    .optional(),
});
export type InvokeRequest = z.infer<typeof InvokeRequest>;

export const InvokeResponse = z.object({
  output: z.string(),
  toolCalls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.record(z.string(), z.unknown()) })),
  version: VersionRef,
  /** The generation of the release state that routed this request. */
  generation: z.int(),
  latencyMs: z.number(),
  usage: z.object({ inputTokens: z.int().nullable(), outputTokens: z.int().nullable() }),
});

export const TokenRequest = z.object({
  role: Role,
  name: z.string().trim().min(1).max(200),
  /** When the token stops working; none: until it is revoked. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

/** A token as an admin lists it: its id (the first digits of its hash), never its value. */
export const TokenInfo = z.object({
  id: z.string(),
  role: Role,
  name: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

/** Every error answer, OpenAI-shaped: `type` is OpenAI's error type, `code` Slipway's. */
export const ErrorBody = z.object({
  // `type` is optional to read: runtimes of this protocol before it was said send none.
  error: z.object({
    code: z.string(),
    message: z.string(),
    type: z.string().optional(),
    param: z.string().nullable().optional(),
  }),
});

export const TeamName = plainName('team');

/** A team's release on a runtime: which version each member serves, switched together. */
export const TeamState = z.object({
  team: TeamName,
  /** The team release's name in the workspace (team#N), as the client sent it. */
  release: z.string().nullable(),
  members: z.record(AgentName, VersionRef),
  /** Team releases before the current one, newest last: what a team rollback returns to. */
  history: z.array(z.object({ release: z.string().nullable(), members: z.record(AgentName, VersionRef) })),
  generation: z.int().min(0),
  updatedAt: z.string(),
});
export type TeamState = z.infer<typeof TeamState>;

/** POST /v1/teams/{team}/release: every member switches to its version in one generation. */
export const TeamReleaseCommand = z.object({
  idempotencyKey: z.string().min(8, 'an idempotency key is at least 8 characters').max(200),
  expectedGeneration: z.int().min(0),
  release: z.string().max(200).optional(),
  members: z
    .record(AgentName, Hash)
    .refine((members) => Object.keys(members).length > 0, 'a team release names at least one member'),
});
export type TeamReleaseCommand = z.infer<typeof TeamReleaseCommand>;

/** POST /v1/teams/{team}/rollback: back to the previous team release, in one step. */
export const TeamRollbackCommand = z.object({
  idempotencyKey: z.string().min(8, 'an idempotency key is at least 8 characters').max(200),
  expectedGeneration: z.int().min(0),
  reason: z.string().trim().min(1, 'a rollback needs a reason').max(2000),
});
export type TeamRollbackCommand = z.infer<typeof TeamRollbackCommand>;

export const TeamAnswer = z.object({ applied: z.boolean(), team: TeamState, members: z.array(ReleaseState) });
export type TeamAnswer = z.infer<typeof TeamAnswer>;

/** Fields of a chat request the served version decides (its config.yaml and tools.json): refused, never silently ignored. */
const SET_BY_VERSION = [
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'stop',
  'logit_bias',
  'response_format',
  'reasoning_effort',
];
const TOOLS_OF_VERSION = ['tools', 'tool_choice', 'functions', 'function_call', 'parallel_tool_calls'];
/** Fields read, or harmless to a served answer. */
const READ_FIELDS = new Set(['model', 'messages', 'stream', 'stream_options', 'n', 'user', 'metadata', 'store']);

/**
 * An OpenAI chat-completions request as the runtime serves it: the version's config sets the
 * model's parameters and its tools.json the tools, so a request that sets them, asks for more
 * than one choice, or names a field the runtime does not know is refused with the field named.
 */
export const ChatRequest = z
  .looseObject({
    model: z.string().min(1, 'model names the agent'),
    messages: z
      .array(
        z.object({
          role: z.enum(['system', 'user', 'assistant', 'tool', 'developer']),
          content: z
            .union(
              [z.string(), z.null(), z.array(z.looseObject({ type: z.literal('text'), text: z.string() }))],
              // Text parts only: an image or audio part would be dropped without a word, so it is refused.
              { error: 'content is a string or a list of text parts: only text content parts are served' },
            )
            .optional(),
          tool_calls: z
            .array(
              z.object({
                id: z.string(),
                type: z.literal('function'),
                function: z.object({ name: z.string(), arguments: z.string() }),
              }),
            )
            .optional(),
          tool_call_id: z.string().optional(),
          name: z.string().optional(),
        }),
      )
      .min(1, 'messages is empty'),
    stream: z.boolean().optional(),
    n: z.literal(1, 'n must be 1: the runtime answers one choice').optional(),
  })
  .superRefine((request, ctx) => {
    for (const key of Object.keys(request)) {
      if (READ_FIELDS.has(key)) continue;
      const message = SET_BY_VERSION.includes(key)
        ? `${key} is set by the served version's config.yaml: leave it out of the request`
        : TOOLS_OF_VERSION.includes(key)
          ? `${key} is refused: the served version declares its own tools (tools.json)`
          : `${key} is not a field this runtime serves`;
      ctx.addIssue({ code: 'custom', path: [key], message });
    }
  });
export type ChatRequest = z.infer<typeof ChatRequest>;
