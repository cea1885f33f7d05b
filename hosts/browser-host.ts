import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppEvent } from '../shared/contract/contract';
import type { Dispatch, Envelope } from '../shared/contract/dispatch';
import { RENDERER_HEADERS, resolveRendererFile } from './renderer-files';
import { parseJsonWithin } from '../shared/bounded-parse';

export interface BrowserHostOptions {
  dispatch: Dispatch;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  port?: number;
  /** Fixed for tests; random (32 bytes) otherwise. */
  token?: string;
}

export interface BrowserHost {
  /** The URL to open, token included. */
  url: string;
  port: number;
  /** Sends an event to every connected page. */
  broadcast(event: AppEvent): void;
  close(): Promise<void>;
}

// A bundle of up to 64 MiB arrives as base64 in one call.
const MAX_BODY_BYTES = 96 * 1024 * 1024;
const API_PATH = /^\/api\/([a-zA-Z]+)\.([a-zA-Z]+)$/;

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function send(response: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string>): void {
  response.writeHead(status, { ...RENDERER_HEADERS, 'cache-control': 'no-store', ...headers });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, envelope: Envelope): void {
  send(response, status, JSON.stringify(envelope), { 'content-type': 'application/json; charset=utf-8' });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `slipway serve`: the built renderer and the contract over HTTP (calls) and WebSocket (events),
 * on 127.0.0.1 only. Every URL starts with a random token (`/<token>/…`), so the page's relative
 * asset and API URLs carry it; anything else gets 401. The Host and Origin headers must name
 * this server, which stops DNS-rebinding and cross-site pages from reaching it.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const sockets = new Set<WebSocket>();
  const events = new WebSocketServer({ noServer: true });
  let port = 0;

  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const trusted = (request: IncomingMessage): boolean => {
    if (!allowedHosts().includes(request.headers.host ?? '')) return false;
    const origin = request.headers.origin;
    return origin === undefined || allowedHosts().some((host) => origin === `http://${host}`);
  };
  /** The path after the token, or null when the token is missing or wrong. */
  const innerPath = (url: string): string | null => {
    const pathname = new URL(url, 'http://host').pathname;
    const match = /^\/([^/]+)(\/.*)?$/.exec(pathname);
    if (!match?.[1] || !same(match[1], token)) return null;
    return match[2] ?? '';
  };

  const server = createServer((request, response) => {
    void (async () => {
      if (!trusted(request))
        return send(response, 403, 'Forbidden: this server answers only its own pages on 127.0.0.1', {
          'content-type': 'text/plain',
        });
      const path = innerPath(request.url ?? '/');
      if (path === null)
        return send(response, 401, 'Unauthorized: open the URL that `slipway serve` printed, token included', {
          'content-type': 'text/plain',
        });
      if (path === '') return send(response, 308, '', { location: `/${token}/` });
      const api = API_PATH.exec(path);
      if (api) {
        if (request.method !== 'POST')
          return sendJson(response, 405, { ok: false, error: { code: 'invalid_input', message: 'use POST for API calls' } });
        let input: unknown;
        try {
          const body = await readBody(request);
          input = body === '' ? {} : parseJsonWithin(body, MAX_BODY_BYTES, 'the request body');
        } catch (error) {
          return sendJson(response, 400, { ok: false, error: { code: 'invalid_input', message: (error as Error).message } });
        }
        return sendJson(response, 200, await options.dispatch(api[1] ?? '', api[2] ?? '', input));
      }
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return send(response, 405, 'Method not allowed', { 'content-type': 'text/plain' });
      let decoded: string;
      try {
        decoded = decodeURIComponent(path);
      } catch {
        return send(response, 400, 'Bad path', { 'content-type': 'text/plain' });
      }
      const asset = resolveRendererFile(options.rendererDir, decoded);
      if (!asset) return send(response, 404, 'Not found', { 'content-type': 'text/plain' });
      try {
        const body = await readFile(asset.file);
        return send(response, 200, request.method === 'HEAD' ? '' : body, {
          'content-type': asset.mimeType,
          'cache-control': asset.file.endsWith('.html') ? 'no-store' : 'max-age=31536000, immutable',
        });
      } catch {
        return send(response, 404, 'Not found: is the renderer built? Run `npm run build`.', { 'content-type': 'text/plain' });
      }
    })().catch((error: unknown) => {
      if (!response.headersSent)
        send(response, 500, `Internal error: ${(error as Error).message}`, { 'content-type': 'text/plain' });
    });
  });

  server.on('upgrade', (request, socket, head) => {
    if (!trusted(request) || innerPath(request.url ?? '/') !== '/events') {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    events.handleUpgrade(request, socket, head, (client) => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/${token}/`,
    port,
    broadcast: (event) => {
      const text = JSON.stringify(event);
      for (const client of sockets) client.send(text);
    },
    close: async () => {
      for (const client of sockets) client.terminate();
      events.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
