import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AuditEntry } from '../../../shared/contract/audit';
import type { AuditArea } from '../../../shared/audit-areas';
import { errorMessage, type StoreDeps } from '../agents/store';

export interface AuditFilters {
  /** An agent's name, or '' for the whole workspace. */
  agent: string;
  /** An action, or a prefix ending in '.', or '' for any. */
  action: string;
  /** One area of actions, or '' for all. */
  area: AuditArea | '';
  actor: string;
  /** yyyy-mm-dd, inclusive, or ''. */
  since: string;
  until: string;
}

export interface Verification {
  ok: boolean;
  rows: number;
  firstBadId: number | null;
  problem: string | null;
}

export interface AuditState {
  filters: AuditFilters;
  entries: AuditEntry[];
  more: boolean;
  verification: Verification | null;
  load: () => Promise<void>;
  loadMore: () => Promise<void>;
  setFilters: (filters: Partial<AuditFilters>) => Promise<void>;
  verify: () => Promise<void>;
}

export type AuditStore = StoreApi<AuditState>;

export const AUDIT_ACTIONS = [
  'agent.create',
  'agent.rename',
  'agent.describe',
  'agent.archive',
  'agent.restore',
  'version.snapshot',
  'draft.reset',
  'draft.recover',
  'label.move',
  'settings.author',
] as const;

const PAGE = 200;

function toQuery(filters: AuditFilters) {
  return {
    ...(filters.agent ? { agent: filters.agent } : {}),
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.area ? { area: filters.area } : {}),
    ...(filters.actor ? { actor: filters.actor } : {}),
    ...(filters.since ? { since: `${filters.since}T00:00:00.000Z` } : {}),
    ...(filters.until ? { until: `${filters.until}T23:59:59.999Z` } : {}),
  };
}

/** The Audit tab: the filtered log, paged backwards, and the chain verification. */
export function createAuditStore({ client, notify }: StoreDeps): AuditStore {
  return createStore<AuditState>()((set, get) => ({
    filters: { agent: '', action: '', area: '', actor: '', since: '', until: '' },
    entries: [],
    more: false,
    verification: null,
    load: async () => {
      try {
        const entries = await client.audit.list({ ...toQuery(get().filters), limit: PAGE });
        set({ entries, more: entries.length === PAGE });
      } catch (error) {
        notify(errorMessage(error));
      }
    },
    loadMore: async () => {
      const last = get().entries.at(-1);
      if (!last) return;
      try {
        const older = await client.audit.list({ ...toQuery(get().filters), limit: PAGE, beforeId: last.id });
        set({ entries: [...get().entries, ...older], more: older.length === PAGE });
      } catch (error) {
        notify(errorMessage(error));
      }
    },
    setFilters: async (filters) => {
      set({ filters: { ...get().filters, ...filters } });
      await get().load();
    },
    verify: async () => {
      try {
        set({ verification: await client.audit.verify({}) });
      } catch (error) {
        notify(errorMessage(error));
      }
    },
  }));
}
