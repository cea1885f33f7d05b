import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  type BrowserWindowConstructorOptions,
  type MenuItemConstructorOptions,
} from 'electron';
import { EVENT_CHANNEL, type AppEvent } from '../../shared/contract/contract';
import { createDispatch, type Dispatch } from '../../shared/contract/dispatch';
import { deepLinkHash, deepLinkInArgv, parseDeepLink } from '../../shared/deep-link';
import { appMenu, type MenuAction, type MenuSpec } from './app-menu';
import { openAppWorkspace } from '../../workspace/app-workspace';
import { bindIpc } from '../../hosts/ipc';
import { electronSqliteBinding } from './native-binding';
import { defaultWorkspaceDir } from '../../workspace/paths';
import { forgetRecent, readRecent, rememberWorkspace } from './recent-workspaces';
import { APP_ENTRY, decideNewWindow, isAppUrl, isPermissionAllowed, resolveAppAsset, windowOptions } from './window-security';
import { RENDERER_HEADERS } from '../../hosts/renderer-files';
import { encryptedFileVault, sessionVault, type SecretVault } from '../../workspace/keys/secret-vault';
import { createServices, type Services } from '../../workspace/services';
import { readWindowState, restoreWindow, writeWindowState } from './window-state';
import type { Workspace } from '../../workspace/workspace';
import { watchWorkspace } from '../../hosts/workspace-watcher';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '..', 'renderer');
const preloadPath = join(here, '..', 'preload', 'index.cjs');
const stateFile = (name: string) => join(app.getPath('userData'), name);

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let workspace: Workspace | null = null;
let stopWatching: (() => void) | null = null;
let services: Services | null = null;
let dispatch: Dispatch | null = null;
let mainWindow: BrowserWindow | null = null;
/** A link that arrived before the window could take it. */
let pendingLink: string | null = deepLinkInArgv(process.argv);

/** Keys encrypted by the OS keychain; where there is none, held for the session and the page says so. */
function keyVault(): SecretVault {
  const linuxBackend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null;
  if (!safeStorage.isEncryptionAvailable() || linuxBackend === 'basic_text') {
    return sessionVault(
      process.env,
      'This system has no keychain Slipway can use (safeStorage is unavailable), so keys entered here last until Slipway closes; to keep one, set SLIPWAY_KEY_<NAME> in the environment that starts Slipway.',
    );
  }
  const backend = linuxBackend ?? (process.platform === 'darwin' ? 'macOS Keychain' : 'Windows DPAPI');
  return encryptedFileVault(
    join(app.getPath('userData'), 'keys.json'),
    { encrypt: (text) => safeStorage.encryptString(text), decrypt: (data) => safeStorage.decryptString(data) },
    process.env,
    backend,
  );
}

function send(event: AppEvent): void {
  for (const window of BrowserWindow.getAllWindows()) window.webContents.send(EVENT_CHANNEL, event);
}

/** Opens a workspace folder in place of the current one: its services, its watcher, the recent list, the title. */
async function openWorkspaceAt(dir: string): Promise<void> {
  const nativeBinding = electronSqliteBinding();
  const next = openAppWorkspace(dir, nativeBinding ? { nativeBinding } : {});
  stopWatching?.();
  await services?.close();
  workspace?.close();
  workspace = next;
  services = createServices(next, { vault: keyVault(), emit: send });
  dispatch = createDispatch(services.handlers, { checkOutputs: false, onInternalError: (error) => console.error(error) });
  stopWatching = watchWorkspace(next.dir, (dataVersion) => send({ type: 'workspace.changed', payload: { dataVersion } }), {
    nativeBinding: nativeBinding ?? undefined,
  });
  rememberWorkspace(stateFile('recent-workspaces.json'), next.dir);
  buildMenu();
  mainWindow?.setTitle(`Slipway — ${next.dir}`);
}

function openLink(url: string): void {
  try {
    send({ type: 'navigate', payload: { hash: deepLinkHash(parseDeepLink(url)) } });
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  } catch (error) {
    dialog.showErrorBox('Slipway cannot open this link', error instanceof Error ? error.message : String(error));
  }
}

