import { randomUUID } from 'node:crypto';
import { scrubSecrets } from '../shared/engine/secrets';
import { shapeProblem } from '../shared/bounded-parse';
import { clip } from '../shared/issues';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { PriceTable } from '../shared/engine/prices';
import { EngineError, type Platform } from '../shared/engine/types';
import { SlipwayError } from '../shared/errors';
import { canonicalManifest } from '../shared/manifest';
import { nodeSha256 } from '../shared/node/sha256';
import { AgentName } from '../shared/names';
import type { RuntimeEvent, TokenInfo, VersionRef } from '../shared/release/protocol';
import {
  PATH_PARAMS,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  REQUEST_ID_HEADER,
  VERSION_HEADER,
  GENERATION_HEADER,
  matchRoute,
  routes,
  type BodyLimit,
  type Route,
  type RouteName,
  type Routes,
} from '../shared/release/routes';
import type { EgressPolicy } from '../shared/release/policy';
import { startGuardian } from './guardian';
import { createRecorder } from './metrics';
import { createReleaseControl } from './release-control';
import { createServing, UpstreamError } from './serving';
import { openRuntimeStore, requireRole, type RuntimeStore } from './store';
import { notifyWebhooks } from './webhooks';
import { describeIssues } from '../shared/issues';

/** Body limits by route kind: chat and invoke, a version upload, a command or setting. */
export const DEFAULT_BODY_LIMITS: Record<BodyLimit, number> = {
  traffic: 4 * 1024 * 1024,
  upload: 32 * 1024 * 1024,
  command: 64 * 1024,
};
export const DEFAULT_HELD_BODIES_LIMIT = 256 * 1024 * 1024;
export const DEFAULT_BUCKET_MS = 10_000;
export const DEFAULT_METRICS_RETENTION_MS = 7 * 86_400_000;

export interface RuntimeOptions {
  dir: string;
  port?: number;
  host?: string;
  platform: Platform;
  prices: PriceTable;
  /** How often the guardian judges canaries and advances plans. */
  evaluationIntervalMs?: number;
  /** How often served requests' aggregates are written to the database. */
  flushMs?: number;
  /** Width of a stored metrics bucket. */
  bucketMs?: number;
  /** How long metrics buckets are kept. */
  metricsRetentionMs?: number;
  /** What versions may run: programs, hosts, keys (the serve flags). */
  policy: EgressPolicy;
  /** How webhooks are posted (the admin chose their URLs; versions never reach this fetch). Default: the platform's. */
  notify?: typeof fetch;
  bodyLimits?: Partial<Record<BodyLimit, number>>;
  /** The most bytes of request bodies held at once, all requests together. */
  heldBodiesLimit?: number;
  random?: () => number;
}

export interface RunningRuntime {
  url: string;
  store: RuntimeStore;
  close: () => Promise<void>;
}

const STATUS: Record<string, number> = {
  invalid_input: 400,
  invalid_files: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  internal: 502,
};

/** OpenAI's error type for a status, so an OpenAI client reads a runtime's errors as it reads OpenAI's. */
function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, root = 'body'): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, 'invalid_input', describeIssues(parsed.error, { root }));
  return parsed.data;
}

const tooLarge = (limit: number) => new HttpError(413, 'invalid_input', `the body is over ${limit} bytes, this endpoint's limit`);

/** The bytes of request bodies held at once, across every request: what many slow bodies may take together. */
export interface BodyBudget {
  held: number;
  most: number;
}

/**
 * The body as JSON, refused with 413 as soon as it is known to pass the limit (from its
 * Content-Length, else as it arrives), and with 503 when holding it would take the bodies held
 * at once past the budget.
 */
async function readJson(request: IncomingMessage, response: ServerResponse, limit: number, budget: BodyBudget): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request) {
      const length = (chunk as Buffer).length;
      size += length;
      if (size > limit) throw tooLarge(limit);
      if (budget.held + length > budget.most)
        throw new HttpError(
          503,
          'unavailable',
          'the runtime is holding as many request bodies as it may at once: try again shortly',
          {},
          { 'retry-after': '1' },
        );
      budget.held += length;
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    budget.held -= chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    throw error;
  }
  // A body read is held until its answer is written (a chat waiting on its upstream still holds it).
  const held = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  response.once('close', () => (budget.held -= held));
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, 'invalid_input', `the body is not JSON: ${clip((error as Error).message)}`);
  }
  const problem = shapeProblem(value, 'the body');
  if (problem) throw new HttpError(400, 'invalid_input', problem);
  return value;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
    ...headers,
  });
  response.end(text);
}

