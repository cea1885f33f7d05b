import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RunAllow } from '../../../shared/contract/bundles';
import type { Client } from '../../../shared/contract/client';
import type { AgentSummary } from '../../../shared/contract/agents';
import { SlipwayError, type FieldProblem } from '../../../shared/errors';

export interface AgentsState {
  agents: AgentSummary[];
  selected: string | null;
  showArchived: boolean;
  loaded: boolean;
  load: () => Promise<void>;
  select: (agent: string | null) => void;
  setShowArchived: (show: boolean) => Promise<void>;
  create: (name: string, description: string) => Promise<Submitted>;
  rename: (name: string, newName: string) => Promise<Submitted>;
  /** Archives an agent, with the reason the audit keeps. */
  archive: (name: string, reason: string) => Promise<boolean>;
  restore: (name: string) => Promise<boolean>;
}

export type AgentsStore = StoreApi<AgentsState>;

export interface StoreDeps {
  client: Client;
  /** Shows a failure to the user (a toast). */
  notify: (message: string) => void;
}

/** What stores that start runs need too: the user's yes before something from an untrusted bundle runs (features/trust). */
export interface RunStoreDeps extends StoreDeps {
  confirmRun: (request: { agent: string; ref: string; suite?: string }) => Promise<RunAllow | null>;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What a form's submit answers: done, or refused at one of its fields (any other failure became a toast). */
export type Submitted = { done: true } | { done: false; field: FieldProblem | null };

/** Runs a form's action: a refusal naming a field goes back to the form to show there, anything else is a toast. */
export function submitter(notify: (message: string) => void) {
  return async (action: () => Promise<unknown>): Promise<Submitted> => {
    try {
      await action();
      return { done: true };
    } catch (error) {
      if (error instanceof SlipwayError && error.field) return { done: false, field: error.field };
      notify(errorMessage(error));
      return { done: false, field: null };
    }
  };
}

/** Runs store actions so that a failure becomes a toast: `attempt` answers null, `succeeds` false. */
export function attempter(notify: (message: string) => void) {
  const attempt = async <T>(action: () => Promise<T>): Promise<T | null> => {
    try {
      return await action();
    } catch (error) {
      notify(errorMessage(error));
      return null;
    }
  };
  const succeeds = async (action: () => Promise<unknown>): Promise<boolean> =>
    (await attempt(async () => {
      await action();
      return true;
    })) === true;
  return { attempt, succeeds };
}

/** The sidebar: every agent with its latest version and labels, and which one is open. */
export function createAgentsStore({ client, notify }: StoreDeps, initialSelection: string | null = null): AgentsStore {
  const attempt = attempter(notify).succeeds;
  const submit = submitter(notify);
  return createStore<AgentsState>()((set, get) => ({
    agents: [],
    selected: initialSelection,
    showArchived: false,
    loaded: false,
    load: async () => {
      try {
        const agents = await client.agents.list({ includeArchived: get().showArchived });
        const selected = get().selected;
        const keep = selected !== null && agents.some((agent) => agent.name === selected);
        set({ agents, loaded: true, selected: keep ? selected : (agents.find((agent) => !agent.archived)?.name ?? null) });
      } catch (error) {
        set({ loaded: true });
        notify(errorMessage(error));
      }
    },
    select: (agent) => set({ selected: agent }),
    setShowArchived: async (showArchived) => {
      set({ showArchived });
      await get().load();
    },
    create: (name, description) =>
      submit(async () => {
        await client.agents.create({ name, description });
        set({ selected: name });
        await get().load();
      }),
    rename: (name, newName) =>
      submit(async () => {
        await client.agents.rename({ name, newName });
        if (get().selected === name) set({ selected: newName });
        await get().load();
      }),
    archive: (name, reason) =>
      attempt(async () => {
        await client.agents.archive({ name, reason });
        await get().load();
      }),
    restore: (name) =>
      attempt(async () => {
        await client.agents.restore({ name });
        await get().load();
      }),
  }));
}

export const selectAgents = (state: AgentsState) => state.agents;
export const selectSelected = (state: AgentsState) => state.selected;
export const selectSelectedAgent = (state: AgentsState) => state.agents.find((agent) => agent.name === state.selected) ?? null;
