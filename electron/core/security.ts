import { extname, join, normalize, sep } from 'node:path';

/**
 * The app's security posture as plain data and functions, so unit tests can check every rule
 * without Electron; electron/main only wires them in.
 */

export const APP_ORIGIN = 'app://slipway';
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // Monaco injects style elements at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

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

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

export interface AppAsset {
  file: string;
  mimeType: string;
}

/**
 * Maps a URL path (already decoded) to a file under the renderer folder, or null when it would
 * escape the folder (`..`, backslashes, NUL) or is not a type the renderer serves.
 */
export function resolveRendererFile(rootDir: string, pathname: string): AppAsset | null {
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = normalize(rootDir);
  const file = normalize(join(root, relative));
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  const mimeType = MIME_TYPES[extname(file).toLowerCase()];
  return mimeType ? { file, mimeType } : null;
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

/** Headers every renderer response carries, from Electron's protocol and the browser host alike. */
export const RENDERER_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};
