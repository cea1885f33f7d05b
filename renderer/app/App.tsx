import { useEffect } from 'react';
import { Play } from 'lucide-react';
import { Welcome } from './Welcome';
import { Sidebar } from '../features/agents/Sidebar';
import { selectSelectedAgent } from '../features/agents/store';
import { EditorTab } from '../features/editor/EditorTab';
import { SnapshotDialog } from '../features/editor/SnapshotDialog';
import { HistoryTab } from '../features/history/HistoryTab';
import { ImportDialog } from '../features/bundles/ImportDialog';
import { useBundleDrop } from '../features/bundles/use-bundle-drop';
import { selectTab, SIDEBAR_MAX, SIDEBAR_MIN, TABS, type Tab } from '../features/ui/store';
import { AboutDialog } from './AboutDialog';
import { TrustDialog } from '../features/trust/TrustDialog';
import { CommandPalette } from './CommandPalette';
import { ErrorBoundary } from './ErrorBoundary';
import { useSlice, useStores } from './context';
import { Resizer } from './Resizer';
import { formatPlace } from './routing';
import { useShortcuts } from './shortcuts';
import { Toasts } from './Toasts';
import { useLoaded } from './use-loaded';

// Loaded when first shown, so the first screen parses none of their code (nor yaml, jsdiff, the statistics).
const loadAuditTab = () => import('../features/audit/AuditTab').then((module) => ({ default: module.AuditTab }));
const loadTestsTab = () => import('../features/tests/TestsTab').then((module) => ({ default: module.TestsTab }));
const loadCompareTab = () => import('../features/compare/CompareTab').then((module) => ({ default: module.CompareTab }));
const loadReleaseTab = () => import('../features/release/ReleaseTab').then((module) => ({ default: module.ReleaseTab }));
const loadTryPanel = () => import('../features/try/TryPanel').then((module) => ({ default: module.TryPanel }));
const loadSettingsPage = () => import('../features/settings/SettingsPage').then((module) => ({ default: module.SettingsPage }));

/** A part loaded on demand: nothing (a blank) for the moment it takes to arrive. */
function OnDemand({ load }: { load: () => Promise<{ default: () => React.JSX.Element | null }> }) {
  const Part = useLoaded(load);
  return Part ? <Part /> : null;
}

const TAB_TITLES: Record<Tab, string> = {
  editor: 'Editor',
  history: 'History',
  audit: 'Audit',
  tests: 'Tests',
  compare: 'Compare',
  release: 'Release',
};

function Workbench() {
  const { ui, agents, tryPanel } = useStores();
  const tab = useSlice(ui, selectTab);
  const tryOpen = useSlice(tryPanel, (state) => state.open);
  const agent = useSlice(agents, selectSelectedAgent);
  const loaded = useSlice(agents, (state) => state.loaded);

  if (!agent) {
    return (
      <main className="main">
        {loaded && (
          <div className="empty-state" data-testid="empty-workbench">
            <h2>Welcome to Slipway</h2>
            <p>Create an agent to edit its prompt and configuration, snapshot versions, compare them and move labels.</p>
            <button type="button" className="primary" onClick={() => ui.getState().setAgentDialog({ kind: 'create' })}>
              New agent
            </button>
          </div>
        )}
      </main>
    );
  }
  return (
    <main className="main">
      <header className="agent-header">
        <h2 data-testid="agent-title">{agent.name}</h2>
        <span className="muted">{agent.description}</span>
        {agent.archived && <span className="badge">archived</span>}
        <nav className="tabs" role="tablist" aria-label="Agent">
          {TABS.map((candidate, position) => (
            <button
              key={candidate}
              type="button"
              role="tab"
              aria-selected={tab === candidate}
              onClick={() => ui.getState().setTab(candidate)}
              data-testid={`tab-${candidate}`}
              title={`Ctrl+${position + 1}`}
            >
              {TAB_TITLES[candidate]}
            </button>
          ))}
        </nav>
        {tab === 'editor' && !tryOpen && (
          <button
            type="button"
            className="try-toggle"
            onClick={() => tryPanel.getState().setOpen(true)}
            data-testid="open-try"
            title="Run the draft on one input (Ctrl+Enter runs again)"
          >
            <Play size={14} aria-hidden /> Try
          </button>
        )}
      </header>
      <Welcome />
      <div className={`tab-body${tab === 'editor' && tryOpen ? ' with-try' : ''}`}>
        <ErrorBoundary key={`${agent.name}/${tab}`} what={`The ${TAB_TITLES[tab]} tab`}>
          {tab === 'editor' && <EditorTab />}
          {tab === 'history' && <HistoryTab />}
          {tab === 'audit' && <OnDemand load={loadAuditTab} />}
          {tab === 'tests' && <OnDemand load={loadTestsTab} />}
          {tab === 'compare' && <OnDemand load={loadCompareTab} />}
          {tab === 'release' && <OnDemand load={loadReleaseTab} />}
        </ErrorBoundary>
        {tab === 'editor' && tryOpen && <OnDemand load={loadTryPanel} />}
      </div>
    </main>
  );
}

export function App() {
  const stores = useStores();
  const { ui, agents, bundles } = stores;
  const dragging = useBundleDrop(bundles);
  const incoming = useSlice(bundles, (state) => state.incoming !== null);
  const sidebarWidth = useSlice(ui, (state) => state.sidebarWidth);
  const paletteOpen = useSlice(ui, (state) => state.paletteOpen);
  const snapshotOpen = useSlice(ui, (state) => state.snapshotOpen);
  const settingsOpen = useSlice(ui, (state) => state.settingsOpen);
  const aboutOpen = useSlice(ui, (state) => state.aboutOpen);
  const tab = useSlice(ui, selectTab);
  const selected = useSlice(agents, (state) => state.selected);
  useShortcuts(stores);

  useEffect(() => {
    const hash = formatPlace({ agent: selected, tab });
    if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
  }, [selected, tab]);

  return (
    <div className="layout" style={{ gridTemplateColumns: `${sidebarWidth}px 6px 1fr` }}>
      <Sidebar />
      <Resizer
        label="Resize the sidebar"
        value={sidebarWidth}
        min={SIDEBAR_MIN}
        max={SIDEBAR_MAX}
        onResize={(x) => ui.getState().setSidebarWidth(x)}
      />
      {settingsOpen ? <OnDemand load={loadSettingsPage} /> : <Workbench />}
      {paletteOpen && <CommandPalette />}
      {snapshotOpen && selected && <SnapshotDialog onClose={() => ui.getState().setSnapshotOpen(false)} />}
      {incoming && <ImportDialog />}
      {aboutOpen && <AboutDialog />}
      <TrustDialog />
      {dragging && (
        <div className="drop-overlay" data-testid="drop-overlay">
          Drop a <code>.slipway</code> bundle to see what it holds before importing it
        </div>
      )}
      <Toasts />
    </div>
  );
}
