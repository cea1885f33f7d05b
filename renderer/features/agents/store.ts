import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Client } from '../../../shared/contract/client';
import type { AgentSummary, VersionSummary } from '../../../shared/contract/entities';

export interface AgentsState {
  agents: AgentSummary[];
  selected: string | null;
  versions: VersionSummary[];
  loading: boolean;
  error: string | null;
  load: () => Promise<void>;
  select: (agent: string) => Promise<void>;
}

export type AgentsStore = StoreApi<AgentsState>;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The agents feature: the list of agents and the history of the selected one. */
export function createAgentsStore(client: Client): AgentsStore {
  return createStore<AgentsState>()((set, get) => ({
    agents: [],
    selected: null,
    versions: [],
    loading: false,
    error: null,
    load: async () => {
      set({ loading: true, error: null });
      try {
        const agents = await client.agents.list({});
        set({ agents, loading: false });
        const first = get().selected ?? agents[0]?.name;
        if (first) await get().select(first);
      } catch (error) {
        set({ loading: false, error: message(error) });
      }
    },
    select: async (agent) => {
      set({ selected: agent, error: null });
      try {
        const versions = await client.versions.list({ agent });
        if (get().selected === agent) set({ versions });
      } catch (error) {
        set({ error: message(error) });
      }
    },
  }));
}

export const selectAgents = (state: AgentsState) => state.agents;
export const selectSelected = (state: AgentsState) => state.selected;
export const selectVersions = (state: AgentsState) => state.versions;
export const selectStatus = (state: AgentsState) => ({ loading: state.loading, error: state.error });