/** An error as its status, OpenAI-shaped body and headers (a 429's Retry-After). */
function errorAnswer(error: unknown): { status: number; body: Record<string, unknown>; headers: Record<string, string> } {
  const answer = (status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers = {}) => ({
    status,
    body: { error: { code, message, type: errorType(status), param: null }, ...extra },
    headers,
  });
  if (error instanceof HttpError) return answer(error.status, error.code, error.message, error.extra, error.headers);
  if (error instanceof SlipwayError) {
    const extra = 'state' in error ? { state: (error as SlipwayError & { state: unknown }).state } : {};
    return answer(STATUS[error.code] ?? 500, error.code, error.message, extra);
  }
  const failure = error instanceof UpstreamError ? error.failure : error instanceof EngineError ? error : null;
  if (failure) {
    const message = error instanceof Error ? error.message : failure.message;
    if (failure.kind === 'rate_limited')
      return answer(
        429,
        'rate_limited',
        message,
        {},
        {
          'retry-after': String(Math.max(1, Math.ceil((failure.retryAfterMs ?? 1000) / 1000))),
        },
      );
    if (failure.kind === 'config') return answer(400, 'invalid_input', message);
    if (failure.kind === 'timeout') return answer(504, 'upstream_timeout', message);
    return answer(502, 'upstream', message);
  }
  console.error(error);
  return answer(500, 'internal', 'the runtime failed; see its log');
}

