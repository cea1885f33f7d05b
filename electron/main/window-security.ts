import { resolveRendererFile, type AppAsset } from '../../hosts/renderer-files';

/**
 * The app's security posture as plain data and functions, so unit tests can check every rule
 * without Electron; electron/main only wires them in.
 */

export const APP_ORIGIN = 'app://slipway';
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

export interface SecureWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  backgroundColor: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    webviewTag: false;
    navigateOnDragDrop: false;
    spellcheck: boolean;
  };
}

export function windowOptions(preloadPath: string): SecureWindowOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 820,
    minHeight: 520,
    show: false,
    title: 'Slipway',
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** Only the app's own pages may be shown in its windows. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'app:' && parsed.host === 'slipway';
  } catch {
    return false;
  }
}

export type NewWindowDecision = { action: 'deny'; openExternally: string | null };

/** New windows are always denied; an https link goes to the user's browser instead. */
export function decideNewWindow(url: string): NewWindowDecision {
  try {
    return { action: 'deny', openExternally: new URL(url).protocol === 'https:' ? url : null };
  } catch {
    return { action: 'deny', openExternally: null };
  }
}

const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Camera, microphone, geolocation, notifications, … are all denied: the app needs none. */
export function isPermissionAllowed(permission: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission);
}

/** Maps an app:// request to a renderer file, or null when the URL is not the app's or escapes. */
export function resolveAppAsset(rootDir: string, url: string): AppAsset | null {
  if (!isAppUrl(url)) return null;
  try {
    return resolveRendererFile(rootDir, decodeURIComponent(new URL(url).pathname));
  } catch {
    return null;
  }
}
