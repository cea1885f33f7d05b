/**
 * The window's commands the desktop menu sends by id (renderer/app/commands.ts carries them
 * out), with the keys the window itself already answers to: the menu shows those keys but does
 * not register them, so a key press is handled once.
 */
export const MENU_COMMANDS = {
  'agent.create': 'CmdOrCtrl+Shift+N',
  'bundle.import': 'CmdOrCtrl+Shift+O',
  settings: 'CmdOrCtrl+,',
  palette: 'CmdOrCtrl+K',
  'tab.editor': 'CmdOrCtrl+1',
  'tab.history': 'CmdOrCtrl+2',
  'tab.audit': 'CmdOrCtrl+3',
  'tab.tests': 'CmdOrCtrl+4',
  'tab.compare': 'CmdOrCtrl+5',
  'tab.release': 'CmdOrCtrl+6',
  snapshot: 'CmdOrCtrl+S',
  try: 'CmdOrCtrl+Enter',
  'agent.rename': null,
  'agent.archive': null,
  'audit.verify': null,
  about: null,
} as const satisfies Record<string, string | null>;

export type MenuCommand = keyof typeof MENU_COMMANDS;
