import { join } from 'node:path';
import WebSocket from 'ws';
import { createClient, type Client } from '../shared/contract/client';
import { httpTransport, type Transport } from '../shared/contract/transport';
import type { BrowserHost } from '../hosts/browser-host';
import { serveWorkspace } from '../hosts/serve';
import { tempDir, tempWorkspace, type TestWorkspace } from './workspace';

export interface TestHost extends TestWorkspace {
  host: BrowserHost;
  /** The contract over HTTP and WebSocket, exactly as the renderer in a browser reaches it. */
  transport: Transport;
  client: Client;
  /** Resolves once the transport's event socket is open (a page then hears every event). */
  eventsOpen: () => Promise<void>;
  close: () => Promise<void>;
}

/** The browser host over a fresh temporary workspace, outputs checked against the contract. */
export async function startTestHost(): Promise<TestHost> {
  const workspace = tempWorkspace();
  // The user's folders (the signing key) are the test's own, never the real HOME's.
  const home = tempDir('slipway-home-');
  const host = await serveWorkspace(workspace.ws, {
    checkOutputs: true,
    watchIntervalMs: 100,
    env: { ...process.env, HOME: home.dir, XDG_CONFIG_HOME: join(home.dir, '.config') },
  });
  let opened: Promise<void> = new Promise(() => undefined);
  const transport = httpTransport(
    host.url,
    (url, init) => fetch(url, init),
    (url, handlers) => {
      const socket = new WebSocket(url);
      opened = new Promise((resolve) => socket.once('open', () => resolve()));
      socket.on('message', (data) => handlers.onMessage(String(data)));
      socket.on('close', () => handlers.onClose());
      socket.on('error', () => undefined);
      return socket;
    },
  );
  return {
    ...workspace,
    host,
    transport,
    client: createClient(transport.dispatch),
    eventsOpen: () => opened,
    close: async () => {
      await host.close();
      workspace.cleanup();
      home.cleanup();
    },
  };
}
