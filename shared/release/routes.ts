import { z } from 'zod';
import { AgentName } from '../names';
import {
  Capture,
  ChatRequest,
  Command,
  CommandAnswer,
  ErrorBody,
  Guardrails,
  Hash,
  InvokeRequest,
  InvokeResponse,
  MetricsBucket,
  ReleasePlan,
  ReleaseState,
  RuntimeEvent,
  Sample,
  TeamAnswer,
  TeamName,
  TeamReleaseCommand,
  TeamRollbackCommand,
  TeamState,
  TokenInfo,
  TokenRequest,
  VersionUpload,
  Webhooks,
  type Role,
} from './protocol';

/**
 * The runtime protocol, written once: every route's method, path, roles and schemas. The
 * runtime's router, Slipway's client and docs/runtime-api.json are all made from this table,
 * as the app's contract makes IPC, HTTP and the preload.
 */

/** The protocol this table describes. The runtime says it in `/health` and on every answer. */
export const PROTOCOL_VERSION = 2;
export const PROTOCOL_HEADER = 'x-slipway-protocol';
/** On every answer: the request's id (a chat completion's `id` too), which outcomes reported later name. */
export const REQUEST_ID_HEADER = 'x-slipway-request-id';
/** On every served answer, errors included: `SEMVER HASH` of the version that served it. */
export const VERSION_HEADER = 'x-slipway-version';
/** The generation of the agent's release state that routed the request: one per request, checkable. */
export const GENERATION_HEADER = 'x-slipway-generation';

const READ: readonly Role[] = ['viewer', 'deployer', 'admin'];
const DEPLOY: readonly Role[] = ['deployer', 'admin'];
const ADMIN: readonly Role[] = ['admin'];
const TRAFFIC: readonly Role[] = ['invoker', 'admin'];

/** The path parameters any route may have, each with the schema its value must meet. */
export const PATH_PARAMS = {
  agent: AgentName,
  team: TeamName,
  hash: Hash,
  token: z.string().regex(/^[0-9a-f]{6,64}$/, 'a token id is 6 or more hex digits (as GET /v1/tokens lists it)'),
} as const;

/** Which body limit a route's requests are held to (the runtime's --max-*-body flags). */
export type BodyLimit = 'traffic' | 'upload' | 'command';
type PathParam = keyof typeof PATH_PARAMS;

/** `{agent: string}` for '/v1/agents/{agent}/release', and so on. */
export type ParamsOf<P extends string> = P extends `${string}{${infer Name extends PathParam}}${infer Rest}`
  ? { [K in Name]: string } & ParamsOf<Rest>
  : Record<never, never>;

export interface Route<
  P extends string = string,
  B extends z.ZodType | null = z.ZodType | null,
  A extends z.ZodType | null = z.ZodType | null,
  Q extends z.ZodObject | null = z.ZodObject | null,
> {
  method: 'GET' | 'PUT' | 'POST';
  path: P;
  /** The token roles that may call it; null: no token needed. */
  roles: readonly Role[] | null;
  summary: string;
  description?: string;
  body: B;
  query: Q;
  /** The JSON it answers with on success; null when the answer is a stream or text. */
  answer: A;
  /** The success status (200 unless said). */
  status?: number;
  /** The body limit its requests are held to ('command' unless said). */
  limit?: BodyLimit;
  /** Other answers the document names (a 409 with the current state, a 201 for a new upload). */
  also?: Record<string, { description: string; schema: z.ZodType }>;
  headers?: Array<{ name: string; description: string }>;
}

function route<
  const P extends string,
  B extends z.ZodType | null = null,
  A extends z.ZodType | null = null,
  Q extends z.ZodObject | null = null,
>(spec: Omit<Route<P, B, A, Q>, 'body' | 'query' | 'answer'> & { body?: B; query?: Q; answer?: A }): Route<P, B, A, Q> {
  return { ...spec, body: (spec.body ?? null) as B, query: (spec.query ?? null) as Q, answer: (spec.answer ?? null) as A };
}

const Uploaded = z.object({ hash: z.string(), semver: z.string(), created: z.boolean() });
const conflict = {
  description: 'The release is at another generation (or the eval gate refuses); the current state comes back',
  schema: ErrorBody.extend({ state: ReleaseState.optional() }),
};
const teamConflict = {
  description: 'The team is at another generation; its current state comes back',
  schema: ErrorBody.extend({ state: TeamState.optional() }),
};

