import { MENU_COMMANDS, type MenuCommand } from '../../shared/menu-commands';

/**
 * The native menus as plain data: electron/main turns each item into a MenuItem, sending
 * `command` to the window, running `action` itself, or leaving it to Electron's `role`.
 */

export type MenuAction = { kind: 'open-workspace' } | { kind: 'open-recent'; dir: string } | { kind: 'clear-recent' };

export type MenuRole =
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'close'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'zoom'
  | 'front';

export interface MenuSpec {
  label?: string;
  type?: 'separator';
  role?: MenuRole;
  command?: MenuCommand;
  action?: MenuAction;
  accelerator?: string;
  /** False when the window answers to the key itself (the menu only shows it). */
  registerAccelerator?: boolean;
  enabled?: boolean;
  submenu?: MenuSpec[];
}

const separator: MenuSpec = { type: 'separator' };

function command(label: string, id: MenuCommand): MenuSpec {
  const accelerator = MENU_COMMANDS[id];
  return { label, command: id, ...(accelerator ? { accelerator, registerAccelerator: false } : {}) };
}

export function appMenu(options: { platform: NodeJS.Platform; recent: readonly string[] }): MenuSpec[] {
  const mac = options.platform === 'darwin';
  const recent: MenuSpec[] = options.recent.length
    ? [
        ...options.recent.map((dir) => ({ label: dir, action: { kind: 'open-recent', dir } }) satisfies MenuSpec),
        separator,
        { label: 'Clear Recent', action: { kind: 'clear-recent' } },
      ]
    : [{ label: 'No recent workspaces', enabled: false }];
  const menus: MenuSpec[] = [
    {
      label: 'File',
      submenu: [
        command('New Agent…', 'agent.create'),
        command('Import Bundle…', 'bundle.import'),
        separator,
        { label: 'Open Workspace…', action: { kind: 'open-workspace' }, accelerator: 'CmdOrCtrl+O' },
        { label: 'Open Recent', submenu: recent },
        ...(mac ? [] : [separator, command('Settings…', 'settings')]),
        separator,
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        separator,
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
        separator,
        command('Command Palette…', 'palette'),
      ],
    },
    {
      label: 'View',
      submenu: [
        command('Editor', 'tab.editor'),
        command('History', 'tab.history'),
        command('Audit', 'tab.audit'),
        command('Tests', 'tab.tests'),
        command('Compare', 'tab.compare'),
        command('Release', 'tab.release'),
        separator,
        { role: 'reload' },
        { role: 'forceReload' },
        { role: 'toggleDevTools' },
        separator,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        separator,
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Agent',
      submenu: [
        command('Snapshot…', 'snapshot'),
        command('Try the Draft', 'try'),
        separator,
        command('Rename…', 'agent.rename'),
        command('Archive', 'agent.archive'),
        separator,
        command('Verify the Audit Chain', 'audit.verify'),
      ],
    },
    {
      label: 'Window',
      submenu: mac
        ? [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }]
        : [{ role: 'minimize' }, { role: 'close' }],
    },
    { label: 'Help', submenu: [command('About Slipway', 'about'), command('Keyboard Shortcuts and Commands…', 'palette')] },
  ];
  if (!mac) return menus;
  return [
    {
      label: 'Slipway',
      submenu: [
        command('About Slipway', 'about'),
        separator,
        command('Settings…', 'settings'),
        separator,
        { role: 'services' },
        separator,
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        separator,
        { role: 'quit' },
      ],
    },
    ...menus,
  ];
}