async function runAction(action: MenuAction): Promise<void> {
  if (action.kind === 'clear-recent') {
    forgetRecent(stateFile('recent-workspaces.json'));
    buildMenu();
    return;
  }
  let dir = action.kind === 'open-recent' ? action.dir : null;
  if (action.kind === 'open-workspace') {
    const picked = await dialog.showOpenDialog({
      title: 'Open a workspace folder',
      buttonLabel: 'Open Workspace',
      properties: ['openDirectory', 'createDirectory'],
    });
    dir = picked.canceled ? null : (picked.filePaths[0] ?? null);
  }
  if (!dir) return;
  try {
    await openWorkspaceAt(dir);
    mainWindow?.webContents.reload();
  } catch (error) {
    dialog.showErrorBox('Slipway cannot open this workspace', error instanceof Error ? error.message : String(error));
  }
}

function menuItem(spec: MenuSpec): MenuItemConstructorOptions {
  const { command, action, submenu, ...rest } = spec;
  return {
    ...rest,
    ...(submenu ? { submenu: submenu.map(menuItem) } : {}),
    ...(command ? { click: () => send({ type: 'menu.command', payload: { id: command } }) } : {}),
    ...(action ? { click: () => void runAction(action) } : {}),
  };
}

function buildMenu(): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenu({ platform: process.platform, recent: readRecent(stateFile('recent-workspaces.json')) }).map(menuItem),
    ),
  );
}

function createWindow(): void {
  const restored = restoreWindow(
    readWindowState(stateFile('window-state.json')),
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const window = new BrowserWindow({
    ...windowOptions(preloadPath),
    ...restored.bounds,
    title: `Slipway — ${workspace?.dir ?? ''}`,
  } satisfies BrowserWindowConstructorOptions);
  mainWindow = window;
  window.once('ready-to-show', () => {
    if (restored.maximized) window.maximize();
    window.show();
  });
  window.webContents.once('did-finish-load', () => {
    if (pendingLink) openLink(pendingLink);
    pendingLink = null;
  });
  // The place is saved as it was before maximizing, so un-maximizing next time lands there.
  window.on('close', () =>
    writeWindowState(stateFile('window-state.json'), { ...window.getNormalBounds(), maximized: window.isMaximized() }),
  );
  window.on('closed', () => (mainWindow = null));
  void window.loadURL(APP_ENTRY);
}

// One Slipway at a time: a second start (or a slipway:// link) goes to the window already open.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    const link = deepLinkInArgv(argv);
    if (link) openLink(link);
    else if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    if (mainWindow) openLink(url);
    else pendingLink = url;
  });
  app.setAsDefaultProtocolClient('slipway');

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

  void app.whenReady().then(async () => {
    try {
      await openWorkspaceAt(process.env.SLIPWAY_WORKSPACE ?? defaultWorkspaceDir());
    } catch (error) {
      dialog.showErrorBox('Slipway cannot open its workspace', error instanceof Error ? error.message : String(error));
      app.quit();
      return;
    }
    // The IPC channels are bound once; they reach whichever workspace is open now.
    bindIpc(
      ipcMain,
      (domain, method, input) =>
        dispatch
          ? dispatch(domain, method, input)
          : Promise.resolve({ ok: false, error: { code: 'workspace', message: 'no workspace is open' } }),
      isAppUrl,
    );
    session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) =>
      callback(isPermissionAllowed(permission)),
    );
    session.defaultSession.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));
    protocol.handle('app', async (request) => {
      const asset = resolveAppAsset(rendererDir, request.url);
      if (!asset) return new Response('Not found', { status: 404 });
      try {
        return new Response(await readFile(asset.file), { headers: { ...RENDERER_HEADERS, 'content-type': asset.mimeType } });
      } catch {
        return new Response('Not found', { status: 404 });
      }
    });
    createWindow();
  });
}
