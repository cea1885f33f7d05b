import { createClient, type Client } from '../../shared/contract/client';
import type { Transport } from '../../shared/contract/transport';
import { createAgentsStore, selectSelectedAgent, type AgentsStore } from '../features/agents/store';
import { createAuditStore, type AuditStore } from '../features/audit/store';
import { createBundlesStore, type BundlesStore } from '../features/bundles/store';
import { createEditorStore, type EditorStore } from '../features/editor/store';
import { createHistoryStore, type HistoryStore } from '../features/history/store';
import { createCompareStore, type CompareStore } from '../features/compare/store';
import { createReleaseStore, type ReleaseStore } from '../features/release/store';
import { createSettingsStore, type SettingsStore } from '../features/settings/store';
import { createTestsStore, type TestsStore } from '../features/tests/store';
import { createTeamsStore, type TeamsStore } from '../features/teams/store';
import { createTryStore, type TryStore } from '../features/try/store';
import { createTrustStore, type TrustStore } from '../features/trust/store';
import { createUiStore, type Tab, type UiStore } from '../features/ui/store';
import { runCommand } from './commands';
import { parsePlace } from './routing';

export interface AppStores {
  client: Client;
  ui: UiStore;
  agents: AgentsStore;
  editor: EditorStore;
  history: HistoryStore;
  audit: AuditStore;
  tests: TestsStore;
  tryPanel: TryStore;
  settings: SettingsStore;
  compare: CompareStore;
  release: ReleaseStore;
  bundles: BundlesStore;
  teams: TeamsStore;
  trust: TrustStore;
  /** Reloads what is on screen from the workspace. */
  refresh: () => Promise<void>;
  /** Goes to a place: its agent and tab, then the version or comparison it names (links, the menu). */
  navigate: (place: Place) => Promise<void>;
  dispose: () => void;
}

export interface Place {
  agent: string | null;
  tab: Tab;
  /** A version to select in History (a slipway://version link). */
  version?: string;
  /** A comparison to open in Compare (a slipway://comparison link). */
  comparison?: number;
}

/**
 * Builds every feature store over one transport and wires them: opening an agent loads its
 * draft, history and audit; a `workspace.changed` event (the CLI, another window) refreshes
 * what is on screen.
 */
