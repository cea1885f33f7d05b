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
  if (selected) commands.push(...agentCommands(stores, selected));
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

/** The open agent's work by name: runs, restores, label moves, comparisons and the release actions its target allows now. */
function agentCommands(stores: AppStores, agent: string): Command[] {
  const { ui, tests, history, release } = stores;
  const latest = stores.agents.getState().agents.find((candidate) => candidate.name === agent)?.latest?.semver ?? null;
  const commands: Command[] = [
    { id: 'run', title: 'Run a suite…', run: () => ui.getState().requestDialog('tests', { kind: 'run' }) },
    ...tests.getState().suites.map((suite) => ({
      id: `run.${suite.name}`,
      title: `Run suite ${suite.name}…`,
      run: () => ui.getState().requestDialog('tests', { kind: 'run', suite: suite.name }),
    })),
    { id: 'compare.new', title: 'Compare versions on a dataset', run: () => ui.getState().setTab('compare') },
  ];
  if (latest) {
    commands.push(
      {
        id: 'label.move',
        title: `Move a label to ${latest} (latest)…`,
        run: () => ui.getState().requestDialog('history', { kind: 'label', semver: latest }),
      },
      ...history.getState().labels.map((label) => ({
        id: `label.move.${label.name}`,
        title: `Move label ${label.name} (now ${label.semver}) to ${latest}…`,
        run: () => ui.getState().requestDialog('history', { kind: 'label', semver: latest }),
      })),
      {
        id: 'draft.restore',
        title: `Restore ${latest} into the draft…`,
        run: () => ui.getState().requestDialog('history', { kind: 'restore', semver: latest }),
      },
      {
        id: 'diff.draft',
        title: `Compare the draft with ${latest}`,
        run: () => {
          ui.getState().setTab('history');
          void history.getState().compare([latest, 'draft']);
        },
      },
    );
  }
  const { target, view, busy } = release.getState();
  const state = view?.state ?? null;
  if (target && !busy) {
    const act = (action: Parameters<ReturnType<typeof release.getState>['act']>[0]) => () => {
      ui.getState().setTab('release');
      void release.getState().act(action);
    };
    if (state?.canary) {
      const { semver, weight } = state.canary;
      commands.push(
        { id: 'release.promote', title: `Promote canary ${semver} on ${target}`, run: act({ type: 'promote' }) },
        {
          id: 'release.pause',
          title: `${state.paused ? 'Resume' : 'Pause'} canary ${semver} on ${target} (at ${weight}%)`,
          run: act({ type: state.paused ? 'resume' : 'pause' }),
        },
      );
    } else if (state?.stable || !state) {
      commands.push({
        id: 'release.start',
        title: `${state?.stable ? 'Start a canary' : 'Deploy'} on ${target}…`,
        run: () => ui.getState().setTab('release'),
      });
    }
    if (state?.stable)
      commands.push({
        id: 'release.rollback',
        title: `Roll back on ${target}…`,
        run: () => ui.getState().requestDialog('release', { kind: 'rollback' }),
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
