import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  ImportPreview,
  ResultDetail,
  ResultRow,
  RunComparison,
  RunProgressEvent,
  RunSummary,
  SuiteDetail,
  SuiteSummary,
  TrendPoint,
} from '../../../shared/contract/testing';
import { suiteDiagnostics } from '../../../shared/suite-file';
import type { Diagnostic } from '../../../shared/validate-files';
import { attempter, type RunStoreDeps } from '../agents/store';

export type ResultFilter = 'all' | 'passed' | 'failed' | 'errored' | 'unchecked' | 'flaky';
export type ResultSort = 'order' | 'latency' | 'cost';

export interface RunRequest {
  ref: string;
  suite: string;
  concurrency: number;
  repeat: number;
  maxCostUsd?: number | undefined;
}

export interface TestsState {
  agent: string | null;
  suites: SuiteSummary[];
  /** The open suite, or null with `editing` set for a new one. */
  suite: SuiteDetail | null;
  /** The YAML in the editor and what is wrong with it as typed. */
  text: string;
  diagnostics: Diagnostic[];
  dirty: boolean;
  runs: RunSummary[];
  trend: TrendPoint[];
  run: RunSummary | null;
  rows: ResultRow[];
  previous: RunSummary | null;
  comparison: RunComparison | null;
  filter: ResultFilter;
  sort: ResultSort;
  detail: ResultDetail | null;
  /** Runs in progress (this window's and any it heard of), by id. */
  live: Record<number, RunProgressEvent>;
  load: (agent: string | null) => Promise<void>;
  refresh: () => Promise<void>;
  selectSuite: (name: string) => Promise<void>;
  newSuite: (template: string) => void;
  setText: (text: string) => void;
  save: (message: string) => Promise<boolean>;
  /** `files`: those beside a promptfoo config, by path relative to its folder, for its file:// references. */
  preview: (fileName: string, content: string, name?: string, files?: Record<string, string>) => Promise<ImportPreview | null>;
  openRun: (runId: number) => Promise<void>;
  closeRun: () => void;
  setFilter: (filter: ResultFilter) => void;
  setSort: (sort: ResultSort) => void;
  openCase: (caseId: string, repeat: number) => Promise<void>;
  closeCase: () => void;
  startRun: (request: RunRequest) => Promise<RunSummary | null>;
  cancelRun: (runId: number) => Promise<void>;
  onProgress: (event: RunProgressEvent) => void;
}

export type TestsStore = StoreApi<TestsState>;

/** The grid's rows: filtered by outcome, sorted by latency or cost (slowest, dearest first). */
export function visibleRows(rows: ResultRow[], filter: ResultFilter, sort: ResultSort): ResultRow[] {
  const kept = filter === 'all' ? rows : rows.filter((row) => (filter === 'flaky' ? row.flaky : row.status === filter));
  if (sort === 'order') return kept;
  const key = sort === 'latency' ? (row: ResultRow) => row.latencyMs : (row: ResultRow) => row.costUsd ?? -1;
  return [...kept].sort((a, b) => key(b) - key(a));
}

/** Seconds left, from the pace so far; null before the first result. */
export function etaSeconds(progress: Pick<RunProgressEvent, 'done' | 'total' | 'elapsedMs'>): number | null {
  if (progress.done === 0) return null;
  return Math.max(0, Math.round(((progress.elapsedMs / progress.done) * (progress.total - progress.done)) / 1000));
}

const RUNNING_RELOAD_MS = 1000;

const EMPTY = {
  suite: null,
  text: '',
  diagnostics: [],
  dirty: false,
  runs: [],
  trend: [],
  run: null,
  rows: [],
  previous: null,
  comparison: null,
  detail: null,
};

