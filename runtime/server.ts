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
import {
  Capture,
  Command,
  Guardrails,
  Hash,
  InvokeRequest,
  ReleasePlan,
  TeamName,
  TeamReleaseCommand,
  TeamRollbackCommand,
  TokenRequest,
  VersionUpload,
  Webhook,
  type Role,
  type RuntimeEvent,
} from '../shared/release/protocol';
import { startGuardian } from './guardian';
import { buckets, createRecorder } from './metrics';
import { createReleaseControl } from './release-control';
import { ChatRequest, createServing } from './serving';
import { openRuntimeStore, requireRole, type RuntimeStore } from './store';
import { notifyWebhooks } from './webhooks';

const READ: readonly Role[] = ['viewer', 'deployer', 'admin'];
const DEPLOY: readonly Role[] = ['deployer', 'admin'];
const ADMIN: readonly Role[] = ['admin'];
const TRAFFIC: readonly Role[] = ['invoker', 'admin'];
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

function issues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, 'invalid_input', issues(parsed.error));
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
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
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

  const agentSetting = (
    kind: 'plan' | 'guardrails' | 'capture' | 'webhooks',
    schema: z.ZodType,
    event: 'plan-set' | 'guardrails-set' | null,
  ) => ({
    get: (agent: string) => store.setting(agent, kind) ?? null,
    put: (agent: string, body: unknown, actor: string) => {
      const value: unknown = parse(schema, body);
      store.putSetting(agent, kind, value);
      if (event) emit(store.event(agent, { type: event, actor, detail: { [kind]: value } }));
      return value;
    },
  });
  const settings = {
    plan: agentSetting('plan', ReleasePlan, 'plan-set'),
    guardrails: agentSetting('guardrails', Guardrails, 'guardrails-set'),
    capture: agentSetting('capture', Capture, null),
    webhooks: agentSetting('webhooks', z.object({ hooks: z.array(Webhook) }), null),
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://runtime');
    const path = url.pathname;
    const method = request.method ?? 'GET';
    const auth = (roles: readonly Role[]) => requireRole(store, request.headers.authorization, roles);
    const actor = (role: Role) => `token:${role}`;
    if (method === 'GET' && path === '/health') return send(response, 200, { ok: true });
    if (method === 'GET' && path === '/metrics') {
      auth(READ);
      const text = await recorder.prometheus();
      response.writeHead(200, { 'content-type': recorder.contentType });
      response.end(text);
      return;
    }
    if (method === 'POST' && path === '/v1/tokens') {
      auth(ADMIN);
      const body = parse(TokenRequest, await readJson(request));
      return send(response, 201, { token: store.createToken(body.role, body.name), role: body.role });
    }
    if (method === 'POST' && path === '/v1/chat/completions') {
      auth(TRAFFIC);
      const body = parse(ChatRequest, await readJson(request));
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
      const headers = { 'x-slipway-version': `${served.version.semver} ${served.version.hash}` };
      const usage = {
        prompt_tokens: served.turn.usage.inputTokens ?? 0,
        completion_tokens: served.turn.usage.outputTokens ?? 0,
        total_tokens: (served.turn.usage.inputTokens ?? 0) + (served.turn.usage.outputTokens ?? 0),
      };
      if (body.stream) {
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
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
        return;
      }
      return send(
        response,
        200,
        {
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
        headers,
      );
    }
    if (method === 'GET' && path === '/v1/events') {
      auth(READ);
      const agent = url.searchParams.get('agent');
      let cursor = Number(request.headers['last-event-id'] ?? url.searchParams.get('after') ?? 0) || 0;
      if (url.searchParams.get('stream') === 'false') return send(response, 200, { events: store.eventsSince(cursor, agent) });
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      const write = (event: RuntimeEvent) => {
        if (event.id <= cursor) return;
        cursor = event.id;
        response.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      };
      for (const event of store.eventsSince(cursor, agent)) write(event);
      const stream = { agent, write };
      streams.add(stream);
      request.on('close', () => streams.delete(stream));
      return;
    }
    const teamMatch = /^\/v1\/teams\/([^/]+)(\/release|\/rollback)?$/.exec(path);
    if (teamMatch) {
      const team = parse(TeamName, decodeURIComponent(teamMatch[1] ?? ''));
      if (!teamMatch[2] && method === 'GET') {
        auth(READ);
        return send(response, 200, store.team(team));
      }
      if (teamMatch[2] === '/release' && method === 'POST') {
        const role = auth(DEPLOY);
        return send(response, 200, control.teamRelease(team, parse(TeamReleaseCommand, await readJson(request)), actor(role)));
      }
      if (teamMatch[2] === '/rollback' && method === 'POST') {
        const role = auth(DEPLOY);
        return send(response, 200, control.teamRollback(team, parse(TeamRollbackCommand, await readJson(request)), actor(role)));
      }
      throw new HttpError(404, 'not_found', `no such endpoint: ${method} ${path}`);
    }
    const match = /^\/v1\/agents\/([^/]+)\/(.+)$/.exec(path);
    if (!match) throw new HttpError(404, 'not_found', `no such endpoint: ${method} ${path}`);
    const agent = parse(AgentName, decodeURIComponent(match[1] ?? ''));
    const rest = match[2] ?? '';
    const versionMatch = /^versions\/([^/]+)$/.exec(rest);
    if (versionMatch && method === 'PUT') {
      const role = auth(DEPLOY);
      const hash = parse(Hash, versionMatch[1]);
      const body = parse(VersionUpload, await readJson(request));
      const computed = canonicalManifest(body.files, nodeSha256).hash;
      if (computed !== hash)
        throw new HttpError(400, 'invalid_input', `the files hash to ${computed}, not ${hash}: the upload is refused`);
      const created = store.putVersion(agent, { hash, semver: body.semver }, body.files);
      if (created)
        emit(store.event(agent, { type: 'uploaded', actor: actor(role), detail: { version: { hash, semver: body.semver } } }));
      return send(response, created ? 201 : 200, { hash, semver: body.semver, created });
    }
    if (rest === 'release' && method === 'GET') {
      auth(READ);
      return send(response, 200, store.state(agent));
    }
    if (rest === 'commands' && method === 'POST') {
      const role = auth(DEPLOY);
      const command = parse(Command, await readJson(request));
      return send(response, 200, control.command(agent, command, actor(role)));
    }
    if (rest === 'invoke' && method === 'POST') {
      auth(TRAFFIC);
      const body = parse(InvokeRequest, await readJson(request));
      const served = await serving.invoke(agent, body, String(request.headers['x-slipway-routing-key'] ?? randomUUID()));
      return send(
        response,
        200,
        {
          output: served.turn.text,
          toolCalls: served.turn.toolCalls,
          version: served.version,
          latencyMs: served.latencyMs,
          usage: served.turn.usage,
        },
        { 'x-slipway-version': `${served.version.semver} ${served.version.hash}` },
      );
    }
    if (rest === 'metrics' && method === 'GET') {
      auth(READ);
      const since = Date.parse(url.searchParams.get('since') ?? '') || Date.now() - 3_600_000;
      const bucketMs = Number(url.searchParams.get('bucketMs')) || 60_000;
      return send(response, 200, { agent, buckets: buckets(recorder.since(agent, since), bucketMs) });
    }
    if (rest === 'samples' && method === 'GET') {
      auth(READ);
      return send(response, 200, {
        samples: store.samples(
          agent,
          Number(url.searchParams.get('after')) || 0,
          Math.min(1000, Number(url.searchParams.get('limit')) || 100),
        ),
      });
    }
    const setting = settings[rest as keyof typeof settings];
    if (setting && method === 'GET') {
      auth(READ);
      return send(response, 200, { [rest]: setting.get(agent) });
    }
    if (setting && method === 'PUT') {
      const role = auth(ADMIN);
      return send(response, 200, { [rest]: setting.put(agent, await readJson(request), actor(role)) });
    }
    throw new HttpError(404, 'not_found', `no such endpoint: ${method} ${path}`);
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
