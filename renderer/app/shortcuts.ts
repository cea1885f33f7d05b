import { useEffect } from 'react';
import { pickBundleFile } from '../features/bundles/ImportDialog';
import { TABS } from '../features/ui/store';
import type { AppStores } from './stores';

/** Ctrl (⌘ on macOS) + S snapshot · 1–6 tabs · K or Shift+P palette · Shift+N new agent · Shift+O import a bundle · Enter runs the Try panel · , settings. */
export function useShortcuts(stores: AppStores): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const ui = stores.ui.getState();
      const key = event.key.toLowerCase();
      const tab = TABS[Number(event.key) - 1];
      if (key === 's' && !event.shiftKey) {
        event.preventDefault();
        if (stores.agents.getState().selected) {
          ui.setTab('editor');
          ui.setSnapshotOpen(true);
        }
      } else if (tab && !event.shiftKey) {
        event.preventDefault();
        ui.setTab(tab);
      } else if (key === 'k' || (key === 'p' && event.shiftKey)) {
        event.preventDefault();
        ui.setPaletteOpen(true);
      } else if (key === 'n' && event.shiftKey) {
        event.preventDefault();
        ui.setAgentDialog({ kind: 'create' });
      } else if (key === 'o' && event.shiftKey) {
        event.preventDefault();
        pickBundleFile(stores.bundles.getState().receive);
      } else if (key === 'enter' && ui.tab === 'editor' && stores.agents.getState().selected) {
        event.preventDefault();
        const trying = stores.tryPanel.getState();
        // The draft autosaves after a pause; save now so the run sees the last keystroke.
        void stores.editor
          .getState()
          .flush()
          .then(() => {
            if (!trying.open) trying.setOpen(true);
            void stores.tryPanel.getState().run();
          });
      } else if (key === ',') {
        event.preventDefault();
        ui.setSettingsOpen(true);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [stores]);
}
