import { useEffect } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { AgentList } from './components/AgentList';
import { VersionTable } from './components/VersionTable';
import { selectAgents, selectSelected, selectStatus, selectVersions, type AgentsStore } from './features/agents/store';

export function App({ store }: { store: AgentsStore }) {
  const agents = useStore(store, selectAgents);
  const selected = useStore(store, selectSelected);
  const versions = useStore(store, selectVersions);
  const status = useStore(store, useShallow(selectStatus));

  useEffect(() => {
    void store.getState().load();
  }, [store]);

  return (
    <div className="layout">
      <aside className="sidebar">
        <h1>Slipway</h1>
        <AgentList agents={agents} selected={selected} onSelect={(agent) => void store.getState().select(agent)} />
      </aside>
      <main className="main">
        {status.error && (
          <p role="alert" className="error">
            {status.error}
          </p>
        )}
        {selected ? (
          <>
            <h2>{selected}</h2>
            <VersionTable versions={versions} />
          </>
        ) : (
          !status.loading && <p className="empty">Select an agent to see its history.</p>
        )}
      </main>
    </div>
  );
}
