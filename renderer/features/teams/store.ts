import { createStore, type StoreApi } from 'zustand/vanilla';
import type { TeamDetail, TeamMatrix, TeamView } from '../../../shared/contract/teams';
import { attempter, errorMessage, type StoreDeps } from '../agents/store';

export interface TeamsState {
  agent: string | null;
  /** The teams the open agent belongs to. */
  teams: TeamDetail[];
  /** Every agent of the workspace could join; the names for the create dialog come from the sidebar. */
  selected: string | null;
  matrix: TeamMatrix | null;
  view: TeamView | null;
  /** The last promotion's refusal, word for word (every break). */
  refusal: string | null;
  busy: boolean;
  load: (agent: string | null) => Promise<void>;
  select: (team: string) => Promise<void>;
  /** The selected team on a target (null: none chosen). */
  watch: (target: string | null) => Promise<void>;
  create: (name: string, members: string[]) => Promise<boolean>;
  setMembers: (members: string[]) => Promise<boolean>;
  release: (pins: Record<string, string>, message: string) => Promise<boolean>;
  promote: (number: number, target: string) => Promise<boolean>;
  rollback: (target: string, reason: string) => Promise<boolean>;
}

export type TeamsStore = StoreApi<TeamsState>;

/** The team part of the Release tab: the open agent's teams, releases and their checks, the matrix, the team on a target. */
export function createTeamsStore({ client, notify }: StoreDeps): TeamsStore {
  const { succeeds } = attempter(notify);
  return createStore<TeamsState>()((set, get) => {
    const reload = async () => {
      const { agent, selected } = get();
      if (!agent) return;
      const teams = (await client.teams.list({})).filter((team) => team.members.includes(agent));
      const team = teams.find((candidate) => candidate.name === selected) ?? teams[0] ?? null;
      const matrix = team ? await client.teams.matrix({ name: team.name }) : null;
      if (get().agent === agent) set({ teams, selected: team?.name ?? null, matrix });
    };
    const readView = async (target: string | null) => {
      const team = get().selected;
      set({ view: team && target ? await client.teams.view({ name: team, target }) : null });
    };
    return {
      agent: null,
      teams: [],
      selected: null,
      matrix: null,
      view: null,
      refusal: null,
      busy: false,
      load: async (agent) => {
        set({ agent, teams: [], selected: null, matrix: null, view: null, refusal: null });
        if (agent) await succeeds(reload);
      },
      select: async (team) => {
        set({ selected: team, matrix: null, view: null, refusal: null });
        await succeeds(reload);
      },
      watch: (target) => succeeds(() => readView(target)).then(() => undefined),
      create: (name, members) =>
        succeeds(async () => {
          await client.teams.create({ name, members });
          set({ selected: name });
          await reload();
        }),
      setMembers: (members) =>
        succeeds(async () => {
          const name = get().selected;
          if (!name) return;
          await client.teams.setMembers({ name, members });
          await reload();
        }),
      release: (pins, message) =>
        succeeds(async () => {
          const name = get().selected;
          if (!name) return;
          await client.teams.release({ name, pins, message });
          await reload();
        }),
      promote: async (number, target) => {
        const name = get().selected;
        if (!name) return false;
        set({ busy: true, refusal: null });
        try {
          set({ view: await client.teams.promote({ name, number, target }) });
          return true;
        } catch (error) {
          set({ refusal: errorMessage(error) });
          return false;
        } finally {
          set({ busy: false });
        }
      },
      rollback: (target, reason) =>
        succeeds(async () => {
          const name = get().selected;
          if (!name) return;
          set({ busy: true });
          try {
            set({ view: await client.teams.rollback({ name, target, reason }) });
          } finally {
            set({ busy: false });
          }
        }),
    };
  });
}
