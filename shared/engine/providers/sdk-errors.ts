import { BODY_CUT, BODY_TOO_LARGE, EngineError } from '../types';

interface ApiErrorLike {
  status?: number;
  headers?: Headers | Record<string, string | null | undefined>;
  message?: string;
}

function header(headers: ApiErrorLike['headers'], name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  return (headers as Record<string, string | null | undefined>)[name] ?? null;
}

/** Retry-After in milliseconds: seconds, or an HTTP date. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Turns an OpenAI or Anthropic SDK error into an EngineError a person can act on. Both SDKs name
 * their classes alike (APIUserAbortError, APIConnectionTimeoutError, APIConnectionError, APIError
 * with a status), so one mapping serves both.
 */
export function fromSdkError(error: unknown, provider: string, redactText: (text: string) => string): EngineError {
  if (error instanceof EngineError) return error;
  const failure = error as ApiErrorLike;
  // The SDKs leave `name` as "Error"; their classes carry the distinction.
  const name = (error as { constructor?: { name?: string } } | null)?.constructor?.name ?? '';
  const message = redactText(String(failure.message ?? error));
  if (name === 'APIUserAbortError') return new EngineError('cancelled', `${provider} call aborted`);
  if (name === 'APIConnectionTimeoutError') return new EngineError('timeout', `${provider} did not answer in time`);
  if (name === 'APIConnectionError') {
    // A host the runtime refuses to connect to stays refused: not a network fault to retry.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === 'EPRIVATE') return new EngineError('config', `${provider}: ${redactText(String(cause.message))}`);
    if (cause?.code === BODY_CUT)
      return new EngineError('network', `${provider} answered, but ${redactText(String(cause.message))}`);
    if (cause?.code === BODY_TOO_LARGE)
      return new EngineError('malformed', `${provider}: ${String(cause.message)}, and was not read`);
    return new EngineError('network', `${provider} cannot be reached: ${message}`);
  }
  if (typeof failure.status === 'number') {
    if (failure.status === 429) {
      return new EngineError('rate_limited', `${provider} rate limit (HTTP 429): ${message}`, {
        status: 429,
        retryAfterMs: retryAfterMs(header(failure.headers, 'retry-after')),
      });
    }
    if (failure.status === 401 || failure.status === 403)
      return new EngineError(
        'config',
        `${provider} refused the key (HTTP ${failure.status}): check the secret named in config.yaml`,
        { status: failure.status },
      );
    return new EngineError('http', `${provider} answered HTTP ${failure.status}: ${message}`, { status: failure.status });
  }
  if (error instanceof SyntaxError) return new EngineError('malformed', `${provider} answered with malformed JSON: ${message}`);
  return new EngineError('malformed', `${provider} answered something unexpected: ${message}`);
}
