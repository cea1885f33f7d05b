import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Category, CaseVerdict } from '../../../shared/compare';
import type {
  CaseRow,
  ComparedCase,
  CompareProgressEvent,
  ComparisonSummary,
  DatasetSummary,
} from '../../../shared/contract/comparing';
import type { SuiteSummary } from '../../../shared/contract/testing';
import { attempter, type RunStoreDeps } from '../agents/store';

export type VerdictFilter = 'all' | CaseVerdict;
export type CaseSort = 'order' | 'passRate' | 'latencyMs' | 'tokens' | 'costUsd';

export interface NewComparison {
  refs: string[];
  dataset: string;
  suite: string | null;
  repeat: number;
  concurrency: number;
}

export interface CompareState {
  agent: string | null;
  datasets: DatasetSummary[];
  suites: SuiteSummary[];
  comparisons: ComparisonSummary[];
  open: ComparisonSummary | null;
  /** Which candidate the table shows (1 = the first after the baseline). */
  candidate: number;
  rows: CaseRow[];
  verdict: VerdictFilter;
  category: Category | null;
  sort: CaseSort;
  /** Largest change first when true. */
  descending: boolean;
  detail: ComparedCase | null;
  live: Record<number, CompareProgressEvent>;
  load: (agent: string | null) => Promise<void>;
  refresh: () => Promise<void>;
  start: (request: NewComparison) => Promise<ComparisonSummary | null>;
  cancel: (id: number) => Promise<void>;
  openComparison: (id: number) => Promise<void>;
  close: () => void;
  setCandidate: (candidate: number) => Promise<void>;
  setVerdict: (verdict: VerdictFilter) => void;
  setCategory: (category: Category | null) => void;
  setSort: (sort: CaseSort) => void;
  openCase: (caseId: string) => Promise<void>;
  closeCase: () => void;
  onProgress: (event: CompareProgressEvent) => void;
}

export type CompareStore = StoreApi<CompareState>;

/** The case table's rows: filtered by verdict and behavioural category, sorted by a delta. */
export function visibleCases(
  rows: CaseRow[],
  verdict: VerdictFilter,
  category: Category | null,
  sort: CaseSort,
  descending: boolean,
): CaseRow[] {
  const kept = rows.filter(
    (row) => (verdict === 'all' || row.verdict === verdict) && (category === null || row.categories.includes(category)),
  );
  if (sort === 'order') return kept;
  const value = (row: CaseRow) => row.delta[sort] ?? Number.NEGATIVE_INFINITY;
  return [...kept].sort((a, b) => (descending ? value(b) - value(a) : value(a) - value(b)));
}

/** The Compare tab: datasets, comparisons (start, follow, cancel, reopen) and the one open. */
export function createCompareStore({ client, notify, confirmRun }: RunStoreDeps): CompareStore {
  return createStore<CompareState>()((set, get) => {
    const { attempt } = attempter(notify);

    const loadLists = async (agent: string) => {
      const [datasets, suites, comparisons] = await Promise.all([
        client.datasets.list({ agent }),
        client.suites.list({ agent }),
        client.comparisons.list({ agent }),
      ]);
      if (get().agent === agent) set({ datasets, suites, comparisons });
    };

    const openComparison = async (id: number, candidate = 1) => {
      // Rows of a running comparison are none yet; both are asked for at once.
      const [open, rows] = await Promise.all([client.comparisons.get({ id }), client.comparisons.cases({ id, candidate })]);
      const same = get().open?.id === id;
      set({
        open,
        rows,
        candidate,
        detail: null,
        ...(same ? {} : { verdict: 'all' as const, category: null, sort: 'order' as const }),
      });
    };

    return {
      agent: null,
      datasets: [],
      suites: [],
      comparisons: [],
      open: null,
      candidate: 1,
      rows: [],
      verdict: 'all',
      category: null,
      sort: 'order',
      descending: true,
      detail: null,
      live: {},
      load: async (agent) => {
        set({ agent, datasets: [], suites: [], comparisons: [], open: null, rows: [], detail: null });
        if (agent) await attempt(() => loadLists(agent));
      },
      refresh: async () => {
        const { agent } = get();
        if (agent) await attempt(() => loadLists(agent));
      },
      start: async (request) => {
        const { agent } = get();
        if (!agent) return null;
        const allows = [];
        for (const ref of request.refs) {
          const allowed = await confirmRun({ agent, ref, ...(request.suite ? { suite: request.suite } : {}) });
          if (!allowed) return null;
          allows.push(allowed);
        }
        const allow = {
          command: allows.some((each) => each.command),
          keys: allows.some((each) => each.keys),
          hosts: allows.some((each) => each.hosts),
        };
        const started = await attempt(() =>
          client.comparisons.start({
            agent,
            refs: request.refs,
            dataset: request.dataset,
            repeat: request.repeat,
            concurrency: request.concurrency,
            ...(request.suite ? { suite: request.suite } : {}),
            allow,
          }),
        );
        if (!started) return null;
        set({ comparisons: [started, ...get().comparisons], open: started, rows: [], detail: null });
        // A short comparison can end (and say so over the socket) before its start is answered.
        const heard = get().live[started.id];
        if (heard && heard.status !== 'running') await attempt(() => openComparison(started.id));
        return started;
      },
      cancel: async (id) => {
        if (await attempt(() => client.comparisons.cancel({ id }))) await attempt(() => openComparison(id));
      },
      openComparison: (id) => attempt(() => openComparison(id)).then(() => undefined),
      close: () => set({ open: null, rows: [], detail: null }),
      setCandidate: async (candidate) => {
        const { open } = get();
        if (open) await attempt(() => openComparison(open.id, candidate));
      },
      setVerdict: (verdict) => set({ verdict }),
      setCategory: (category) => set({ category }),
      setSort: (sort) => set({ sort, descending: sort === get().sort ? !get().descending : true }),
      openCase: async (caseId) => {
        const { open, candidate } = get();
        if (!open) return;
        const detail = await attempt(() => client.comparisons.case({ id: open.id, candidate, caseId }));
        if (detail) set({ detail });
      },
      closeCase: () => set({ detail: null }),
      onProgress: (event) => {
        set({ live: { ...get().live, [event.comparisonId]: event } });
        if (event.status === 'running' || event.agent !== get().agent) return;
        void attempt(async () => {
          const { agent, open } = get();
          if (agent) await loadLists(agent);
          if (open?.id === event.comparisonId) await openComparison(event.comparisonId, get().candidate);
        });
      },
    };
  });
}
