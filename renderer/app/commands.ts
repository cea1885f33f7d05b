import { pickBundleFile } from '../features/bundles/ImportDialog';
import type { AppStores } from './stores';

export interface Command {
  id: string;
  title: string;
  shortcut?: string;
  run: () => void;
}

/** Everything the palette offers, built from the current state. */
export function buildCommands(stores: AppStores): Command[] {
  const { ui, agents, audit } = stores;
  const selected = agents.getState().selected;
  const commands: Command[] = [
    { id: 'tab.editor', title: 'Go to Editor', shortcut: 'Ctrl+1', run: () => ui.getState().setTab('editor') },
    { id: 'tab.history', title: 'Go to History', shortcut: 'Ctrl+2', run: () => ui.getState().setTab('history') },
    { id: 'tab.audit', title: 'Go to Audit', shortcut: 'Ctrl+3', run: () => ui.getState().setTab('audit') },
    { id: 'tab.tests', title: 'Go to Tests', shortcut: 'Ctrl+4', run: () => ui.getState().setTab('tests') },
    { id: 'tab.compare', title: 'Go to Compare', shortcut: 'Ctrl+5', run: () => ui.getState().setTab('compare') },
    { id: 'tab.release', title: 'Go to Release', shortcut: 'Ctrl+6', run: () => ui.getState().setTab('release') },
    { id: 'settings', title: 'Settings: keys and author', shortcut: 'Ctrl+,', run: () => ui.getState().setSettingsOpen(true) },
    {
      id: 'agent.create',
      title: 'New agent…',
      shortcut: 'Ctrl+Shift+N',
      run: () => ui.getState().setAgentDialog({ kind: 'create' }),
    },
    {
      id: 'bundle.import',
      title: 'Import a bundle (.slipway)…',
      shortcut: 'Ctrl+Shift+O',
      run: () => pickBundleFile(stores.bundles.getState().receive),
    },
    { id: 'palette', title: 'Command palette', shortcut: 'Ctrl+K', run: () => ui.getState().setPaletteOpen(true) },
    { id: 'about', title: 'About Slipway (versions)', run: () => ui.getState().setAboutOpen(true) },
    {
      id: 'audit.verify',
      title: 'Verify the audit chain',
      run: () =>
        void audit
          .getState()
          .verify()
          .then(() => ui.getState().setTab('audit')),
    },
  ];
  if (selected) {
    commands.push(
      { id: 'snapshot', title: `Snapshot ${selected}…`, shortcut: 'Ctrl+S', run: () => ui.getState().setSnapshotOpen(true) },
      {
        id: 'try',
        title: 'Try the draft on one input',
        shortcut: 'Ctrl+Enter',
        run: () => {
          ui.getState().setTab('editor');
          stores.tryPanel.getState().setOpen(true);
        },
      },
      {
        id: 'agent.rename',
        title: `Rename ${selected}…`,
        run: () => ui.getState().setAgentDialog({ kind: 'rename', name: selected }),
      },
      {
        id: 'agent.archive',
        title: `Archive ${selected}…`,
        run: () => ui.getState().setAgentDialog({ kind: 'archive', name: selected }),
      },
    );
  }
  for (const agent of agents.getState().agents) {
    if (agent.name !== selected)
      commands.push({
        id: `open.${agent.name}`,
        title: `Open agent ${agent.name}`,
        run: () => agents.getState().select(agent.name),
      });
  }
  return commands;
}

/** Carries out a command by id (the desktop menu sends ids); one that does not apply now says so. */
export function runCommand(stores: AppStores, id: string): void {
  const command = buildCommands(stores).find((candidate) => candidate.id === id);
  if (command) command.run();
  else
    stores.ui
      .getState()
      .notify(
        id.startsWith('open.') || id === 'snapshot' || id.startsWith('agent.')
          ? 'Open an agent first.'
          : `Slipway does not know the command "${id}".`,
      );
}
