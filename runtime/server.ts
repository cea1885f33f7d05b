import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { PriceTable } from '../shared/engine/prices';
import { EngineError, type Platform } from '../shared/engine/types';
import { SlipwayError } from '../shared/errors';
import { canonicalManifest } from '../shared/manifest';
import { nodeSha256 } from '../shared/node/sha256';
import { AgentName } from '../shared/names';
import type { Role, RuntimeEvent } from '../shared/release/protocol';
import {
  PATH_PARAMS,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  matchRoute,
  routes,
  type Route,
  type RouteName,
  type Routes,
} from '../shared/release/routes';
import { startGuardian } from './guardian';
import { buckets, createRecorder } from './metrics';
import { createReleaseControl } from './release-control';
import { createServing } from './serving';
import { openRuntimeStore, requireRole, type RuntimeStore } from './store';
import { notifyWebhooks } from './webhooks';
import { describeIssues } from '../shared/issues';

const MAX_BODY = 50 * 1024 * 1024;

export interface RuntimeOptions {
  dir: string;
  port?: number;
  host?: string;
  platform: Platform;
  prices: PriceTable;
  /** How often the guardian judges canaries and advances plans. */
  evaluationIntervalMs?: number;
  /** How often served requests are written to the database. */
  flushMs?: number;
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
  internal: 502,
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, 'invalid_input', describeIssues(parsed.error, { root: 'body' }));
  return parsed.data;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'invalid_input', 'the body is over 50 MiB');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, 'invalid_input', `the body is not JSON: ${(error as Error).message}`);
  }
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