export const routes = {
  health: route({
    method: 'GET',
    path: '/health',
    roles: null,
    summary: 'Liveness, and the protocol version the runtime speaks',
    answer: z.object({ ok: z.literal(true), protocol: z.int() }),
  }),
  prometheus: route({
    method: 'GET',
    path: '/metrics',
    roles: READ,
    summary: 'Prometheus text format, OpenTelemetry GenAI names (gen_ai_request_model, gen_ai_system, gen_ai_token_type)',
  }),
  models: route({
    method: 'GET',
    path: '/v1/models',
    roles: [...TRAFFIC, 'viewer', 'deployer'],
    summary: 'The agents this runtime serves (those with a stable version), as OpenAI models: the `model` of a chat request',
    answer: z.object({
      object: z.literal('list'),
      data: z.array(z.object({ id: z.string(), object: z.literal('model'), created: z.int(), owned_by: z.string() })),
    }),
  }),
  tokens: route({
    method: 'GET',
    path: '/v1/tokens',
    roles: ADMIN,
    summary: 'The tokens: id, role, name, creation, expiry and revocation (never their values)',
    answer: z.object({ tokens: z.array(TokenInfo) }),
  }),
  createToken: route({
    method: 'POST',
    path: '/v1/tokens',
    roles: ADMIN,
    summary: 'Make a token of a role, optionally expiring; its value is shown once; an event says who made it',
    body: TokenRequest,
    answer: z.object({ token: z.string(), role: z.string(), info: TokenInfo }),
    status: 201,
  }),
  revokeToken: route({
    method: 'POST',
    path: '/v1/tokens/{token}/revoke',
    roles: ADMIN,
    summary: 'Revoke a token by its id: refused from the next request on; an event says who revoked it',
    answer: z.object({ info: TokenInfo }),
  }),
  chatCompletions: route({
    method: 'POST',
    path: '/v1/chat/completions',
    roles: TRAFFIC,
    summary: 'OpenAI-compatible chat completions (stream too); model names the agent',
    description:
      'The served version’s system prompt and examples come before the messages; its model and parameters are used. Answers a chat.completion, or server-sent chat.completion.chunk events with stream: true.',
    body: ChatRequest,
    limit: 'traffic',
    headers: [{ name: 'x-slipway-routing-key', description: 'routes the same key to the same version' }],
  }),
  events: route({
    method: 'GET',
    path: '/v1/events',
    roles: READ,
    summary: 'Events as server-sent events (id = cursor; resume with Last-Event-ID or ?after=), or JSON with ?stream=false',
    // Query values are read as leniently as they always were: what is not a number counts from the start.
    query: z.object({ after: z.string().optional(), agent: AgentName.optional(), stream: z.string().optional() }),
    answer: z.object({ events: z.array(RuntimeEvent) }),
  }),
  team: route({
    method: 'GET',
    path: '/v1/teams/{team}',
    roles: READ,
    summary: "A team's release: the version each member serves, the team releases before, generation",
    answer: TeamState,
  }),
  teamRelease: route({
    method: 'POST',
    path: '/v1/teams/{team}/release',
    roles: DEPLOY,
    summary:
      'Switch every member to its version as its stable, in one generation of the team and of each member (one transaction); any canary or shadow of a member ends',
    body: TeamReleaseCommand,
    answer: TeamAnswer,
    also: { '409': teamConflict },
  }),
  teamRollback: route({
    method: 'POST',
    path: '/v1/teams/{team}/rollback',
    roles: DEPLOY,
    summary: 'Restore the previous team release in one step',
    body: TeamRollbackCommand,
    answer: TeamAnswer,
    also: { '409': teamConflict },
  }),
  upload: route({
    method: 'PUT',
    path: '/v1/agents/{agent}/versions/{hash}',
    roles: DEPLOY,
    summary:
      "Upload a version; the runtime recomputes the hash and refuses a mismatch, invalid files, or files its operator's policy does not let run (commands, hosts, keys: 403 naming the rule); re-uploading is a no-op",
    body: VersionUpload,
    limit: 'upload',
    answer: Uploaded,
    also: { '201': { description: 'Stored', schema: Uploaded } },
  }),
  state: route({
    method: 'GET',
    path: '/v1/agents/{agent}/release',
    roles: READ,
    summary: 'The release state: stable, canary and weight, shadow and share, paused, plan position, generation',
    answer: ReleaseState,
  }),
  command: route({
    method: 'POST',
    path: '/v1/agents/{agent}/commands',
    roles: DEPLOY,
    summary:
      'Apply a command (deploy, canary, set-weight, pause, resume, promote, rollback, shadow, shadow-off); a retried idempotency key answers as before',
    body: Command,
    answer: CommandAnswer,
    also: { '409': conflict },
  }),
  invoke: route({
    method: 'POST',
    path: '/v1/agents/{agent}/invoke',
    roles: TRAFFIC,
    summary: 'Serve a request: routed by a sticky weighted hash of x-slipway-routing-key (else random)',
    body: InvokeRequest,
    limit: 'traffic',
    answer: InvokeResponse,
    headers: [{ name: 'x-slipway-routing-key', description: 'routes the same key to the same version' }],
  }),
  metrics: route({
    method: 'GET',
    path: '/v1/agents/{agent}/metrics',
    roles: READ,
    summary:
      'Per version and time bucket: requests, errors, latency p50/p95/p99, tokens, cost, tool calls, live assertion failures',
    description:
      'Counted at record time per version, segment and bucket (10 s unless the runtime says otherwise): a read sums stored buckets, so its cost does not grow with traffic. bucketMs groups them wider (a multiple of the stored width); the current bucket is marked partial.',
    query: z.object({ since: z.string().optional(), bucketMs: z.string().optional() }),
    answer: z.object({ agent: z.string(), bucketMs: z.int(), buckets: z.array(MetricsBucket) }),
  }),
  samples: route({
    method: 'GET',
    path: '/v1/agents/{agent}/samples',
    roles: READ,
    summary: 'Captured shadow samples, oldest first after a cursor',
    query: z.object({ after: z.string().optional(), limit: z.string().optional() }),
    answer: z.object({ samples: z.array(Sample) }),
  }),
  plan: route({
    method: 'GET',
    path: '/v1/agents/{agent}/plan',
    roles: READ,
    summary: 'The release plan',
    answer: z.object({ plan: ReleasePlan.nullable() }),
  }),
  setPlan: route({
    method: 'PUT',
    path: '/v1/agents/{agent}/plan',
    roles: ADMIN,
    summary: 'Set the release plan (eval gate with attestations, shadow phase, steps, auto-advance)',
    body: ReleasePlan,
    answer: z.object({ plan: ReleasePlan }),
  }),
  guardrails: route({
    method: 'GET',
    path: '/v1/agents/{agent}/guardrails',
    roles: READ,
    summary: 'The guardrails',
    answer: z.object({ guardrails: Guardrails.nullable() }),
  }),
  setGuardrails: route({
    method: 'PUT',
    path: '/v1/agents/{agent}/guardrails',
    roles: ADMIN,
    summary: 'Set the guardrails a canary is judged by',
    body: Guardrails,
    answer: z.object({ guardrails: Guardrails }),
  }),
  capture: route({
    method: 'GET',
    path: '/v1/agents/{agent}/capture',
    roles: READ,
    summary: 'The retention and redaction of captured shadow samples',
    answer: z.object({ capture: Capture.nullable() }),
  }),
  setCapture: route({
    method: 'PUT',
    path: '/v1/agents/{agent}/capture',
    roles: ADMIN,
    summary: 'Set the retention and redaction of captured shadow samples',
    body: Capture,
    answer: z.object({ capture: Capture }),
  }),
  webhooks: route({
    method: 'GET',
    path: '/v1/agents/{agent}/webhooks',
    // A webhook's URL is often its secret (Slack's are): only the role that sets them reads them.
    roles: ADMIN,
    summary: 'The webhooks',
    answer: z.object({ webhooks: Webhooks.nullable() }),
  }),
  setWebhooks: route({
    method: 'PUT',
    path: '/v1/agents/{agent}/webhooks',
    roles: ADMIN,
    summary: 'Set the webhooks for guardrail trips, rollbacks, promotions and steps',
    body: Webhooks,
    answer: z.object({ webhooks: Webhooks }),
  }),
} as const;

