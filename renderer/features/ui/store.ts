import { createStore, type StoreApi } from 'zustand/vanilla';
import { TABS, type Tab } from '../../../shared/tabs';

export { TABS, type Tab };

/** A toast's one button: Undo after a restore, say. */
export interface ToastAction {
  label: string;
  run: () => void;
}

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  message: string;
  action?: ToastAction;
}

/** A dialog of a tab asked for from elsewhere (the palette): the tab opens it when it is on screen, then clears it. */
export type PendingDialog =
  | { kind: 'run'; suite?: string }
  | { kind: 'rollback' }
  | { kind: 'label'; semver: string }
  | { kind: 'restore'; semver: string };

export type AgentDialog = { kind: 'create' } | { kind: 'rename'; name: string } | { kind: 'archive'; name: string } | null;

export interface UiState {
  tab: Tab;
  agentDialog: AgentDialog;
  toasts: Toast[];
  paletteOpen: boolean;
  snapshotOpen: boolean;
  settingsOpen: boolean;
  aboutOpen: boolean;
  sidebarWidth: number;
  pendingDialog: PendingDialog | null;
  /** Goes to the tab that owns the dialog and asks it to open it. */
  requestDialog: (tab: Tab, dialog: PendingDialog) => void;
  clearPendingDialog: () => void;
  setTab: (tab: Tab) => void;
  setAgentDialog: (dialog: AgentDialog) => void;
  notify: (message: string, kind?: Toast['kind'], action?: ToastAction) => void;
  dismiss: (id: number) => void;
  setPaletteOpen: (open: boolean) => void;
  setSnapshotOpen: (open: boolean) => void;
  setSettingsOpen: (open: boolean) => void;
  setAboutOpen: (open: boolean) => void;
  setSidebarWidth: (width: number) => void;
}

export type UiStore = StoreApi<UiState>;

const TOAST_MS = 6000;
export const SIDEBAR_MIN = 180;
export const SIDEBAR_MAX = 520;

/** Things of the window, not of the workspace: tab, toasts, dialogs, pane sizes. */
export function createUiStore(initial: { tab?: Tab; sidebarWidth?: number } = {}): UiStore {
  let nextId = 1;
  return createStore<UiState>()((set, get) => ({
    tab: initial.tab ?? 'editor',
    agentDialog: null,
    toasts: [],
    paletteOpen: false,
    snapshotOpen: false,
    settingsOpen: false,
    aboutOpen: false,
    sidebarWidth: initial.sidebarWidth ?? 260,
    pendingDialog: null,
    requestDialog: (tab, pendingDialog) => set({ tab, pendingDialog }),
    clearPendingDialog: () => set({ pendingDialog: null }),
    setTab: (tab) => set({ tab }),
    setAgentDialog: (agentDialog) => set({ agentDialog }),
    notify: (message, kind = 'error', action) => {
      const id = nextId++;
      set({ toasts: [...get().toasts, action ? { id, kind, message, action } : { id, kind, message }] });
      // An Undo stays long enough to be read and reached from the keyboard.
      setTimeout(() => get().dismiss(id), action ? TOAST_MS * 2 : TOAST_MS);
    },
    dismiss: (id) => set({ toasts: get().toasts.filter((toast) => toast.id !== id) }),
    setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
    setSnapshotOpen: (snapshotOpen) => set({ snapshotOpen }),
    setSettingsOpen: (settingsOpen) => set({ settingsOpen }),
    setAboutOpen: (aboutOpen) => set({ aboutOpen }),
    setSidebarWidth: (width) => set({ sidebarWidth: Math.round(Math.min(SIDEBAR_MAX, Math.max(SIDEBAR_MIN, width))) }),
  }));
}

export const selectTab = (state: UiState) => state.tab;
export const selectToasts = (state: UiState) => state.toasts;
