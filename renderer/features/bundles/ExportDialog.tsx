import { useEffect, useState } from 'react';
import { useSlice, useStores } from '../../app/context';
import { Dialog, DialogActions } from '../../app/Dialog';

/** Exports the selected versions (their ancestors travel along) to a .slipway file, optionally with evidence and signed. */
export function ExportDialog({ agent, semvers, onClose }: { agent: string; semvers: string[]; onClose: () => void }) {
  const { bundles, ui } = useStores();
  const keys = useSlice(bundles, (state) => state.keys);
  const [evidence, setEvidence] = useState(false);
  const [sign, setSign] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void bundles.getState().loadKeys();
  }, [bundles]);
  useEffect(() => setSign(keys?.own !== null && keys !== null), [keys]);

  const submit = async () => {
    setBusy(true);
    const versions = await bundles.getState().exportRefs(
      semvers.map((semver) => `${agent}@${semver}`),
      { evidence, sign },
    );
    setBusy(false);
    if (!versions) return;
    ui.getState().notify(
      `Exported ${versions.length} version${versions.length === 1 ? '' : 's'}: ${versions.join(', ')}${sign ? ', signed' : ''}`,
      'info',
    );
    onClose();
  };
  return (
    <Dialog
      title={`Export ${semvers.length === 1 ? semvers[0] : `${semvers.length} versions`} of ${agent}`}
      onClose={onClose}
      testId="export-dialog"
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) void submit();
        }}
      >
        <p>
          A <code>.slipway</code> file with {semvers.join(', ')} and the versions {semvers.length === 1 ? 'it was' : 'they were'}{' '}
          made from, each file listed with its sha256, so that an import takes exactly this or nothing.
        </p>
        <label className="check">
          <input
            type="checkbox"
            checked={evidence}
            onChange={(event) => setEvidence(event.target.checked)}
            data-testid="export-evidence"
          />
          With evidence: the agent's suites, and the runs and comparison reports of these versions
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={sign}
            disabled={!keys?.own}
            onChange={(event) => setSign(event.target.checked)}
            data-testid="export-sign"
          />
          Sign with my key{keys?.own ? ` (${keys.own.fingerprint})` : ''}
        </label>
        {keys && !keys.own && (
          <p className="muted">
            You have no signing key yet.{' '}
            <button
              type="button"
              className="link"
              onClick={() => void bundles.getState().generateKey()}
              data-testid="export-make-key"
            >
              Make one
            </button>{' '}
            (kept in your config folder, never in a workspace).
          </p>
        )}
        <DialogActions
          onCancel={onClose}
          disabled={busy}
          submitTestId="export-submit"
          submitLabel={busy ? 'Exporting…' : 'Export'}
        />
      </form>
    </Dialog>
  );
}
