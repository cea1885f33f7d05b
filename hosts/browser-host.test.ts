import { request } from 'node:http';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../test-support/browser-host';
import { agentFiles } from '../test-support/workspace';
import { connect } from '../workspace/connect';
import { openWorkspace } from '../workspace/workspace';
import type { AppEvent } from '../shared/contract/contract';

let t: TestHost;
afterEach(async () => t.close());

function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end(options.body);
    },
  );
}

describe('browser host', () => {
  it('serves the renderer at the token URL with the app CSP, and 401 without the token', async () => {
    t = await startTestHost();
    const page = await raw(t.host.url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const origin = new URL(t.host.url).origin;
    expect((await raw(`${origin}/`)).status).toBe(401);
    expect((await raw(`${origin}/index.html`)).status).toBe(401);
    expect((await raw(`${origin}/${'0'.repeat(64)}/`)).status).toBe(401);
    expect((await raw(`${origin}/api/agents.list`, { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('refuses other Host and Origin headers, so rebinding and cross-site pages cannot call it', async () => {
    t = await startTestHost();
    expect((await raw(t.host.url, { headers: { host: 'evil.example' } })).status).toBe(403);
    const call = await raw(`${t.host.url}api/agents.list`, {
      method: 'POST',
      body: '{}',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
    });
    expect(call.status).toBe(403);
  });

  it('answers contract calls with envelopes and refuses bad bodies, unknown methods and traversal', async () => {
    t = await startTestHost();
    const post = (path: string, body: string) =>
      raw(`${t.host.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse((await post('api/agents.create', '{"name":"triage"}')).body)).toMatchObject({
      ok: true,
      value: { name: 'triage' },
    });
    expect(JSON.parse((await post('api/agents.create', '{"name":"Bad"}')).body)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    const notJson = await post('api/agents.list', '{nope');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('not JSON') },
    });
    expect(JSON.parse((await post('api/agents.drop', '{}')).body)).toEqual({
      ok: false,
      error: { code: 'unknown_method', message: 'unknown method agents.drop' },
    });
    expect((await raw(`${t.host.url}..%2f..%2fpackage.json`)).status).toBe(404);
    expect((await raw(`${t.host.url}assets/..%2f..%2f..%2fpackage.json`)).status).toBe(404);
    expect(await t.client.agents.list({})).toMatchObject([{ name: 'triage' }]);
  });

  it('pushes workspace.changed when another process writes', async () => {
    t = await startTestHost();
    let heard: (event: AppEvent) => void = () => undefined;
    const changed = new Promise<AppEvent>((resolve) => (heard = resolve));
    const unsubscribe = t.transport.subscribe(heard);
    await t.eventsOpen();
    const other = openWorkspace(t.dir);
    await connect(other).client.agents.create({ name: 'from-cli' });
    other.close();
    expect(await changed).toMatchObject({ type: 'workspace.changed' });
    unsubscribe();
  });

  it('refuses a WebSocket without the token', async () => {
    t = await startTestHost();
    const origin = new URL(t.host.url).origin.replace('http', 'ws');
    const refused = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`${origin}/events`);
      socket.on('open', () => resolve('open'));
      socket.on('error', (error) => resolve(error.message));
    });
    expect(refused).toMatch(/401/);
  });

  it('serves a snapshot made through HTTP with the same content hash as the store', async () => {
    t = await startTestHost();
    await t.client.agents.create({ name: 'triage' });
    const version = await t.client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    expect(version.hash).toBe((await connect(t.ws).client.versions.get({ ref: 'triage@1.0.0' })).hash);
  });
});
