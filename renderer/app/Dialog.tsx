import * as RadixDialog from '@radix-ui/react-dialog';
import type { ReactNode } from 'react';

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
}

/**
 * A modal on Radix's dialog: focus moves in on open, stays inside while it is open (Tab cycles)
 * and goes back where it was on close; Escape or a click outside closes it; the rest of the
 * window is hidden from assistive technology meanwhile. The content sits inside the overlay so a
 * tall dialog scrolls with its buttons reachable.
 */
export function Dialog({ title, onClose, children, testId }: Props) {
  return (
    <RadixDialog.Root open onOpenChange={(open) => !open && onClose()}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="backdrop">
          <RadixDialog.Content className="dialog" data-testid={testId} aria-describedby={undefined}>
            <RadixDialog.Title>{title}</RadixDialog.Title>
            {children}
          </RadixDialog.Content>
        </RadixDialog.Overlay>
      </RadixDialog.Portal>
    </RadixDialog.Root>
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
