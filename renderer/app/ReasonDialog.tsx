import { useState, type ReactNode } from 'react';
import { Dialog, DialogActions } from './Dialog';

/**
 * A confirmation that asks why: what the action does, a reason it cannot go without (the audit
 * keeps it), and the action's own button. Closes when the action says it was done.
 */
export function ReasonDialog({
  title,
  testId,
  explanation,
  placeholder,
  reasonTestId,
  submitLabel,
  submitTestId,
  onSubmit,
  onClose,
}: {
  title: string;
  testId: string;
  explanation: ReactNode;
  placeholder?: string;
  reasonTestId: string;
  submitLabel: string;
  submitTestId: string;
  onSubmit: (reason: string) => Promise<boolean>;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <Dialog title={title} onClose={onClose} testId={testId}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (reason.trim()) void onSubmit(reason.trim()).then((done) => done && onClose());
        }}
      >
        <p className="confirmation">{explanation}</p>
        <label>
          Why
          <textarea
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            rows={2}
            placeholder={placeholder}
            data-testid={reasonTestId}
            autoFocus
          />
        </label>
        <DialogActions onCancel={onClose} disabled={!reason.trim()} submitTestId={submitTestId} submitLabel={submitLabel} />
      </form>
    </Dialog>
  );
}
