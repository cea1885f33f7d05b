import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JsonServer {
  url: string;
  requests: Array<{ headers: IncomingHttpHeaders; body: unknown }>;
  close: () => Promise<void>;
}

/** A real HTTP server on 127.0.0.1 that records each JSON request and answers with `answer(body)`. */
export async function startJsonServer(answer: (body: unknown) => unknown): Promise<JsonServer> {
  const requests: JsonServer['requests'] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as unknown) : null;
      requests.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer(body)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
