import { useEffect, useState } from 'react';
import { useSlice, useStores } from '../../app/context';
import { Dialog, DialogActions } from '../../app/Dialog';
import { LabelName, nameProblem } from '../../../shared/names';

const NEW = '\u0000new';

/** Moves a label to a version, saying exactly what changes; a reason is required. */
export function LabelDialog({ semver, onClose }: { semver: string; onClose: () => void }) {
  const { history, agents, client } = useStores();
  const labels = useSlice(history, (state) => state.labels);
  // Nothing is chosen for the user: an existing label is picked, or a new one typed on purpose.
  const [choice, setChoice] = useState(labels.length ? '' : NEW);
  const [typed, setTyped] = useState('');
  const label = choice === NEW ? typed : choice;
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [served, setServed] = useState<Record<string, string[]>>({});
  const [understood, setUnderstood] = useState(false);
  useEffect(() => {
    void client.targets
      .list({})
      .then((targets) =>
        setServed(
          targets.reduce<Record<string, string[]>>(
            (byLabel, target) => ({ ...byLabel, [target.label]: [...(byLabel[target.label] ?? []), target.name] }),
            {},
          ),
        ),
      )
      .catch(() => undefined);
  }, [client]);
  const current = labels.find((candidate) => candidate.name === label);
  // The contract's own rule, in its words: the dialog never accepts a name the server refuses.
  const nameError = label === '' ? null : nameProblem(LabelName, label);
  const validName = label !== '' && nameError === null;
  const already = current?.semver === semver;
  // A label a release target follows is protected: moving it says what it changes there, and asks.
  const targets = served[label] ?? [];
  const protectedMove = targets.length > 0 && !already;

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
          if (validName && !already && reason.trim() && !busy && (!protectedMove || understood)) void submit();
        }}
      >
        <label>
          Label
          <select value={choice} onChange={(event) => setChoice(event.target.value)} data-testid="label-choice" autoFocus>
            <option value="" disabled>
              Choose a label…
            </option>
            {labels.map((known) => (
              <option key={known.name} value={known.name}>
                {known.name} (now {known.semver})
              </option>
            ))}
            <option value={NEW}>New label…</option>
          </select>
        </label>
        {choice === NEW && (
          <label>
            New label
            <input
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              placeholder="staging"
              data-testid="label-name"
            />
          </label>
        )}
        {nameError && (
          <p className="field-error" data-testid="label-name-error">
            {nameError}
          </p>
        )}
        {label !== '' && (
          <p className="confirmation" data-testid="label-confirmation">
            {already
              ? `${label} already points at ${semver}.`
              : current
                ? `${label} will point at ${semver} instead of ${current.semver}.`
                : `${label} is new: it will point at ${semver}.`}
          </p>
        )}
        {protectedMove && (
          <label className="field-error" data-testid="label-protected">
            <input type="checkbox" checked={understood} onChange={(event) => setUnderstood(event.target.checked)} /> {label} is
            the label release target {targets.join(', ')} serves: the Release tab&apos;s deploy and rollback use it. I mean to
            move it.
          </label>
        )}
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
          disabled={!validName || already || !reason.trim() || busy || (protectedMove && !understood)}
          submitTestId="label-submit"
          submitLabel={label ? `Move ${label} to ${semver}` : 'Move'}
        />
      </form>
    </Dialog>
  );
}
