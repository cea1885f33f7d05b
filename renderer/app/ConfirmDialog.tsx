import type { ReactNode } from 'react';
import { Dialog } from './Dialog';

/** A yes-or-no before an action that replaces something: what it does, Cancel, and the action's own (danger) button. */
export function ConfirmDialog({
  title,
  testId,
  explanation,
  submitLabel,
  submitTestId,
  onConfirm,
  onClose,
}: {
  title: string;
  testId: string;
  explanation: ReactNode;
  submitLabel: string;
  submitTestId: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog title={title} onClose={onClose} testId={testId}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onClose();
          onConfirm();
        }}
      >
        <div className="confirmation">{explanation}</div>
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="danger" data-testid={submitTestId}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
