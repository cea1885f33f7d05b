import { useSlice, useStores } from './context';
import { X } from 'lucide-react';
import { selectToasts } from '../features/ui/store';

export function Toasts() {
  const { ui } = useStores();
  const toasts = useSlice(ui, selectToasts);
  return (
    <div className="toasts" aria-live="assertive">
      {toasts.map((toast) => (
        <div
          key={toast.id}
          className={`toast toast-${toast.kind}`}
          role={toast.kind === 'error' ? 'alert' : 'status'}
          data-testid="toast"
        >
          <span>{toast.message}</span>
          {toast.action && (
            <button
              type="button"
              className="toast-action"
              data-testid="toast-action"
              onClick={() => {
                toast.action?.run();
                ui.getState().dismiss(toast.id);
              }}
            >
              {toast.action.label}
            </button>
          )}
          <button type="button" aria-label="Dismiss" onClick={() => ui.getState().dismiss(toast.id)}>
            <X size={14} aria-hidden />
          </button>
        </div>
      ))}
    </div>
  );
}
