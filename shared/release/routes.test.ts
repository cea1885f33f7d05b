import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startRuntimeProcess, type RuntimeProcess } from '../../test-support/runtime-process';
import { runtimeClient } from './client';
import { runtimeOpenApi } from './openapi';
import { PROTOCOL_HEADER, PROTOCOL_VERSION, matchRoute, pathOf, routes, type Route } from './routes';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A server on 127.0.0.1 that answers every request with this status, headers and body. */
async function answering(headers: Record<string, string>, body: unknown): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the runtime protocol, written once', () => {
  it('matches every route of the table by its method and path, with its parameters, and nothing else', () => {
    for (const [name, spec] of Object.entries(routes) as Array<[string, Route]>) {
      const params = { agent: 'ticket-triage', team: 'support', hash: 'a'.repeat(64), token: 'abcdef123456' };
      const path = pathOf(spec, params);
      expect(matchRoute(spec.method, path)?.name, `${spec.method} ${path}`).toBe(name);
    }
    expect(matchRoute('GET', '/v1/agents/ticket-triage/release')?.params).toEqual({ agent: 'ticket-triage' });
    expect(matchRoute('DELETE', '/v1/agents/ticket-triage/release')).toBeNull();
    expect(matchRoute('GET', '/v1/agents/ticket-triage/release/extra')).toBeNull();
  });

  it('documents exactly the routes of the table, with their roles', () => {
    const document = runtimeOpenApi() as { paths: Record<string, Record<string, { description: string }>> };
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual((Object.values(routes) as Route[]).map((spec) => `${spec.method} ${spec.path}`).sort());
    expect(document.paths['/v1/agents/{agent}/webhooks']?.get?.description).toBe('Roles: admin.');
  });

  it('is what a real runtime serves: every route answers (none is "no such endpoint"), each with the protocol version', async () => {
    const runtime: RuntimeProcess = await startRuntimeProcess();
    closers.push(() => runtime.stop());
    for (const spec of Object.values(routes) as Route[]) {
      const path = pathOf(spec, { agent: 'ticket-triage', team: 'support', hash: 'a'.repeat(64), token: 'abcdef123456' });
      const response = await fetch(`${runtime.url}${path}${spec.query ? '?stream=false' : ''}`, {
        method: spec.method,
        headers: { authorization: `Bearer ${runtime.tokens.admin}`, 'content-type': 'application/json' },
        ...(spec.method === 'GET' ? {} : { body: '{}' }),
      });
      const text = await response.text();
      expect(text, `${spec.method} ${path}`).not.toContain('no such endpoint');
      expect(response.headers.get(PROTOCOL_HEADER), `${spec.method} ${path}`).toBe(String(PROTOCOL_VERSION));
    }
    expect(await runtimeClient(runtime.url, runtime.tokens.viewer).health()).toEqual({ ok: true, protocol: PROTOCOL_VERSION });
  });

  it('refuses a runtime that speaks another protocol version, or none, naming both instead of failing on a field', async () => {
    const newer = await answering({ [PROTOCOL_HEADER]: String(PROTOCOL_VERSION + 1) }, { totally: 'different' });
    await expect(runtimeClient(newer, 'token').state('ticket-triage')).rejects.toMatchObject({
      code: 'incompatible',
      message: `the runtime at ${newer} speaks protocol ${PROTOCOL_VERSION + 1}; this Slipway speaks protocol ${PROTOCOL_VERSION}: upgrade the older one`,
    });
    const unversioned = await answering({}, { agent: 'ticket-triage' });
    await expect(runtimeClient(unversioned, 'token').state('ticket-triage')).rejects.toMatchObject({
      code: 'incompatible',
      message: expect.stringContaining(`does not say which protocol it speaks (no ${PROTOCOL_HEADER} header)`),
    });
    const wrongShape = await answering({ [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) }, { agent: 'ticket-triage' });
    await expect(runtimeClient(wrongShape, 'token').state('ticket-triage')).rejects.toMatchObject({
      code: 'incompatible',
      message: expect.stringContaining('answered GET /v1/agents/{agent}/release in an unexpected shape'),
    });
  });
});