export function createAppStores(transport: Transport, place: Place = { agent: null, tab: 'editor' }): AppStores {
  const client = createClient(transport.dispatch);
  const ui = createUiStore({ tab: place.tab });
  const notify = (message: string) => ui.getState().notify(message);
  const agents = createAgentsStore({ client, notify }, place.agent);
  const editor = createEditorStore({ client, notify });
  const history = createHistoryStore({ client, notify });
  const audit = createAuditStore({ client, notify });
  const trust = createTrustStore({ client, notify });
  const confirmRun = trust.getState().confirmRun;
  const tests = createTestsStore({ client, notify, confirmRun });
  const tryPanel = createTryStore({ client, notify, confirmRun });
  const settings = createSettingsStore({ client, notify });
  const compare = createCompareStore({ client, notify, confirmRun });
  const release = createReleaseStore({ client, notify });
  const bundles = createBundlesStore({ client, notify });
  const teams = createTeamsStore({ client, notify });

  /** What the History tab shows of the open agent, as of its last load; autosaves leave it alone. */
  const historyKey = () => {
    const agent = selectSelectedAgent(agents.getState());
    return agent ? JSON.stringify([agent.name, agent.versionCount, agent.latest?.hash, agent.labels]) : '';
  };
  let historyLoadedAs = '';
  const openAgent = async (agent: string | null) => {
    historyLoadedAs = '';
    tryPanel.getState().load(agent);
    await Promise.all([editor.getState().open(agent), history.getState().load(agent), loadTabData()]);
  };
  /**
   * The Tests and Compare tabs read their agent's suites, runs and comparisons when they are on
   * screen (or a dialog asks), not at every start: the first screen waits on nothing it does not show.
   */
  const loadTabData = async () => {
    const agent = agents.getState().selected;
    const tab = ui.getState().tab;
    // Shown: its agent's data. Hidden: kept if it is the open agent's, else dropped.
    const sync = (store: TestsStore | CompareStore | ReleaseStore, shown: boolean) => {
      const current = store.getState().agent;
      const wanted = shown || current === agent ? agent : null;
      return current === wanted ? Promise.resolve() : store.getState().load(wanted);
    };
    await Promise.all([sync(tests, tab === 'tests'), sync(compare, tab === 'compare'), sync(release, tab === 'release')]);
  };
  const unsubscribeTab = ui.subscribe((state, previous) => {
    if (state.tab === previous.tab) return;
    void loadTabData();
    if (state.tab === 'history') void history.getState().refreshDeployments();
  });
  const unsubscribeSelection = agents.subscribe((state, previous) => {
    if (state.selected !== previous.selected) void openAgent(state.selected);
  });

  const refresh = async () => {
    await agents.getState().load();
    // Every autosave changes the workspace; a long history is read again only when it changed.
    const key = historyKey();
    const historyChanged = key !== historyLoadedAs;
    historyLoadedAs = key;
    await Promise.all([editor.getState().refresh(), historyChanged ? history.getState().refresh() : Promise.resolve()]);
    // A release moves no label, so where each version went is read again while History is on screen.
    if (ui.getState().tab === 'history' && !historyChanged) await history.getState().refreshDeployments();
    // The audit log is read, and its chain verified, only while it is on screen.
    if (ui.getState().tab === 'audit') await Promise.all([audit.getState().load(), audit.getState().verify()]);
    if (ui.getState().tab === 'tests') await tests.getState().refresh();
    if (ui.getState().tab === 'compare') await compare.getState().refresh();
    if (ui.getState().tab === 'history' && historyChanged) await bundles.getState().loadEvidence(agents.getState().selected);
  };
  const navigate = async (place: Place) => {
    // The tab first: opening the agent then loads what that tab shows.
    ui.getState().setTab(place.tab);
    ui.getState().setSettingsOpen(false);
    if (place.agent && agents.getState().selected !== place.agent) agents.getState().select(place.agent);
    if (place.version && !history.getState().selection.includes(place.version)) history.getState().toggle(place.version);
    if (place.comparison) await compare.getState().openComparison(place.comparison);
  };
  const unsubscribeEvents = transport.subscribe((event) => {
    if (event.type === 'navigate') void navigate(parsePlace(event.payload.hash));
    else if (event.type === 'menu.command') runCommand(stores, event.payload.id);
    else if (event.type === 'run.progress') tests.getState().onProgress(event.payload);
    else if (event.type === 'compare.progress') compare.getState().onProgress(event.payload);
    else void refresh();
  });

  const stores: AppStores = {
    client,
    ui,
    agents,
    editor,
    history,
    audit,
    tests,
    tryPanel,
    settings,
    compare,
    release,
    bundles,
    teams,
    trust,
    refresh,
    navigate,
    dispose: () => {
      unsubscribeSelection();
      unsubscribeTab();
      unsubscribeEvents();
    },
  };
  return stores;
}

/**
 * Starts the app. The agent named in the URL is opened at once, alongside the agent list; if
 * the list says it is gone, the selection moves and the subscription opens the new one.
 */
export async function startApp(stores: AppStores, place?: Place): Promise<void> {
  const named = stores.agents.getState().selected;
  stores.tryPanel.getState().load(named);
  const tab = stores.ui.getState().tab;
  const opening =
    named === null
      ? Promise.resolve()
      : Promise.all([
          stores.editor.getState().open(named),
          stores.history.getState().load(named),
          tab === 'tests' ? stores.tests.getState().load(named) : null,
          tab === 'compare' ? stores.compare.getState().load(named) : null,
          tab === 'release' ? stores.release.getState().load(named) : null,
        ]);
  await Promise.all([stores.agents.getState().load(), opening]);
  if (place?.version || place?.comparison) await stores.navigate(place);
}
