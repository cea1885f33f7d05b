import type { Bridge, EventBridge } from '../../shared/contract/bridge';
import type { Dispatch } from '../../shared/contract/dispatch';
import { httpTransport, type Transport } from '../../shared/contract/transport';

declare global {
  interface Window {
    /** Exposed by the Electron preload. */
    slipway?: Bridge;
    slipwayEvents?: EventBridge;
  }
}

function ipcTransport(bridge: Bridge, events: EventBridge): Transport {
  const dispatch: Dispatch = (domain, method, input) => {
    const methods = bridge[domain as keyof Bridge] as Record<string, (value: unknown) => ReturnType<Dispatch>> | undefined;
    const call = methods?.[method];
    return call
      ? call(input)
      : Promise.resolve({ ok: false, error: { code: 'unknown_method', message: `unknown method ${domain}.${method}` } });
  };
  return { dispatch, subscribe: (listener) => events.subscribe(listener) };
}

/**
 * The transport is picked once, at start: IPC inside Electron, HTTP and WebSocket in a browser
 * (the page's own folder URL carries the browser host's token). Nothing else knows which.
 */
export function pickTransport(): Transport {
  if (window.slipway && window.slipwayEvents) return ipcTransport(window.slipway, window.slipwayEvents);
  return httpTransport(
    new URL('.', window.location.href).href,
    (url, init) => fetch(url, init),
    (url, handlers) => {
      const socket = new WebSocket(url);
      socket.onmessage = (message) => handlers.onMessage(String(message.data));
      socket.onclose = () => handlers.onClose();
      return socket;
    },
  );
}
