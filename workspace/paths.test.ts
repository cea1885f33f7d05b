import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultWorkspaceDir, userDataDir } from './paths';

describe('workspace location', () => {
  it("is Electron's userData folder for Slipway on each OS, plus workspace/", () => {
    expect(userDataDir({}, 'linux')).toBe(join(homedir(), '.config', 'Slipway'));
    expect(userDataDir({ XDG_CONFIG_HOME: '/x/config' }, 'linux')).toBe(join('/x/config', 'Slipway'));
    expect(userDataDir({}, 'darwin')).toBe(join(homedir(), 'Library', 'Application Support', 'Slipway'));
    expect(userDataDir({ APPDATA: 'C:\\Users\\m\\AppData\\Roaming' }, 'win32')).toBe(
      join('C:\\Users\\m\\AppData\\Roaming', 'Slipway'),
    );
    expect(defaultWorkspaceDir({ XDG_CONFIG_HOME: '/x/config' }, 'linux')).toBe(join('/x/config', 'Slipway', 'workspace'));
    expect(userDataDir({ HOME: '/sandbox' }, 'linux')).toBe(join('/sandbox', '.config', 'Slipway'));
  });
});
