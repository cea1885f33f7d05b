import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AgentFileName } from '../../../shared/agent-files';
import type { BumpSuggestion, VersionDetail } from '../../../shared/contract/versions';
import type { Draft } from '../../../shared/contract/agents';
import { validateAgentFiles, type Diagnostic } from '../../../shared/validate-files';
import { errorMessage, type StoreDeps } from '../agents/store';

export type SaveState = 'saved' | 'pending' | 'saving' | 'failed';

export interface SnapshotChoice {
  message: string;
  bump?: 'major' | 'minor' | 'patch';
  version?: string;
}

export interface EditorState {
  agent: string | null;
  draft: Draft | null;
  /** The editor's working copy: what the user sees, saved to the draft shortly after each edit. */
  files: Record<string, string>;
  activeFile: string;
  diagnostics: Diagnostic[];
  saveState: SaveState;
  suggestion: BumpSuggestion | null;
  open: (agent: string | null) => Promise<void>;
  setActiveFile: (file: string) => void;
  edit: (file: string, content: string) => void;
  flush: () => Promise<void>;
  addFile: (file: AgentFileName) => Promise<void>;
  removeFile: (file: string) => Promise<void>;
  refresh: () => Promise<void>;
  suggest: () => Promise<BumpSuggestion | null>;
  snapshot: (choice: SnapshotChoice) => Promise<VersionDetail | null>;
}

export type EditorStore = StoreApi<EditorState>;

const SAVE_DELAY_MS = 300;

/** What an optional file starts with when the user adds it. */
export const NEW_FILE_CONTENT: Record<AgentFileName, string> = {
  'prompt.md': 'You are a helpful assistant.\n',
  'user.md': '{{input}}\n',
  'examples.yaml': '- role: user\n  content: An example question\n- role: assistant\n  content: The answer you want\n',
  'config.yaml': 'provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\n',
  'tools.json': '[]\n',
  'contract.yaml': 'offers:\n  output_schema:\n    type: object\n',
};

/** The Editor tab: the draft's files, autosaved as the user types, and the snapshot action. */
export function createEditorStore({ client, notify }: StoreDeps, saveDelayMs = SAVE_DELAY_MS): EditorStore {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const dirty = new Set<string>();
  let saving: Promise<void> = Promise.resolve();

  return createStore<EditorState>()((set, get) => {
    const applyDraft = (draft: Draft) => {
      const activeFile = draft.files[get().activeFile] !== undefined ? get().activeFile : 'prompt.md';
      set({
        draft,
        files: { ...draft.files },
        activeFile,
        diagnostics: validateAgentFiles(draft.files, { agent: draft.agent }),
        saveState: 'saved',
      });
    };

    const save = async (): Promise<void> => {
      const { agent } = get();
      if (!agent || dirty.size === 0) return;
      const files = [...dirty];
      dirty.clear();
      set({ saveState: 'saving' });
      try {
        let draft: Draft | null = null;
        for (const file of files) {
          const content = get().files[file];
          if (content !== undefined) draft = await client.drafts.writeFile({ agent, file, content });
        }
        if (get().agent === agent) set({ draft: draft ?? get().draft, saveState: dirty.size > 0 ? 'pending' : 'saved' });
      } catch (error) {
        files.forEach((file) => dirty.add(file));
        set({ saveState: 'failed' });
        notify(`Your edits are not saved yet: ${errorMessage(error)}`);
      }
    };

    const flush = async () => {
      if (timer) clearTimeout(timer);
      timer = null;
      saving = saving.then(save);
      await saving;
    };

    return {
      agent: null,
      draft: null,
      files: {},
      activeFile: 'prompt.md',
      diagnostics: [],
      saveState: 'saved',
      suggestion: null,
      open: async (agent) => {
        await flush();
        set({ agent, draft: null, files: {}, diagnostics: [], suggestion: null });
        if (!agent) return;
        try {
          const draft = await client.drafts.get({ agent });
          if (get().agent === agent) applyDraft(draft);
        } catch (error) {
          notify(errorMessage(error));
        }
      },
      setActiveFile: (activeFile) => set({ activeFile }),
      edit: (file, content) => {
        if (get().files[file] === content) return;
        const files = { ...get().files, [file]: content };
        dirty.add(file);
        const agent = get().draft?.agent;
        set({ files, diagnostics: validateAgentFiles(files, agent ? { agent } : {}), saveState: 'pending' });
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => void flush(), saveDelayMs);
      },
      flush,
      addFile: async (file) => {
        const { agent } = get();
        if (!agent) return;
        await flush();
        try {
          applyDraft(await client.drafts.writeFile({ agent, file, content: NEW_FILE_CONTENT[file] }));
          set({ activeFile: file });
        } catch (error) {
          notify(errorMessage(error));
        }
      },
      removeFile: async (file) => {
        const { agent } = get();
        if (!agent) return;
        await flush();
        try {
          applyDraft(await client.drafts.removeFile({ agent, file }));
        } catch (error) {
          notify(errorMessage(error));
        }
      },
      refresh: async () => {
        const { agent } = get();
        // Never overwrite what the user is typing: an external change waits for the save.
        if (!agent || dirty.size > 0 || get().saveState === 'saving') return;
        try {
          const draft = await client.drafts.get({ agent });
          if (get().agent !== agent || dirty.size > 0) return;
          const same = JSON.stringify(draft.files) === JSON.stringify(get().files);
          if (same) set({ draft });
          else applyDraft(draft);
        } catch (error) {
          notify(errorMessage(error));
        }
      },
      suggest: async () => {
        const { agent } = get();
        if (!agent) return null;
        await flush();
        try {
          const suggestion = await client.versions.suggestBump({ agent });
          set({ suggestion });
          return suggestion;
        } catch (error) {
          notify(errorMessage(error));
          return null;
        }
      },
      snapshot: async (choice) => {
        const { agent } = get();
        if (!agent) return null;
        await flush();
        try {
          const version = await client.versions.snapshot({ agent, ...choice });
          applyDraft(await client.drafts.get({ agent }));
          set({ suggestion: null });
          return version;
        } catch (error) {
          notify(errorMessage(error));
          return null;
        }
      },
    };
  });
}
