import { useState } from 'react';
import { useSlice, useStores } from '../../app/context';
import { Dialog, DialogActions } from '../../app/Dialog';

/** Moves a label to a version, saying exactly what changes; a reason is required. */
export function LabelDialog({ semver, onClose }: { semver: string; onClose: () => void }) {
  const { history, agents } = useStores();
  const labels = useSlice(history, (state) => state.labels);
  const [label, setLabel] = useState(labels[0]?.name ?? 'production');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const current = labels.find((candidate) => candidate.name === label);
  const validName = /^[a-z][a-z0-9-]*$/.test(label) && label !== 'draft' && label !== 'latest';
  const already = current?.semver === semver;

  const submit = async () => {
    setBusy(true);
    const moved = await history.getState().moveLabel(label, semver, reason);
    setBusy(false);
    if (moved) {
      await agents.getState().load();
      onClose();
    }
  };

  return (
    <Dialog title={`Move a label to ${semver}`} onClose={onClose} testId="label-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (validName && !already && reason.trim() && !busy) void submit();
        }}
      >
        <label>
          Label
          <input list="known-labels" value={label} onChange={(event) => setLabel(event.target.value)} data-testid="label-name" />
          <datalist id="known-labels">
            {labels.map((known) => (
              <option key={known.name} value={known.name} />
            ))}
          </datalist>
        </label>
        {!validName && (
          <p className="field-error">Labels use lower-case letters, digits and dashes; “draft” and “latest” are reserved.</p>
        )}
        <p className="confirmation" data-testid="label-confirmation">
          {already
            ? `${label} already points at ${semver}.`
            : current
              ? `${label} will point at ${semver} instead of ${current.semver}.`
              : `${label} is new: it will point at ${semver}.`}
        </p>
        <label>
          Reason
          <textarea
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            rows={2}
            required
            data-testid="label-reason"
            autoFocus
          />
        </label>
        <DialogActions
          onCancel={onClose}
          disabled={!validName || already || !reason.trim() || busy}
          submitTestId="label-submit"
          submitLabel={`Move ${label} to ${semver}`}
        />
      </form>
    </Dialog>
  );
}
