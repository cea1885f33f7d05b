import { describe, expect, it } from 'vitest';
import { unpackedFromAsar } from './native-binding';

describe('the Electron build of better-sqlite3 in a packaged app', () => {
  it('is loaded from app.asar.unpacked, where electron-builder puts it, on every OS', () => {
    expect(unpackedFromAsar('/opt/Slipway/resources/app.asar/native/electron/better_sqlite3.node', '/')).toBe(
      '/opt/Slipway/resources/app.asar.unpacked/native/electron/better_sqlite3.node',
    );
    expect(unpackedFromAsar('C:\\Program Files\\Slipway\\resources\\app.asar\\native\\electron\\better_sqlite3.node', '\\')).toBe(
      'C:\\Program Files\\Slipway\\resources\\app.asar.unpacked\\native\\electron\\better_sqlite3.node',
    );
    expect(unpackedFromAsar('/home/me/slipway/native/electron/better_sqlite3.node', '/')).toBe(
      '/home/me/slipway/native/electron/better_sqlite3.node',
    );
  });
});