/** The reference runtime: an HTTP server over its data folder. */
export async function startRuntime(options: RuntimeOptions): Promise<RunningRuntime> {
  const store = openRuntimeStore(options.dir);
  const recorder = createRecorder(store, { flushMs: options.flushMs ?? 200 });
  const streams = new Set<{ agent: string | null; write: (event: RuntimeEvent) => void }>();
  const emit = (event: RuntimeEvent) => {
    for (const stream of streams) if (stream.agent === null || stream.agent === event.agent) stream.write(event);
    notifyWebhooks(store, event, options.platform.fetch);
  };
  const control = createReleaseControl(store, emit);
  const serving = createServing(store, recorder, {
    platform: options.platform,
    prices: options.prices,
    ...(options.random ? { random: options.random } : {}),
  });
  const guardian = startGuardian(store, recorder, control, { intervalMs: options.evaluationIntervalMs ?? 5000, emit });

  type Answer = { status?: number; body: unknown; headers?: Record<string, string> } | 'sent';
  interface Call<R extends Route> {
    params: Record<string, string>;
    query: R['query'] extends z.ZodObject ? z.output<R['query']> : undefined;
    body: R['body'] extends z.ZodType ? z.output<R['body']> : undefined;
    role: Role | null;
    request: IncomingMessage;
    response: ServerResponse;
  }
  type Handlers = { [N in RouteName]: (call: Call<Routes[N]>) => Promise<Answer> | Answer };
  /** A handler that wrote its answer itself (a stream, Prometheus text). */
  const SENT: Answer = 'sent';
  const actor = (role: Role | null) => `token:${role ?? 'none'}`;
  const agentOf = (call: { params: Record<string, string> }) => call.params.agent ?? '';
  const teamOf = (call: { params: Record<string, string> }) => call.params.team ?? '';
  const setting = (kind: 'plan' | 'guardrails' | 'capture' | 'webhooks', event: 'plan-set' | 'guardrails-set' | null) => ({
    get: (call: { params: Record<string, string> }): Answer => ({ body: { [kind]: store.setting(agentOf(call), kind) ?? null } }),
    put: (call: { params: Record<string, string>; body: unknown; role: Role | null }): Answer => {
      const agent = agentOf(call);
      store.putSetting(agent, kind, call.body);
      if (event) emit(store.event(agent, { type: event, actor: actor(call.role), detail: { [kind]: call.body } }));
      return { body: { [kind]: call.body } };
    },
  });
  const plan = setting('plan', 'plan-set');
  const guardrails = setting('guardrails', 'guardrails-set');
  const capture = setting('capture', null);
  const webhooks = setting('webhooks', null);
  const versionHeader = (served: { version: { semver: string; hash: string } }) => ({
    'x-slipway-version': `${served.version.semver} ${served.version.hash}`,
  });

  /** What each route of the protocol does; the route table says who may call it and what it takes. */
  const handlers: Handlers = {
    health: () => ({ body: { ok: true, protocol: PROTOCOL_VERSION } }),
    prometheus: async ({ response }) => {
      const text = await recorder.prometheus();
      response.writeHead(200, { 'content-type': recorder.contentType, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) });
      response.end(text);
      return SENT;
    },
    createToken: ({ body }) => ({ status: 201, body: { token: store.createToken(body.role, body.name), role: body.role } }),
    chatCompletions: async ({ body, request, response }) => {
      parse(AgentName, body.model);
      const served = await serving.chat(body, String(request.headers['x-slipway-routing-key'] ?? randomUUID()));
      const id = `chatcmpl-${randomUUID()}`;
      const created = Math.floor(Date.now() / 1000);
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
        response.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
          ...versionHeader(served),
        });
        const chunk = (delta: Record<string, unknown>, finishReason: string | null, extra: Record<string, unknown> = {}) =>
          response.write(
            `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra })}\n\n`,
          );
        chunk(
          {
            role: 'assistant',
            content: served.turn.text,
            ...(toolCalls.length ? { tool_calls: toolCalls.map((call, index) => ({ index, ...call })) } : {}),
          },
          null,
        );
        chunk({}, finish, { usage });
        response.end('data: [DONE]\n\n');
        return SENT;
      }
      return {
        headers: versionHeader(served),
        body: {
          id,
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
          slipway: { version: served.version },
        },
      };
    },
    events: ({ query, request, response }) => {
      const agent = query.agent ?? null;
      let cursor = Number(request.headers['last-event-id'] ?? query.after ?? 0) || 0;
      if (query.stream === 'false') return { body: { events: store.eventsSince(cursor, agent) } };
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
      });
      const write = (event: RuntimeEvent) => {
        if (event.id <= cursor) return;
        cursor = event.id;
        response.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      };
      for (const event of store.eventsSince(cursor, agent)) write(event);
      const stream = { agent, write };
      streams.add(stream);
      request.on('close', () => streams.delete(stream));
      return SENT;
    },
    team: (call) => ({ body: store.team(teamOf(call)) }),
    teamRelease: (call) => ({ body: control.teamRelease(teamOf(call), call.body, actor(call.role)) }),
    teamRollback: (call) => ({ body: control.teamRollback(teamOf(call), call.body, actor(call.role)) }),
    upload: (call) => {
      const agent = agentOf(call);
      const hash = call.params.hash ?? '';
      const computed = canonicalManifest(call.body.files, nodeSha256).hash;
      if (computed !== hash)
        throw new HttpError(400, 'invalid_input', `the files hash to ${computed}, not ${hash}: the upload is refused`);
      const created = store.putVersion(agent, { hash, semver: call.body.semver }, call.body.files);
      if (created)
        emit(
          store.event(agent, {
            type: 'uploaded',
            actor: actor(call.role),
            detail: { version: { hash, semver: call.body.semver } },
          }),
        );
      return { status: created ? 201 : 200, body: { hash, semver: call.body.semver, created } };
    },
    state: (call) => ({ body: store.state(agentOf(call)) }),
    command: (call) => ({ body: control.command(agentOf(call), call.body, actor(call.role)) }),
    invoke: async (call) => {
      const served = await serving.invoke(
        agentOf(call),
        call.body,
        String(call.request.headers['x-slipway-routing-key'] ?? randomUUID()),
      );
      return {
        headers: versionHeader(served),
        body: {
          output: served.turn.text,
          toolCalls: served.turn.toolCalls,
          version: served.version,
          latencyMs: served.latencyMs,
          usage: served.turn.usage,
        },
      };
    },
    metrics: (call) => {
      const since = Date.parse(call.query.since ?? '') || Date.now() - 3_600_000;
      const agent = agentOf(call);
      return { body: { agent, buckets: buckets(recorder.since(agent, since), Number(call.query.bucketMs) || 60_000) } };
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

  /** One request: its route from the table, the token's role, the path, query and body checked, then its handler. */
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://runtime');
    const method = request.method ?? 'GET';
    const found = matchRoute(method, url.pathname);
    if (!found) throw new HttpError(404, 'not_found', `no such endpoint: ${method} ${url.pathname}`);
    const spec: Route = routes[found.name];
    const role = spec.roles ? requireRole(store, request.headers.authorization, spec.roles) : null;
    for (const [name, value] of Object.entries(found.params)) parse(PATH_PARAMS[name as keyof typeof PATH_PARAMS], value);
    const query = spec.query ? parse(spec.query, Object.fromEntries(url.searchParams)) : undefined;
    const body = spec.body ? parse(spec.body, await readJson(request)) : undefined;
    const handler = handlers[found.name] as (call: Call<Route>) => Promise<Answer> | Answer;
    const answer = await handler({ params: found.params, query, body, role, request, response } as Call<Route>);
    if (answer !== 'sent') send(response, answer.status ?? spec.status ?? 200, answer.body, answer.headers);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.end();
        return;
      }
      if (error instanceof HttpError)
        return send(response, error.status, { error: { code: error.code, message: error.message }, ...error.extra });
      if (error instanceof SlipwayError) {
        const extra = 'state' in error ? { state: (error as SlipwayError & { state: unknown }).state } : {};
        return send(response, STATUS[error.code] ?? 500, { error: { code: error.code, message: error.message }, ...extra });
      }
      if (error instanceof EngineError)
        return send(response, error.kind === 'config' ? 400 : 502, {
          error: { code: error.kind === 'config' ? 'invalid_input' : 'internal', message: error.message },
        });
      console.error(error);
      return send(response, 500, { error: { code: 'internal', message: 'the runtime failed; see its log' } });
    });
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
