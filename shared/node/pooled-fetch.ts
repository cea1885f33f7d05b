import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { BODY_CUT, BODY_TOO_LARGE, MAX_ANSWER_BYTES } from '../engine/types';

const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * A Response whose body arrived whole. `json()` and `text()` read the bytes directly: a Response
 * built on a body goes through a web stream on every read, and for thousands of small model
 * answers that stream was a tenth of a suite's time. `body` is still there for anyone who asks.
 */
export class BufferedResponse extends Response {
  readonly #bytes: Buffer | null;
  #used = false;
  #stream: ReadableStream<Uint8Array<ArrayBuffer>> | null = null;

  constructor(bytes: Buffer | null, init: ResponseInit & { url?: string }) {
    super(null, init);
    this.#bytes = bytes;
    if (init.url) Object.defineProperty(this, 'url', { value: init.url });
  }

  /** The bytes, once; after `body` was handed out, whatever its reader left. */
  async #read(): Promise<Buffer> {
    if (this.#stream) return Buffer.from(await new Response(this.#stream).arrayBuffer());
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes ?? Buffer.alloc(0);
  }

  override get bodyUsed(): boolean {
    return this.#used || (this.#stream?.locked ?? false);
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.#bytes === null) return null;
    this.#stream ??= new Response(this.#used ? null : Uint8Array.from(this.#bytes)).body;
    return this.#stream;
  }

  override async text(): Promise<string> {
    return (await this.#read()).toString('utf8');
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return Uint8Array.from(await this.#read()).buffer;
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  override async blob(): Promise<Blob> {
    return new Blob([await this.arrayBuffer()], { type: this.headers.get('content-type') ?? '' });
  }

  override clone(): BufferedResponse {
    if (this.bodyUsed || this.#stream) throw new TypeError('Response.clone: Body has already been consumed.');
    return new BufferedResponse(this.#bytes, {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
      url: this.url,
    });
  }
}

function readAll(response: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    // The server was reached and answered: this is not "cannot be reached", and says so.
    const cut = (reason: string) =>
      reject(
        Object.assign(new Error(`the connection closed after ${received} bytes of the answer, before it was whole (${reason})`), {
          code: BODY_CUT,
        }),
      );
    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_ANSWER_BYTES) {
        response.destroy();
        reject(Object.assign(new Error(`the answer is over ${MAX_ANSWER_BYTES / 1024 / 1024} MiB`), { code: BODY_TOO_LARGE }));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    response.on('error', (error) => cut(error.message));
    response.on('close', () => {
      if (!response.complete) cut('closed');
    });
  });
}

/**
 * fetch over node:http with keep-alive agents: the same Request/Response contract the SDKs
 * expect, without the web-stream machinery of Node's built-in fetch on every call. A suite makes
 * thousands of calls, and that machinery was a quarter of their time. (undici's `request` is
 * as fast per call, but loading it costs 50 ms and 19 MiB at every start of the CLI.)
 * Bodies other than text and bytes (streams, forms) go to the platform's own fetch. A
 * server-sent event stream is handed on as it arrives, never buffered. `lookup` resolves host
 * names for every connection (the runtime's refuses private addresses).
 */
export function pooledFetch(settings: { lookup?: LookupFunction } = {}): typeof fetch {
  const lookup = settings.lookup ? { lookup: settings.lookup } : {};
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets: 64, ...lookup }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets: 64, ...lookup }),
  };
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const body = init?.body ?? null;
    if (
      (body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) ||
      (url.protocol !== 'http:' && url.protocol !== 'https:')
    ) {
      // The platform's fetch would resolve names without `lookup` (and follow redirects): with one, never.
      if (settings.lookup) throw new TypeError('this fetch sends text or bytes over http(s) only');
      return fetch(input, init);
    }
    const given = init?.headers ?? (input instanceof Request ? input.headers : undefined);
    const headers: Record<string, string> = {};
    (given instanceof Headers ? given : new Headers(given)).forEach((value, key) => {
      headers[key] = value;
    });
    const secure = url.protocol === 'https:';
    const options = {
      method: init?.method ?? 'GET',
      protocol: url.protocol,
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port || (secure ? 443 : 80),
      path: url.pathname + url.search,
      headers,
      agent: secure ? agents['https:'] : agents['http:'],
      ...(url.username || url.password
        ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` }
        : {}),
      ...(init?.signal ? { signal: init.signal } : {}),
    };
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = (secure ? httpsRequest : httpRequest)(options, resolve);
      outgoing.on('error', reject);
      outgoing.end(body ?? undefined);
    });
    const pairs: Array<[string, string]> = [];
    for (let index = 0; index < response.rawHeaders.length; index += 2)
      pairs.push([response.rawHeaders[index] as string, response.rawHeaders[index + 1] as string]);
    const status = response.statusCode ?? 0;
    if (String(response.headers['content-type'] ?? '').startsWith('text/event-stream')) {
      const streamed = new Response(Readable.toWeb(response) as ReadableStream<Uint8Array>, {
        status,
        statusText: response.statusMessage ?? '',
        headers: pairs,
      });
      Object.defineProperty(streamed, 'url', { value: url.href });
      return streamed;
    }
    const bytes = await readAll(response);
    return new BufferedResponse(NO_BODY.has(status) ? null : bytes, {
      status,
      statusText: response.statusMessage ?? '',
      headers: pairs,
      url: url.href,
    });
  };
}