export type Routes = typeof routes;
export type RouteName = keyof Routes;

/** A route's path with its parameters filled in, each encoded. */
export function pathOf<P extends string>(route: Route<P>, params: ParamsOf<P>): string {
  const values: Record<string, string> = params;
  return route.path.replace(/\{(\w+)\}/g, (_whole, name: string) => encodeURIComponent(values[name] ?? ''));
}

const compiled = (Object.entries(routes) as Array<[RouteName, Route]>).map(([name, candidate]) => {
  const names: string[] = [];
  const pattern = candidate.path.replace(/\{(\w+)\}/g, (_whole, param: string) => {
    names.push(param);
    return '([^/]+)';
  });
  return { name, method: candidate.method, names, pattern: new RegExp(`^${pattern}$`) };
});

/** Matches a request's method and path to a route and its (still unchecked) path parameters. */
export function matchRoute(method: string, path: string): { name: RouteName; params: Record<string, string> } | null {
  for (const candidate of compiled) {
    if (candidate.method !== method) continue;
    const found = candidate.pattern.exec(path);
    if (!found) continue;
    const params: Record<string, string> = {};
    try {
      candidate.names.forEach((param, index) => (params[param] = decodeURIComponent(found[index + 1] ?? '')));
    } catch {
      // A malformed escape names no agent, team or hash: no route.
      return null;
    }
    return { name: candidate.name, params };
  }
  return null;
}