/** The reference runtime: an HTTP server over its data folder. */
export async function startRuntime(options: RuntimeOptions): Promise<RunningRuntime> {
  const store = openRuntimeStore(options.dir);
  const limits = { ...DEFAULT_BODY_LIMITS, ...options.bodyLimits };
  const budget: BodyBudget = { held: 0, most: options.heldBodiesLimit ?? DEFAULT_HELD_BODIES_LIMIT };
  const recorder = createRecorder(store, {
    flushMs: options.flushMs ?? 200,
    bucketMs: options.bucketMs ?? DEFAULT_BUCKET_MS,
    retentionMs: options.metricsRetentionMs ?? DEFAULT_METRICS_RETENTION_MS,
  });
  const streams = new Set<{ agent: string | null; write: (event: RuntimeEvent) => void }>();
  const emit = (event: RuntimeEvent) => {
    for (const stream of streams) if (stream.agent === null || stream.agent === event.agent) stream.write(event);
    notifyWebhooks(store, event, options.notify ?? options.platform.fetch);
  };
  const serving = createServing(store, recorder, {
    platform: options.platform,
    prices: options.prices,
    policy: options.policy,
    ...(options.random ? { random: options.random } : {}),
  });
  const control = createReleaseControl(store, emit, (agent, hash) => {
    const version = store.version(agent, hash);
    if (version) serving.check(agent, version.files, version.ref.semver);
  });
  const guardian = startGuardian(store, recorder, control, { intervalMs: options.evaluationIntervalMs ?? 5000, emit });

  type Answer = { status?: number; body: unknown; headers?: Record<string, string> } | 'sent';
  interface Call<R extends Route> {
    params: Record<string, string>;
    query: R['query'] extends z.ZodObject ? z.output<R['query']> : undefined;
    body: R['body'] extends z.ZodType ? z.output<R['body']> : undefined;
    /** The token's holder; null on routes that need none. */
    holder: TokenInfo | null;
    requestId: string;
    request: IncomingMessage;
    response: ServerResponse;
    /** Aborted when the client goes away before its answer is written. */
    signal: AbortSignal;
  }
  type Handlers = { [N in RouteName]: (call: Call<Routes[N]>) => Promise<Answer> | Answer };
  /** A handler that wrote its answer itself (a stream, Prometheus text). */
  const SENT: Answer = 'sent';
  /** Who did it: always the token's own name, never what a body claims (the runtime's own moves say `runtime`). */
  const actor = (holder: TokenInfo | null) => (holder ? `token:${holder.name} (${holder.id})` : 'token:none');
  const agentOf = (call: { params: Record<string, string> }) => call.params.agent ?? '';
  const teamOf = (call: { params: Record<string, string> }) => call.params.team ?? '';
  const setting = (kind: 'plan' | 'guardrails' | 'capture' | 'webhooks', event: 'plan-set' | 'guardrails-set' | null) => ({
    get: (call: { params: Record<string, string> }): Answer => ({ body: { [kind]: store.setting(agentOf(call), kind) ?? null } }),
    put: (call: { params: Record<string, string>; body: unknown; holder: TokenInfo | null }): Answer => {
      const agent = agentOf(call);
      store.putSetting(agent, kind, call.body);
      if (event) emit(store.event(agent, { type: event, actor: actor(call.holder), detail: { [kind]: call.body } }));
      return { body: { [kind]: call.body } };
    },
  });
  const plan = setting('plan', 'plan-set');
  const guardrails = setting('guardrails', 'guardrails-set');
  const capture = setting('capture', null);
  const webhooks = setting('webhooks', null);
  /** Each served answer, errors included, says the version that served it, once routed. */
  const routed = (response: ServerResponse) => (version: VersionRef, generation: number) => {
    response.setHeader(VERSION_HEADER, `${version.semver} ${version.hash}`);
    response.setHeader(GENERATION_HEADER, String(generation));
  };
  const routingKey = (request: IncomingMessage) => String(request.headers['x-slipway-routing-key'] ?? randomUUID());

  /** What each route of the protocol does; the route table says who may call it and what it takes. */
  const handlers: Handlers = {
    health: () => ({ body: { ok: true, protocol: PROTOCOL_VERSION } }),
    prometheus: async ({ response }) => {
      const text = await recorder.prometheus();
      response.writeHead(200, { 'content-type': recorder.contentType, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) });
      response.end(text);
      return SENT;
    },
    models: () => ({
      body: {
        object: 'list',
        data: store
          .releases()
          .filter((state) => state.stable !== null)
          .map((state) => ({
            id: state.agent,
            object: 'model',
            created: Math.floor(Date.parse(state.updatedAt) / 1000),
            owned_by: 'slipway',
          })),
      },
    }),
    tokens: () => ({ body: { tokens: store.tokens() } }),
    createToken: ({ body, holder }) => {
      const made = store.createToken(body.role, body.name, body.expiresAt ?? null);
      emit(tokenEvent(store, 'token-created', made.info, actor(holder)));
      return { status: 201, body: { token: made.token, role: body.role, info: made.info } };
    },
    revokeToken: ({ params, holder }) => {
      const found = store.revokeToken(params.token ?? '');
      if (!found) throw new HttpError(404, 'not_found', `no token has an id starting ${params.token ?? ''}`);
      // Revoking a revoked token changes nothing, and says nothing happened.
      if (found.revoked) emit(tokenEvent(store, 'token-revoked', found.info, actor(holder)));
      return { body: { info: found.info } };
    },
    chatCompletions: async ({ body, request, response, requestId, signal }) => {
      parse(AgentName, body.model, 'model');
      const created = Math.floor(Date.now() / 1000);
      let streaming = false;
      const chunk = (delta: Record<string, unknown>, finishReason: string | null, extra: Record<string, unknown> = {}) =>
        response.write(
          `data: ${JSON.stringify({ id: requestId, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra })}\n\n`,
        );
      // The stream opens with the first piece of text, so whatever fails before it is still an HTTP error.
      const open = () => {
        if (streaming) return;
        streaming = true;
        response.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
        });
        chunk({ role: 'assistant', content: '' }, null);
      };
      let streamedText = false;
      const served = await serving.chat(body, {
        routingKey: routingKey(request),
        signal,
        onRouted: routed(response),
        ...(body.stream
          ? {
              onText: (delta: string) => {
                open();
                streamedText = true;
                chunk({ content: delta }, null);
              },
            }
          : {}),
      });
      const toolCalls = served.turn.toolCalls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify(call.arguments) },
      }));
      const finish = toolCalls.length ? 'tool_calls' : 'stop';
      const usage = {
        prompt_tokens: served.turn.usage.inputTokens ?? 0,
        completion_tokens: served.turn.usage.outputTokens ?? 0,
        total_tokens: (served.turn.usage.inputTokens ?? 0) + (served.turn.usage.outputTokens ?? 0),
      };
      if (body.stream) {
        open();
        if (!streamedText && served.turn.text) chunk({ content: served.turn.text }, null);
        if (toolCalls.length) chunk({ tool_calls: toolCalls.map((call, index) => ({ index, ...call })) }, null);
        chunk({}, finish, { usage });
        response.end('data: [DONE]\n\n');
        return SENT;
      }
      return {
        body: {
          id: requestId,
          object: 'chat.completion',
          created,
          model: body.model,
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: toolCalls.length && !served.turn.text ? null : served.turn.text,
                ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
              },
              finish_reason: finish,
            },
          ],
          usage,
          slipway: { version: served.version, generation: served.generation },
        },
      };
    },
    events: ({ query, request, response, holder }) => {
      const agent = query.agent ?? null;
      // Token events name every token and its role: only an admin, who may list tokens, sees them.
      const shown = (event: RuntimeEvent) => holder?.role === 'admin' || !event.type.startsWith('token-');
      let cursor = Number(request.headers['last-event-id'] ?? query.after ?? 0) || 0;
      if (query.stream === 'false') return { body: { events: store.eventsSince(cursor, agent).filter(shown) } };
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
      });
      response.flushHeaders();
      const write = (event: RuntimeEvent) => {
        if (event.id <= cursor || !shown(event)) return;
        // A stream lasts only as long as its token: revoked or expired since it opened, it ends here.
        try {
          requireRole(store, request.headers.authorization, routes.events.roles ?? []);
        } catch {
          streams.delete(stream);
          response.end();
          return;
        }
        cursor = event.id;
        response.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      };
      const stream = { agent, write };
      for (const event of store.eventsSince(cursor, agent)) write(event);
      streams.add(stream);
      response.on('close', () => streams.delete(stream));
      return SENT;
    },
    team: (call) => ({ body: store.team(teamOf(call)) }),
    teamRelease: (call) => ({ body: control.teamRelease(teamOf(call), call.body, actor(call.holder)) }),
    teamRollback: (call) => ({ body: control.teamRollback(teamOf(call), call.body, actor(call.holder)) }),
    upload: (call) => {
      const agent = agentOf(call);
      const hash = call.params.hash ?? '';
      const computed = canonicalManifest(call.body.files, nodeSha256).hash;
      if (computed !== hash)
        throw new HttpError(400, 'invalid_input', `the files hash to ${computed}, not ${hash}: the upload is refused`);
      try {
        serving.check(agent, call.body.files, call.body.semver);
      } catch (error) {
        if (error instanceof SlipwayError) throw error;
        // Files that make a parser fail (an alias bomb, say) are files that are refused, not a runtime failure.
        throw new HttpError(400, 'invalid_files', `the version's files cannot be read: ${(error as Error).message}`);
      }
      const created = store.putVersion(agent, { hash, semver: call.body.semver }, call.body.files);
      if (created)
        emit(
          store.event(agent, {
            type: 'uploaded',
            actor: actor(call.holder),
            detail: { version: { hash, semver: call.body.semver } },
          }),
        );
      return { status: created ? 201 : 200, body: { hash, semver: call.body.semver, created } };
    },
    state: (call) => ({ body: store.state(agentOf(call)) }),
    command: (call) => ({ body: control.command(agentOf(call), call.body, actor(call.holder)) }),
    invoke: async (call) => {
      const served = await serving.invoke(agentOf(call), call.body, {
        routingKey: routingKey(call.request),
        signal: call.signal,
        onRouted: routed(call.response),
      });
      return {
        body: {
          output: served.turn.text,
          toolCalls: served.turn.toolCalls,
          version: served.version,
          generation: served.generation,
          latencyMs: served.latencyMs,
          usage: served.turn.usage,
        },
      };
    },
    metrics: (call) => {
      const since = Date.parse(call.query.since ?? '') || Date.now() - 3_600_000;
      // Wider buckets are asked for as a whole number of milliseconds, at most a day.
      const asked = Number(call.query.bucketMs);
      const bucketMs = Number.isSafeInteger(asked) ? Math.min(86_400_000, Math.max(recorder.bucketMs, asked)) : recorder.bucketMs;
      const agent = agentOf(call);
      const buckets = recorder.buckets(agent, since, bucketMs);
      // Reaching past the fine buckets' hours, the answer is in ten-minute ones: it says so.
      return { body: { agent, bucketMs: buckets[0]?.widthMs ?? bucketMs, buckets } };
    },
    samples: (call) => ({
      body: {
        samples: store.samples(agentOf(call), Number(call.query.after) || 0, Math.min(1000, Number(call.query.limit) || 100)),
      },
    }),
    plan: plan.get,
    setPlan: plan.put,
    guardrails: guardrails.get,
    setGuardrails: guardrails.put,
    capture: capture.get,
    setCapture: capture.put,
    webhooks: webhooks.get,
    setWebhooks: webhooks.put,
  };

  /** One request: its route from the table, the token's holder, the path, query and body checked, then its handler. */
  const handle = async (request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://runtime');
    // HEAD /health is GET without its body (Node leaves the body out of a HEAD answer).
    const method = request.method === 'HEAD' && url.pathname === '/health' ? 'GET' : (request.method ?? 'GET');
    const found = matchRoute(method, url.pathname);
    if (!found) throw new HttpError(404, 'not_found', `no such endpoint: ${method} ${url.pathname}`);
    const spec: Route = routes[found.name];
    const holder = spec.roles ? requireRole(store, request.headers.authorization, spec.roles) : null;
    for (const [name, value] of Object.entries(found.params)) parse(PATH_PARAMS[name as keyof typeof PATH_PARAMS], value, name);
    const query = spec.query ? parse(spec.query, Object.fromEntries(url.searchParams), 'query') : undefined;
    const body = spec.body
      ? parse(spec.body, await readJson(request, response, limits[spec.limit ?? 'command'], budget))
      : undefined;
    const gone = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) gone.abort(new Error('the client went away'));
    });
    const handler = handlers[found.name] as (call: Call<Route>) => Promise<Answer> | Answer;
    const answer = await handler({
      params: found.params,
      query,
      body,
      holder,
      requestId,
      request,
      response,
      signal: gone.signal,
    } as Call<Route>);
    if (answer !== 'sent') send(response, answer.status ?? spec.status ?? 200, answer.body, answer.headers);
  };

  const server = createServer((request, response) => {
    // Every answer, errors included, carries a request id: outcomes reported later name it.
    const requestId = `req_${randomUUID().replaceAll('-', '')}`;
    response.setHeader(REQUEST_ID_HEADER, requestId);
    handle(request, response, requestId).catch((error: unknown) => {
      if (response.destroyed) return;
      // An upstream's or a program's words may hold a key the runtime has: none goes to the caller.
      const { status, body, headers } = scrubSecrets(errorAnswer(error), options.platform.secrets);
      if (response.headersSent) {
        // A stream already begun: the failure is its last event.
        response.end(`data: ${JSON.stringify(body)}\n\n`);
        return;
      }
      send(response, status, body, headers);
      // A body refused before it was read: the answer goes out at once, and a sender that keeps
      // sending is cut off shortly after (closing at once could reset the answer before it is read).
      if (status === 413 || status === 503) {
        // What still comes is read and thrown away (never kept), so the sender reads its answer before the cut.
        request.resume();
        response.once('finish', () => setTimeout(() => request.destroy(), 2000).unref());
      }
    });
  });
  // A request Node cannot parse (a bad request line, headers past the limit) still gets a JSON error and an id.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({
      error: {
        code: 'invalid_input',
        message: `the request cannot be read: ${error.code ?? error.message}`,
        type: errorType(status),
        param: null,
      },
    });
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${REQUEST_ID_HEADER}: req_${randomUUID().replaceAll('-', '')}\r\n${PROTOCOL_HEADER}: ${PROTOCOL_VERSION}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve()));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    store,
    close: async () => {
      guardian.stop();
      for (const stream of streams) streams.delete(stream);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      recorder.close();
      store.close();
    },
  };
}

/** A token made or revoked, as an event of the runtime (no agent: it concerns the whole runtime). */
export function tokenEvent(
  store: RuntimeStore,
  type: 'token-created' | 'token-revoked',
  info: TokenInfo,
  by: string,
): RuntimeEvent {
  return store.event('', {
    type,
    actor: by,
    detail: { token: { id: info.id, role: info.role, name: info.name, expiresAt: info.expiresAt } },
  });
}
