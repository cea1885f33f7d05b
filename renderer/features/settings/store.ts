import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Settings } from '../../../shared/contract/settings';
import type { KeyState, KeyStorage } from '../../../shared/contract/keys';
import { attempter, type StoreDeps } from '../agents/store';

export interface SettingsState {
  keys: KeyState[];
  storage: KeyStorage | null;
  settings: Settings | null;
  load: () => Promise<void>;
  /** The value goes to the Node side and is forgotten here at once. */
  setKey: (name: string, value: string) => Promise<boolean>;
  removeKey: (name: string) => Promise<boolean>;
  /** Binds a key to the hosts it may be sent to; an empty list unbinds it. */
  bindKey: (name: string, hosts: string[]) => Promise<boolean>;
  setAuthor: (author: string) => Promise<boolean>;
  /** A row for a key no agent names yet, to enter its value. */
  addName: (name: string) => void;
}

export type SettingsStore = StoreApi<SettingsState>;

/** The settings page: provider keys (names and whether each is set) and the author identity. */
export function createSettingsStore({ client, notify }: StoreDeps): SettingsStore {
  return createStore<SettingsState>()((set, get) => {
    const attempt = attempter(notify).succeeds;
    return {
      keys: [],
      storage: null,
      settings: null,
      load: async () => {
        await attempt(async () => {
          const [keys, storage, settings] = await Promise.all([
            client.keys.list({}),
            client.keys.storage({}),
            client.settings.get({}),
          ]);
          set({ keys, storage, settings });
        });
      },
      setKey: async (name, value) => {
        const done = await attempt(() => client.keys.set({ name, value }));
        if (done) await get().load();
        return done;
      },
      bindKey: async (name, hosts) => {
        const done = await attempt(() => client.keys.bind({ name, hosts }));
        if (done) await get().load();
        return done;
      },
      removeKey: async (name) => {
        const done = await attempt(() => client.keys.remove({ name }));
        if (done) await get().load();
        return done;
      },
      addName: (name) => {
        if (!get().keys.some((key) => key.name === name))
          set({ keys: [...get().keys, { name, set: false, source: null, usedBy: [], hosts: [] }] });
      },
      setAuthor: async (author) => {
        const done = await attempt(async () => set({ settings: await client.settings.setAuthor({ author }) }));
        return done;
      },
    };
  });
}
