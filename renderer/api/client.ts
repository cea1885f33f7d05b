import { createClient, type Bridge, type Client } from '../../shared/contract/client';
import type { Dispatch } from '../../shared/contract/dispatch';

declare global {
  interface Window {
    /** Exposed by the Electron preload. */
    slipway?: Bridge;
  }
}

/**
 * The one typed API client of the renderer. It picks its transport at start; nothing else in
 * the renderer knows which one it has.
 */
export function createRendererClient(): Client {
  const bridge = window.slipway;
  if (!bridge) throw new Error('Slipway cannot reach its Node side: open it with `npm start`.');
  const dispatch: Dispatch = (domain, method, input) => {
    const methods = bridge[domain as keyof Bridge] as Record<string, (value: unknown) => ReturnType<Dispatch>>;
    return methods[method]?.(input) ?? Promise.resolve({ ok: false, error: { code: 'unknown_method', message: `unknown method ${domain}.${method}` } });
  };
  return createClient(dispatch);
}
