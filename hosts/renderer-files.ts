import { extname, join, normalize, sep } from 'node:path';

/**
 * What every renderer response carries and which file a request may read, shared by Electron's
 * app:// protocol and the browser host, so the e2e tests in Chromium run under the app's rules.
 */

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

/** Headers every renderer response carries, from Electron's protocol and the browser host alike. */
export const RENDERER_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};
