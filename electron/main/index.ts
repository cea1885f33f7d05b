import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session, shell, type BrowserWindowConstructorOptions } from 'electron';
import { EVENT_CHANNEL, type AppEvent } from '../../shared/contract/contract';
import { createDispatch } from '../../shared/contract/dispatch';
import { openAppWorkspace } from '../core/app-workspace';
import { bindIpc } from '../core/ipc';
import { electronSqliteBinding } from '../core/native-binding';
import { defaultWorkspaceDir } from '../core/paths';
import { APP_ENTRY, RENDERER_HEADERS, decideNewWindow, isAppUrl, isPermissionAllowed, resolveAppAsset, windowOptions } from '../core/security';
import { encryptedFileVault, sessionVault, type SecretVault } from '../core/secret-vault';
import { createServices, type Services } from '../core/services';
import type { Workspace } from '../core/workspace';
import { watchWorkspace } from '../core/workspace-watcher';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '..', 'renderer');
const preloadPath = join(here, '..', 'preload', 'index.cjs');

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let workspace: Workspace | null = null;
let stopWatching: (() => void) | null = null;
let services: Services | null = null;

/** Keys encrypted by the OS keychain; where there is none, held for the session and the page says so. */
function keyVault(): SecretVault {
  const linuxBackend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null;
  if (!safeStorage.isEncryptionAvailable() || linuxBackend === 'basic_text') {
    return sessionVault(process.env, 'This system has no keychain Slipway can use (safeStorage is unavailable), so keys entered here last until Slipway closes; to keep one, set SLIPWAY_KEY_<NAME> in the environment that starts Slipway.');
  }
  const backend = linuxBackend ?? (process.platform === 'darwin' ? 'macOS Keychain' : 'Windows DPAPI');
  return encryptedFileVault(join(app.getPath('userData'), 'keys.json'), { encrypt: (text) => safeStorage.encryptString(text), decrypt: (data) => safeStorage.decryptString(data) }, process.env, backend);
}

function sendToWindows(event: AppEvent): void {
  for (const window of BrowserWindow.getAllWindows()) window.webContents.send(EVENT_CHANNEL, event);
}

function createWindow(): void {
  const window = new BrowserWindow(windowOptions(preloadPath) satisfies BrowserWindowConstructorOptions);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY);
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideNewWindow(url);
    if (decision.openExternally) void shell.openExternal(decision.openExternally);
    return { action: decision.action };
  });
});

app.on('window-all-closed', () => {
  stopWatching?.();
  void (services?.close() ?? Promise.resolve()).finally(() => {
    workspace?.close();
    app.quit();
  });
});

void app.whenReady().then(() => {
  const nativeBinding = electronSqliteBinding();
  try {
    workspace = openAppWorkspace(process.env.SLIPWAY_WORKSPACE ?? defaultWorkspaceDir(), nativeBinding ? { nativeBinding } : {});
  } catch (error) {
    dialog.showErrorBox('Slipway cannot open its workspace', error instanceof Error ? error.message : String(error));
    app.quit();
    return;
  }
  services = createServices(workspace, { vault: keyVault(), emit: sendToWindows });
  bindIpc(ipcMain, createDispatch(services.handlers, { checkOutputs: false, onInternalError: (error) => console.error(error) }), isAppUrl);
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionAllowed(permission)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));
  protocol.handle('app', async (request) => {
    const asset = resolveAppAsset(rendererDir, request.url);
    if (!asset) return new Response('Not found', { status: 404 });
    try {
      return new Response(await readFile(asset.file), {
        headers: { ...RENDERER_HEADERS, 'content-type': asset.mimeType },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
  stopWatching = watchWorkspace(
    workspace.dir,
    (dataVersion) => sendToWindows({ type: 'workspace.changed', payload: { dataVersion } }),
    { nativeBinding: nativeBinding ?? undefined },
  );
  createWindow();
});
