import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MENU_COMMANDS } from '../../shared/menu-commands';
import { tempDir } from '../../test-support/workspace';
import { appMenu, type MenuSpec } from './app-menu';
import { MAX_RECENT, readRecent, rememberWorkspace, withRecent } from './recent-workspaces';
import { DEFAULT_SIZE, readWindowState, restoreWindow, writeWindowState } from './window-state';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));
function folder(): string {
  const made = tempDir();
  cleanups.push(made.cleanup);
  return made.dir;
}

function items(menu: MenuSpec[]): MenuSpec[] {
  return menu.flatMap((item) => [item, ...items(item.submenu ?? [])]);
}

describe('the native menus', () => {
  it('are File, Edit, View, Agent, Window and Help (with the app menu first on macOS)', () => {
    expect(appMenu({ platform: 'linux', recent: [] }).map((menu) => menu.label)).toEqual([
      'File',
      'Edit',
      'View',
      'Agent',
      'Window',
      'Help',
    ]);
    expect(appMenu({ platform: 'win32', recent: [] }).map((menu) => menu.label)).toEqual([
      'File',
      'Edit',
      'View',
      'Agent',
      'Window',
      'Help',
    ]);
    expect(appMenu({ platform: 'darwin', recent: [] }).map((menu) => menu.label)).toEqual([
      'Slipway',
      'File',
      'Edit',
      'View',
      'Agent',
      'Window',
      'Help',
    ]);
  });

  it("send only commands the window knows, show the window's own keys without taking them, and give each key to one item", () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const all = items(appMenu({ platform, recent: ['/work/a'] }));
      for (const item of all.filter((candidate) => candidate.command)) {
        expect(Object.keys(MENU_COMMANDS)).toContain(item.command);
        expect(item.accelerator ?? null).toBe(MENU_COMMANDS[item.command ?? 'about']);
        if (item.accelerator) expect(item.registerAccelerator).toBe(false);
      }
      const keys = all
        .filter((item) => item.accelerator && item.label !== 'Keyboard Shortcuts and Commands…')
        .map((item) => item.accelerator);
      expect(new Set(keys).size, platform).toBe(keys.length);
      const open = all.find((item) => item.action?.kind === 'open-workspace');
      expect(open).toMatchObject({ label: 'Open Workspace…', accelerator: 'CmdOrCtrl+O' });
      expect(open?.registerAccelerator).toBeUndefined();
    }
  });

  it('list recent workspaces under File ▸ Open Recent, or say there are none', () => {
    const recent = (list: string[]) =>
      items(appMenu({ platform: 'linux', recent: list })).find((item) => item.label === 'Open Recent')?.submenu ?? [];
    expect(recent([]).map((item) => [item.label, item.enabled])).toEqual([['No recent workspaces', false]]);
    expect(recent(['/work/a', '/work/b']).map((item) => item.action ?? item.type)).toEqual([
      { kind: 'open-recent', dir: '/work/a' },
      { kind: 'open-recent', dir: '/work/b' },
      'separator',
      { kind: 'clear-recent' },
    ]);
  });
});

describe('the window between runs', () => {
  const laptop = { x: 0, y: 0, width: 1440, height: 900 };
  const monitor = { x: 1440, y: 0, width: 2560, height: 1440 };

  it('opens where it was when its title bar is on a display, maximized if it was', () => {
    expect(restoreWindow({ x: 1600, y: 100, width: 1800, height: 1000, maximized: true }, [laptop, monitor])).toEqual({
      bounds: { x: 1600, y: 100, width: 1800, height: 1000 },
      maximized: true,
    });
  });

  it('opens centred, no larger than the largest display, when its display is gone; at the default size the first time', () => {
    expect(restoreWindow({ x: 1600, y: 100, width: 1800, height: 1000, maximized: false }, [laptop])).toEqual({
      bounds: { width: 1440, height: 900 },
      maximized: false,
    });
    expect(restoreWindow({ x: 1435, y: 100, width: 800, height: 600, maximized: false }, [laptop])).toEqual({
      bounds: { width: 800, height: 600 },
      maximized: false,
    });
    expect(restoreWindow(null, [laptop])).toEqual({ bounds: DEFAULT_SIZE, maximized: false });
  });

  it('is saved whole, and a file that is not ours reads as none', () => {
    const file = join(folder(), 'window-state.json');
    expect(readWindowState(file)).toBeNull();
    writeWindowState(file, { x: 10, y: 20, width: 900, height: 700, maximized: false });
    expect(readWindowState(file)).toEqual({ x: 10, y: 20, width: 900, height: 700, maximized: false });
    writeFileSync(file, '{"x": "left"}');
    expect(readWindowState(file)).toBeNull();
    writeFileSync(file, 'not json');
    expect(readWindowState(file)).toBeNull();
  });
});

describe('recent workspaces', () => {
  it('keep the newest first, once each, at most ten, and forget folders that are gone', () => {
    const dirs = Array.from({ length: 12 }, () => folder());
    expect(withRecent(['/a', '/b', '/c'], '/b')).toEqual(['/b', '/a', '/c']);
    const file = join(folder(), 'recent.json');
    for (const dir of dirs) rememberWorkspace(file, dir);
    expect(readRecent(file)).toEqual(dirs.slice(-MAX_RECENT).reverse());
    const gone = join(folder(), 'gone');
    mkdirSync(gone);
    rememberWorkspace(file, gone);
    expect(readRecent(file)[0]).toBe(gone);
    rmSync(gone, { recursive: true });
    expect(readRecent(file)).toEqual(dirs.slice(-MAX_RECENT + 1).reverse());
  });
});
