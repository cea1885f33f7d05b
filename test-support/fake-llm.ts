import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the fake answers one request with. */
export type Behaviour =
  | {
      kind: 'reply';
      text: string;
      toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
      usage?: { input: number; output: number };
    }
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  | { kind: 'hang' }
  /** An OpenAI stream: the first piece at once, the rest once `rest` resolves. */
  | { kind: 'stream'; pieces: string[]; rest?: Promise<void> }
  | { kind: 'malformed' }
  | { kind: 'drop' }
  /** A 200 with this JSON body as it is (a completion missing its fields, say). */
  | { kind: 'json'; body: unknown }
  /** A 200 whose body stops halfway: the connection is cut after the headers and some bytes. */
  | { kind: 'cut' };

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

export interface FakeLlm {
  /** e.g. http://127.0.0.1:PORT/v1 for OpenAI, http://127.0.0.1:PORT for Anthropic. */
  url: string;
  requests: RecordedRequest[];
  /** The most requests that were in flight at once. */
  peakInFlight: () => number;
  /** Resolves once this many requests have arrived (so a test acts when a call is in flight, not after a guess). */
  received: (count: number) => Promise<void>;
  /** Resolves once this many requests were abandoned by their caller before they were answered. */
  abandoned: (count: number) => Promise<void>;
  close: () => Promise<void>;
}

function openAiBody(behaviour: Extract<Behaviour, { kind: 'reply' }>, model: string) {
  const toolCalls = (behaviour.toolCalls ?? []).map((call, index) => ({
    id: `call_${index + 1}`,
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [
      {
        index: 0,
        finish_reason: toolCalls.length ? 'tool_calls' : 'stop',
        message: {
          role: 'assistant',
          content: toolCalls.length ? null : behaviour.text,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
      },
    ],
    usage: {
      prompt_tokens: behaviour.usage?.input ?? 10,
      completion_tokens: behaviour.usage?.output ?? 5,
      total_tokens: (behaviour.usage?.input ?? 10) + (behaviour.usage?.output ?? 5),
    },
  };
}

function anthropicBody(behaviour: Extract<Behaviour, { kind: 'reply' }>, model: string) {
  const toolUses = (behaviour.toolCalls ?? []).map((call, index) => ({
    type: 'tool_use',
    id: `toolu_${index + 1}`,
    name: call.name,
    input: call.arguments,
  }));
  return {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model,
    content: [...(behaviour.text ? [{ type: 'text', text: behaviour.text }] : []), ...toolUses],
    stop_reason: toolUses.length ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: behaviour.usage?.input ?? 10, output_tokens: behaviour.usage?.output ?? 5 },
  };
}

/** Embeddings that make texts with the same letters close: letter counts, a-z. */
function embeddingsBody(input: unknown, model: string) {
  const texts = Array.isArray(input) ? input.map(String) : [String(input)];
  const vector = (text: string) =>
    Array.from(
      { length: 26 },
      (_, letter) => [...text.toLowerCase()].filter((char) => char.charCodeAt(0) - 97 === letter).length,
    );
  return {
    object: 'list',
    model,
    data: texts.map((text, index) => ({ object: 'embedding', index, embedding: vector(text) })),
    usage: { prompt_tokens: 1, total_tokens: 1 },
  };
}

/**
 * A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions and the Anthropic
 * Messages protocols (tool calls included), and OpenAI embeddings. `answer` decides each reply, or a fault: a status
 * with Retry-After, a hang past the client's timeout, malformed JSON, a dropped connection.
 */
export async function startFakeLlm(
  answer: (request: RecordedRequest, index: number) => Behaviour | Promise<Behaviour>,
  options: { delayMs?: number } = {},
): Promise<FakeLlm> {
  const requests: RecordedRequest[] = [];
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  let abandoned = 0;
  const abandonWaiters: Array<{ count: number; resolve: () => void }> = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let peak = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      void (async () => {
        const recorded: RecordedRequest = {
          path: req.url ?? '',
          headers: req.headers,
          body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
        };
        const index = requests.push(recorded) - 1;
        for (const waiter of waiting.filter((candidate) => candidate.count <= requests.length)) {
          waiting.splice(waiting.indexOf(waiter), 1);
          waiter.resolve();
        }
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        res.on('close', () => {
          if (res.writableFinished) return;
          abandoned += 1;
          for (const waiter of abandonWaiters.filter((candidate) => candidate.count <= abandoned)) {
            abandonWaiters.splice(abandonWaiters.indexOf(waiter), 1);
            waiter.resolve();
          }
        });
        try {
          if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
          const behaviour = await answer(recorded, index);
          if (behaviour.kind === 'hang') return;
          if (behaviour.kind === 'drop') {
            req.socket.destroy();
            return;
          }
          if (behaviour.kind === 'json') {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify(behaviour.body));
            return;
          }
          if (behaviour.kind === 'cut') {
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
            res.write('{"id": "chatcmpl-cut", "choices": [{"index": 0, "message": {"role": "assistant", "content": "bil', () =>
              setTimeout(() => req.socket.destroy(), 20),
            );
            return;
          }
          if (behaviour.kind === 'malformed') {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end('{"choices": [ {"message": ');
            return;
          }
          if (behaviour.kind === 'status') {
            res.writeHead(behaviour.status, {
              'content-type': 'application/json',
              ...(behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {}),
            });
            res.end(behaviour.body ?? JSON.stringify({ error: { message: `fake status ${behaviour.status}`, type: 'fake' } }));
            return;
          }
          const model = String(recorded.body.model ?? 'fake');
          if (behaviour.kind === 'stream' && recorded.path.includes('/messages')) {
            res.writeHead(200, { 'content-type': 'text/event-stream' });
            const send = (type: string, data: Record<string, unknown>) =>
              res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
            send('message_start', {
              message: {
                id: 'msg_fake',
                type: 'message',
                role: 'assistant',
                model,
                content: [],
                usage: { input_tokens: 10, output_tokens: 0 },
              },
            });
            send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
            const [first = '', ...rest] = behaviour.pieces;
            send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: first } });
            await behaviour.rest;
            for (const piece of rest) send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } });
            send('content_block_stop', { index: 0 });
            send('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: behaviour.pieces.length } });
            send('message_stop', {});
            res.end();
            return;
          }
          if (behaviour.kind === 'stream') {
            res.writeHead(200, { 'content-type': 'text/event-stream' });
            const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
              res.write(
                `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`,
              );
            const [first = '', ...rest] = behaviour.pieces;
            chunk({ role: 'assistant', content: first });
            await behaviour.rest;
            for (const piece of rest) chunk({ content: piece });
            res.write(
              `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model, choices: [], usage: { prompt_tokens: 10, completion_tokens: behaviour.pieces.length, total_tokens: 10 + behaviour.pieces.length } })}\n\n`,
            );
            res.end('data: [DONE]\n\n');
            return;
          }
          if (recorded.path.includes('/embeddings')) {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify(embeddingsBody(recorded.body.input, model)));
            return;
          }
          const body = recorded.path.includes('/messages') ? anthropicBody(behaviour, model) : openAiBody(behaviour, model);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        } finally {
          inFlight -= 1;
        }
      })();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    peakInFlight: () => peak,
    received: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ count, resolve })),
    abandoned: (count) =>
      abandoned >= count ? Promise.resolve() : new Promise<void>((resolve) => abandonWaiters.push({ count, resolve })),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
