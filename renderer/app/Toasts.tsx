import { useSlice, useStores } from './context';
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
          <button type="button" aria-label="Dismiss" onClick={() => ui.getState().dismiss(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
