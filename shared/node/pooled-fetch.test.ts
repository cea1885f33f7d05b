import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferedResponse, pooledFetch } from './pooled-fetch';

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/empty') {
        res.writeHead(204);
        res.end();
        return;
      }
      if (req.url === '/endless') {
        // An answer that never ends: a megabyte at a time, until the reader stops it.
        res.writeHead(200, { 'content-type': 'application/json' });
        const piece = Buffer.alloc(1024 * 1024, 0x20);
        const write = () => {
          while (!res.destroyed && res.write(piece));
          if (!res.destroyed) res.once('drain', write);
        };
        write();
        return;
      }
      res.writeHead(201, 'Made', [
        ['content-type', 'application/json'],
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ]);
      res.end(
        JSON.stringify({
          method: req.method,
          path: req.url,
          auth: req.headers.authorization ?? null,
          custom: req.headers['x-custom'] ?? null,
          body: raw,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('pooledFetch', () => {
  const fetchOver = pooledFetch();

  it('sends the method, path with query, headers and body, and answers like fetch', async () => {
    const response = await fetchOver(`${base}/v1/chat?x=1`, {
      method: 'POST',
      headers: new Headers({ 'x-custom': 'yes', 'content-type': 'application/json' }),
      body: '{"q":1}',
    });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Made');
    expect(response.ok).toBe(true);
    expect(response.url).toBe(`${base}/v1/chat?x=1`);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ method: 'POST', path: '/v1/chat?x=1', auth: null, custom: 'yes', body: '{"q":1}' });
    expect(response.bodyUsed).toBe(true);
  });

  it('takes plain-object headers and credentials in the URL', async () => {
    const origin = new URL(base);
    const response = await fetchOver(`http://user:p%40ss@${origin.host}/`, { headers: { 'x-custom': 'plain' } });
    const answer = (await response.json()) as { auth: string; custom: string; method: string };
    expect(answer).toMatchObject({
      method: 'GET',
      custom: 'plain',
      auth: `Basic ${Buffer.from('user:p@ss').toString('base64')}`,
    });
  });

  it('gives a null body for 204', async () => {
    const response = await fetchOver(`${base}/empty`);
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
    expect(await response.text()).toBe('');
  });

  it('aborts with the signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(fetchOver(`${base}/`, { signal: controller.signal })).rejects.toThrow(/abort/i);
  });
});

describe('BufferedResponse', () => {
  const make = () =>
    new BufferedResponse(Buffer.from('{"a":[1,2]}'), { status: 200, headers: [['content-type', 'application/json']] });

  it('reads its bytes once, in any form', async () => {
    expect(await make().text()).toBe('{"a":[1,2]}');
    expect(await make().json()).toEqual({ a: [1, 2] });
    expect(new TextDecoder().decode(await make().arrayBuffer())).toBe('{"a":[1,2]}');
    expect(Array.from(await make().bytes()).length).toBe(11);
    const blob = await make().blob();
    expect(blob.type).toBe('application/json');
    expect(await blob.text()).toBe('{"a":[1,2]}');
    const once = make();
    await once.text();
    await expect(once.text()).rejects.toThrow(TypeError);
  });

  it('clones before a read, and refuses to after', async () => {
    const original = make();
    const copy = original.clone();
    expect(await copy.json()).toEqual({ a: [1, 2] });
    expect(await original.text()).toBe('{"a":[1,2]}');
    expect(() => original.clone()).toThrow(TypeError);
  });

  it('hands out its body as a stream, and reads through it afterwards', async () => {
    const streamed = make();
    const chunk = await streamed.body?.getReader().read();
    expect(new TextDecoder().decode(chunk?.value)).toBe('{"a":[1,2]}');
    expect(streamed.bodyUsed).toBe(true);
    const untouched = make();
    expect(untouched.body).toBe(untouched.body);
    expect(await untouched.json()).toEqual({ a: [1, 2] });
  });

  it('stops reading an answer past its limit and says so, holding no more than the limit', async () => {
    const before = process.memoryUsage().rss;
    await expect(pooledFetch()(`${base}/endless`)).rejects.toMatchObject({
      code: 'EBODYLARGE',
      message: 'the answer is over 64 MiB',
    });
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
  });
});
