import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SuiteDetail, TryResult } from '../../../shared/contract/testing';
import { errorMessage, type RunStoreDeps } from '../agents/store';

/** Where the input comes from: typed variables, or a suite's case (with its tool stubs). */
export type TryInputSource = { kind: 'vars' } | { kind: 'case'; suite: string; id: string };

export type TrySide =
  { state: 'idle' } | { state: 'running' } | { state: 'done'; result: TryResult } | { state: 'refused'; message: string };

export interface TryState {
  agent: string | null;
  open: boolean;
  source: TryInputSource;
  vars: Record<string, string>;
  /** The user's turn typed in Try, for a draft with no user.md. */
  message: string;
  /** What runs beside the draft: 'latest', a label or a version; null for the draft alone. */
  compareWith: string | null;
  suites: SuiteDetail[];
  draft: TrySide;
  other: TrySide;
  load: (agent: string | null) => void;
  setOpen: (open: boolean) => void;
  setSource: (source: TryInputSource) => void;
  setVar: (name: string, value: string) => void;
  setMessage: (message: string) => void;
  setCompareWith: (ref: string | null) => void;
  loadSuites: () => Promise<void>;
  run: () => Promise<void>;
}

export type TryStore = StoreApi<TryState>;

const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)(?:[.-][A-Za-z0-9_.-]*)?\s*\}\}/g;

/** The variables the draft's templates use, in order of first use. */
export function templateVariables(files: Record<string, string>): string[] {
  const names = new Set<string>();
  for (const file of ['prompt.md', 'user.md'])
    for (const match of (files[file] ?? '').matchAll(VARIABLE)) names.add(match[1] as string);
  return [...names];
}

/** The Try panel: one input through the draft and, side by side, another ref; each side shows as soon as it answers. */
export function createTryStore({ client, confirmRun }: RunStoreDeps): TryStore {
  return createStore<TryState>()((set, get) => {
    const put = (side: 'draft' | 'other', value: TrySide) => set(side === 'draft' ? { draft: value } : { other: value });
    const runSide = async (side: 'draft' | 'other', ref: string, agent: string) => {
      put(side, { state: 'running' });
      const { source, vars, message } = get();
      let next: TrySide;
      try {
        // An empty field is a variable not given: the engine names it rather than rendering nothing.
        const given = Object.fromEntries(Object.entries(vars).filter(([, value]) => value !== ''));
        const allow = await confirmRun({ agent, ref });
        if (!allow) throw new Error('not run: the version came from a bundle you did not trust');
        const result = await client.try.run({
          agent,
          ref,
          vars: given,
          ...(message ? { message } : {}),
          ...(source.kind === 'case' ? { case: { suite: source.suite, id: source.id } } : {}),
          allow,
        });
        next = { state: 'done', result };
      } catch (error) {
        next = { state: 'refused', message: errorMessage(error) };
      }
      if (get().agent === agent) put(side, next);
    };

    const empty: Pick<TryState, 'source' | 'vars' | 'message' | 'compareWith' | 'suites' | 'draft' | 'other'> = {
      source: { kind: 'vars' },
      vars: {},
      message: '',
      compareWith: null,
      suites: [],
      draft: { state: 'idle' },
      other: { state: 'idle' },
    };
    return {
      agent: null,
      open: false,
      ...empty,
      load: (agent) => {
        if (agent !== get().agent) set({ agent, ...empty });
        if (agent && get().open) void get().loadSuites();
      },
      setOpen: (open) => {
        set({ open });
        if (open) void get().loadSuites();
      },
      setSource: (source) => set({ source }),
      setVar: (name, value) => set({ vars: { ...get().vars, [name]: value } }),
      setMessage: (message) => set({ message }),
      setCompareWith: (compareWith) => set({ compareWith, other: { state: 'idle' } }),
      loadSuites: async () => {
        const { agent } = get();
        if (!agent) return;
        try {
          const summaries = await client.suites.list({ agent });
          const suites = await Promise.all(summaries.map((suite) => client.suites.get({ agent, name: suite.name })));
          if (get().agent === agent) set({ suites });
        } catch {
          set({ suites: [] });
        }
      },
      run: async () => {
        const { agent, compareWith } = get();
        if (!agent) return;
        if (!compareWith) put('other', { state: 'idle' });
        await Promise.all([runSide('draft', 'draft', agent), ...(compareWith ? [runSide('other', compareWith, agent)] : [])]);
      },
    };
  });
}
