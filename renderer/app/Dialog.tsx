import { useEffect, useRef, type ReactNode } from 'react';

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
}

/** A modal: Escape or the backdrop closes it; focus moves into it when it opens. */
export function Dialog({ title, onClose, children, testId }: Props) {
  const panel = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  // Focus moves in once, on open: parents re-render with a new onClose, and moving focus then
  // would send the user's typing into another field.
  useEffect(() => {
    if (panel.current?.contains(document.activeElement)) return;
    panel.current?.querySelector<HTMLElement>('input, textarea, select, button')?.focus();
  }, []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div className="backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-label={title} ref={panel} data-testid={testId}>
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

interface ActionsProps {
  onCancel: () => void;
  submitLabel: ReactNode;
  disabled: boolean;
  submitTestId: string;
}

/** Cancel and the primary submit button at the foot of a dialog's form. */
export function DialogActions({ onCancel, submitLabel, disabled, submitTestId }: ActionsProps) {
  return (
    <div className="actions">
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="primary" disabled={disabled} data-testid={submitTestId}>
        {submitLabel}
      </button>
    </div>
  );
}