/** The Tests tab: suites (edit, import), runs (start, follow, cancel) and their results. */
export function createTestsStore({ client, notify, confirmRun }: RunStoreDeps): TestsStore {
  return createStore<TestsState>()((set, get) => {
    const { attempt } = attempter(notify);

    const loadRunsOf = async (agent: string, suite: string | null) => {
      const [runs, trend] = await Promise.all([
        suite ? client.runs.list({ agent, suite }) : Promise.resolve([]),
        client.runs.trend({ agent }),
      ]);
      if (get().agent === agent) set({ runs, trend });
    };

    let lastRunReload = 0;
    const openRun = async (runId: number) => {
      lastRunReload = Date.now();
      const [run, rows, previous] = await Promise.all([
        client.runs.get({ runId }),
        client.runs.results({ runId }),
        client.runs.previous({ runId }),
      ]);
      const comparison =
        previous && run.status !== 'running' ? await client.runs.compare({ earlier: previous.id, later: runId }) : null;
      const same = get().run?.id === runId;
      // Reloading the open run keeps the drawer, filter and sort; another run starts fresh.
      set({ run, rows, previous, comparison, ...(same ? {} : { detail: null, filter: 'all' as const, sort: 'order' as const }) });
    };

    return {
      agent: null,
      suites: [],
      filter: 'all',
      sort: 'order',
      live: {},
      ...EMPTY,
      load: async (agent) => {
        set({ agent, suites: [], ...EMPTY });
        if (!agent) return;
        await attempt(async () => {
          const suites = await client.suites.list({ agent });
          if (get().agent !== agent) return;
          set({ suites });
          const first = suites[0];
          if (first) await get().selectSuite(first.name);
          else await loadRunsOf(agent, null);
        });
      },
      refresh: async () => {
        const { agent, suite, run, dirty } = get();
        if (!agent) return;
        await attempt(async () => {
          const suites = await client.suites.list({ agent });
          set({ suites });
          const current = suite && suites.find((candidate) => candidate.name === suite.name);
          if (current && current.revision !== suite.revision && !dirty) await get().selectSuite(current.name);
          else await loadRunsOf(agent, suite?.name ?? null);
          // A running run commits a result at a time; its grid catches up about once a second.
          if (run && run.status === 'running' && Date.now() - lastRunReload >= RUNNING_RELOAD_MS) await openRun(run.id);
        });
      },
      selectSuite: async (name) => {
        const { agent } = get();
        if (!agent) return;
        await attempt(async () => {
          const suite = await client.suites.get({ agent, name });
          set({
            suite,
            text: suite.content,
            diagnostics: [],
            dirty: false,
            run: null,
            rows: [],
            detail: null,
            comparison: null,
            previous: null,
          });
          await loadRunsOf(agent, name);
        });
      },
      newSuite: (template) =>
        set({
          suite: null,
          text: template,
          diagnostics: suiteDiagnostics(template),
          dirty: true,
          run: null,
          rows: [],
          runs: [],
          detail: null,
        }),
      setText: (text) => set({ text, diagnostics: suiteDiagnostics(text, `${get().suite?.name ?? 'suite'}.yaml`), dirty: true }),
      save: async (message) => {
        const { agent, text } = get();
        if (!agent) return false;
        const saved = await attempt(() => client.suites.save({ agent, yaml: text, message }));
        if (!saved) return false;
        set({ suite: saved, text: saved.content, dirty: false, diagnostics: [], suites: await client.suites.list({ agent }) });
        await loadRunsOf(agent, saved.name);
        return true;
      },
      preview: (fileName, content, name, files) =>
        attempt(() =>
          client.suites.previewImport({
            fileName,
            content,
            ...(name ? { name } : {}),
            ...(files && Object.keys(files).length > 0 ? { files } : {}),
          }),
        ),
      openRun: (runId) => attempt(() => openRun(runId)).then(() => undefined),
      closeRun: () => set({ run: null, rows: [], detail: null, comparison: null, previous: null }),
      setFilter: (filter) => set({ filter }),
      setSort: (sort) => set({ sort }),
      openCase: async (caseId, repeat) => {
        const { run } = get();
        if (!run) return;
        const detail = await attempt(() => client.runs.result({ runId: run.id, caseId, repeat }));
        if (detail) set({ detail });
      },
      closeCase: () => set({ detail: null }),
      startRun: async ({ ref, suite, concurrency, repeat, maxCostUsd }) => {
        const { agent } = get();
        if (!agent) return null;
        const allow = await confirmRun({ agent, ref, suite });
        if (!allow) return null;
        const started = await attempt(() =>
          client.runs.start({
            agent,
            ref,
            suite,
            settings: { concurrency, repeat, minPassRate: null, ...(maxCostUsd !== undefined ? { maxCostUsd } : {}) },
            allow,
          }),
        );
        if (!started) return null;
        if (get().suite?.name === suite) {
          set({
            runs: [started, ...get().runs.filter((run) => run.id !== started.id)],
            run: started,
            rows: [],
            detail: null,
            comparison: null,
            previous: null,
            filter: 'all',
            sort: 'order',
          });
          // A short run can end (and say so over the socket) before its start is answered.
          const heard = get().live[started.id];
          if (heard && heard.status !== 'running') await attempt(() => openRun(started.id));
        }
        return started;
      },
      cancelRun: async (runId) => {
        const cancelled = await attempt(() => client.runs.cancel({ runId }));
        if (cancelled && get().run?.id === runId) await attempt(() => openRun(runId));
      },
      onProgress: (event) => {
        // A run of files outside the workspace (the CLI's `test --from`) is none of the tab's.
        if (event.runId === null) return;
        set({ live: { ...get().live, [event.runId]: event } });
        if (event.status === 'running') return;
        const { agent, suite, run } = get();
        if (agent !== event.agent) return;
        void attempt(async () => {
          await loadRunsOf(agent, suite?.name ?? null);
          if (run?.id === event.runId) await openRun(event.runId);
        });
      },
    };
  });
}
