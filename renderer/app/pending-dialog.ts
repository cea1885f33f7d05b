import { useEffect, useRef } from 'react';
import type { PendingDialog } from '../features/ui/store';
import { useSlice, useStores } from './context';

/**
 * Opens a tab's dialog that was asked for from elsewhere (the palette), once the tab can show it
 * (`ready`: its data has arrived), and clears the request so it opens once.
 */
export function usePendingDialog<K extends PendingDialog['kind']>(
  kind: K,
  open: (dialog: Extract<PendingDialog, { kind: K }>) => void,
  ready = true,
): void {
  const { ui } = useStores();
  const pending = useSlice(ui, (state) => state.pendingDialog);
  const opener = useRef(open);
  opener.current = open;
  useEffect(() => {
    if (!pending || pending.kind !== kind || !ready) return;
    ui.getState().clearPendingDialog();
    opener.current(pending as Extract<PendingDialog, { kind: K }>);
  }, [pending, kind, ready, ui]);
}
