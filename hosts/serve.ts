import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DispatchOptions } from '../shared/contract/dispatch';
import { SlipwayError } from '../shared/errors';
import { startBrowserHost, type BrowserHost } from './browser-host';
import { defaultWorkspaceDir, packageRoot } from '../workspace/paths';
import { connect } from '../workspace/connect';
import type { SecretVault } from '../workspace/keys/secret-vault';
import type { Workspace } from '../workspace/workspace';
import { watchWorkspace } from './workspace-watcher';

export interface ServeOptions extends DispatchOptions {
  port?: number;
  token?: string;
  rendererDir?: string;
  watchIntervalMs?: number;
  /** Where keys entered in the page are held: by default the environment plus this session. */
  vault?: SecretVault;
  /** The environment the user's own folders come from (the signing key); the process's by default. */
  env?: NodeJS.ProcessEnv;
}

export function rendererDir(): string {
  return join(packageRoot(), 'out', 'renderer');
}

/** The browser host over a workspace, pushing `workspace.changed` to pages whenever anyone commits. */
export async function serveWorkspace(ws: Workspace, options: ServeOptions = {}): Promise<BrowserHost> {
  const dir = options.rendererDir ?? rendererDir();
  if (!existsSync(join(dir, 'index.html')))
    throw new SlipwayError('workspace', `the renderer is not built (no ${join(dir, 'index.html')}): run \`npm run build\``);
  let broadcast: BrowserHost['broadcast'] = () => undefined;
  const connection = connect(ws, {
    ...(options.checkOutputs !== undefined ? { checkOutputs: options.checkOutputs } : {}),
    ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}),
    deps: {
      emit: (event) => broadcast(event),
      ...(options.vault ? { vault: options.vault } : {}),
      ...(options.env ? { env: options.env } : {}),
    },
  });
  const host = await startBrowserHost({
    dispatch: connection.dispatch,
    rendererDir: dir,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.token !== undefined ? { token: options.token } : {}),
  });
  broadcast = host.broadcast;
  const stopWatching = watchWorkspace(
    ws.dir,
    (dataVersion) => host.broadcast({ type: 'workspace.changed', payload: { dataVersion } }),
    {
      ...(options.watchIntervalMs !== undefined ? { intervalMs: options.watchIntervalMs } : {}),
    },
  );
  return {
    ...host,
    close: async () => {
      await connection.close();
      stopWatching();
      await host.close();
    },
  };
}

/**
 * `slipway serve`: the app's workspace in a folder (the default one when none is named), opened
 * as the desktop app opens it (the samples on a first start), served until `close`.
 */
export async function serveFolder(dir: string | undefined, options: ServeOptions = {}): Promise<BrowserHost & { dir: string }> {
  const { openAppWorkspace } = await import('../workspace/app-workspace');
  const folder = dir ?? defaultWorkspaceDir(options.env ?? process.env);
  const ws = openAppWorkspace(folder);
  try {
    const host = await serveWorkspace(ws, options);
    return {
      ...host,
      dir: folder,
      close: async () => {
        await host.close();
        ws.close();
      },
    };
  } catch (error) {
    ws.close();
    throw error;
  }
}
