import { z } from 'zod';
import { errorCodes } from '../errors';
import type { AppEvent } from './contract';
import { AppEventShape } from './contract';
import type { Dispatch, Envelope } from './dispatch';

/** How the renderer reaches the Node side: calls, and the events it pushes. */
export interface Transport {
  dispatch: Dispatch;
  subscribe(listener: (event: AppEvent) => void): () => void;
}

/** The slice of fetch the HTTP transport needs, so it runs with a browser's fetch or Node's. */
export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string },
) => Promise<{ status: number; json(): Promise<unknown> }>;

export interface SocketLike {
  close(): void;
}
/** Opens a WebSocket (the browser's, or the `ws` package's in Node) and reports its messages and close. */
export type SocketFactory = (url: string, handlers: { onMessage: (data: string) => void; onClose: () => void }) => SocketLike;

const EnvelopeShape = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string(),
      field: z.object({ path: z.string().max(500), message: z.string().max(2000) }).optional(),
    }),
  }),
]);

const RECONNECT_MS = 1000;

/**
 * The contract over the browser host: POST <base>api/<domain>.<method> for calls, a WebSocket at
 * <base>events for events (reconnecting while anyone listens). `base` is the page's own folder
 * URL, token included.
 */
export function httpTransport(base: string, fetchLike: FetchLike, openSocket: SocketFactory): Transport {
  const listeners = new Set<(event: AppEvent) => void>();
  let socket: SocketLike | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;

  const connect = () => {
    retry = null;
    const opened: SocketLike = openSocket(new URL('events', base).href.replace(/^http/, 'ws'), {
      onMessage: (data) => {
        let parsed: ReturnType<typeof AppEventShape.safeParse>;
        try {
          parsed = AppEventShape.safeParse(JSON.parse(data));
        } catch {
          return;
        }
        if (parsed.success) for (const listener of listeners) listener(parsed.data);
      },
      onClose: () => {
        if (socket === opened && listeners.size > 0) retry = setTimeout(connect, RECONNECT_MS);
      },
    });
    socket = opened;
  };

  return {
    dispatch: async (domain, method, input): Promise<Envelope> => {
      let response: Awaited<ReturnType<FetchLike>>;
      try {
        response = await fetchLike(new URL(`api/${domain}.${method}`, base).href, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input ?? {}),
        });
      } catch (error) {
        return {
          ok: false,
          error: {
            code: 'internal',
            message: `Slipway's server cannot be reached (${(error as Error).message}): is \`slipway serve\` still running?`,
          },
        };
      }
      if (response.status === 401)
        return {
          ok: false,
          error: { code: 'forbidden', message: 'the server refused the token: open the URL `slipway serve` printed' },
        };
      const parsed = EnvelopeShape.safeParse(await response.json().catch(() => null));
      return parsed.success
        ? parsed.data
        : { ok: false, error: { code: 'internal', message: `unexpected answer from the server (HTTP ${response.status})` } };
    },
    subscribe: (listener) => {
      listeners.add(listener);
      if (!socket && !retry) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          if (retry) clearTimeout(retry);
          retry = null;
          const closing = socket;
          socket = null;
          closing?.close();
        }
      };
    },
  };
}
