import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../hosts/renderer-files';
import { decideNewWindow, isAppUrl, isPermissionAllowed, resolveAppAsset, windowOptions } from './window-security';

describe('window options', () => {
  it('isolate the renderer: context isolation, sandbox, no Node, no webviews', () => {
    const options = windowOptions('/app/out/preload/index.cjs');
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(options.show).toBe(false);
  });
});

describe('content security policy', () => {
  it("starts from default-src 'none' and allows only what Monaco needs beyond 'self'", () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1).join(' ')]),
    );
    expect(CONTENT_SECURITY_POLICY.startsWith("default-src 'none'")).toBe(true);
    expect(directives).toMatchObject({
      'script-src': "'self'",
      'style-src': "'self' 'unsafe-inline'",
      'worker-src': "'self'",
      'connect-src': "'self'",
      'object-src': "'none'",
      'frame-ancestors': "'none'",
    });
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|\*|https?:/);
  });
});

describe('navigation, new windows and permissions', () => {
  it('allows only app:// pages in the window', () => {
    expect(isAppUrl('app://slipway/index.html')).toBe(true);
    expect(isAppUrl('app://slipway/index.html#/agents/triage')).toBe(true);
    for (const url of ['https://example.com', 'app://other/index.html', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url'])
      expect(isAppUrl(url), url).toBe(false);
  });

  it('denies every new window, handing https links to the OS browser', () => {
    expect(decideNewWindow('https://docs.example.com/x')).toEqual({
      action: 'deny',
      openExternally: 'https://docs.example.com/x',
    });
    for (const url of ['http://example.com', 'file:///etc/passwd', 'app://slipway/index.html', 'javascript:1', '::']) {
      expect(decideNewWindow(url), url).toEqual({ action: 'deny', openExternally: null });
    }
  });

  it('denies permission requests by default', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'unknown'])
      expect(isPermissionAllowed(permission), permission).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write')).toBe(true);
  });
});

describe('app:// protocol', () => {
  const root = join('/opt', 'slipway', 'renderer');

  it('serves files under the renderer folder with their MIME type', () => {
    expect(resolveAppAsset(root, 'app://slipway/index.html')).toEqual({
      file: join(root, 'index.html'),
      mimeType: 'text/html; charset=utf-8',
    });
    expect(resolveAppAsset(root, 'app://slipway/')).toEqual({
      file: join(root, 'index.html'),
      mimeType: 'text/html; charset=utf-8',
    });
    expect(resolveAppAsset(root, 'app://slipway/assets/index-1.js?v=2#x')).toEqual({
      file: join(root, 'assets', 'index-1.js'),
      mimeType: 'text/javascript; charset=utf-8',
    });
  });

  it('refuses path traversal, encoded separators, other hosts and unknown file types', () => {
    // The URL parser already folds literal and %2e dot segments at the root, so they stay inside.
    expect(resolveAppAsset(root, 'app://slipway/../../main/index.js')?.file).toBe(join(root, 'main', 'index.js'));
    expect(resolveAppAsset(root, 'app://slipway/%2e%2e/%2e%2e/etc/passwd.js')?.file).toBe(join(root, 'etc', 'passwd.js'));
    for (const url of [
      'app://slipway/assets/..%2f..%2f..%2fsecret.json',
      'app://slipway/..%5c..%5cwindows.js',
      'app://slipway/%00.js',
      'app://slipway/%E0%A4%A.js',
      'app://other/index.html',
      'https://slipway/index.html',
      'app://slipway/slipway.db',
    ]) {
      expect(resolveAppAsset(root, url), url).toBeNull();
    }
  });
});
