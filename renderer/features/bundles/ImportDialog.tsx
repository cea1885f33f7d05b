import { useState } from 'react';
import type { BundlePreview } from '../../../shared/bundle';
import { useSlice, useStores } from '../../app/context';
import { Dialog } from '../../app/Dialog';
import { when } from '../../app/format';

function Signature({ preview }: { preview: BundlePreview }) {
  const { bundles } = useStores();
  const [name, setName] = useState('');
  const signature = preview.signature;
  const trust = () => {
    if (name.trim()) void bundles.getState().trustSigner(name);
  };
  if (!signature.signed) {
    return (
      <p className="notice" data-testid="bundle-signature">
        Not signed: nothing says who made it. Import it only if you know where it came from.
      </p>
    );
  }
  if (signature.trusted) {
    return (
      <p className="ok-note" data-testid="bundle-signature">
        Signed by <strong>{signature.trustedAs}</strong> (key {signature.fingerprint}), a key this workspace trusts.
      </p>
    );
  }
  return (
    <div className="notice" data-testid="bundle-signature">
      <p>
        Signed by key <code>{signature.fingerprint}</code>, which this workspace does not trust. The signature is valid: the
        bundle is what its signer exported.
      </p>
      {/* Inside the import form: a button of its own, so Enter here trusts instead of importing. */}
      <div className="inline">
        <input
          value={name}
          onChange={(event) => setName(event.target.value)}
          onKeyDown={(event) => {
            if (event.key !== 'Enter') return;
            event.preventDefault();
            trust();
          }}
          placeholder="whose key is it?"
          aria-label="Name of the signer"
          data-testid="trust-name"
        />
        <button type="button" disabled={!name.trim()} onClick={trust} data-testid="trust-signer">
          Trust this key
        </button>
      </div>
    </div>
  );
}

function Plan({ preview }: { preview: BundlePreview }) {
  const { plan, manifest } = preview;
  const status = (name: string) => (plan.add.includes(name) ? 'new' : plan.present.includes(name) ? 'already here' : 'conflict');
  return (
    <>
      <p className="muted" data-testid="bundle-origin">
        Exported from the workspace “{manifest.exportedFrom.workspace}” by {manifest.exportedFrom.author},{' '}
        {when(manifest.createdAt)}.
      </p>
      <table className="bundle-versions" data-testid="bundle-versions">
        <tbody>
          {manifest.versions.map((version) => {
            const name = `${version.agent}@${version.semver}`;
            return (
              <tr key={name} data-testid={`bundle-version-${name}`}>
                <td>
                  <strong>{name}</strong>
                </td>
                <td>
                  <code>{version.hash.slice(0, 10)}</code>
                </td>
                <td className="muted">{version.message}</td>
                <td className={`status-${status(name).replace(' ', '-')}`}>{status(name)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {plan.labels.length > 0 && <p data-testid="bundle-labels">Labels it sets: {plan.labels.join(', ')}</p>}
      {manifest.evidence.length > 0 && (
        <p data-testid="bundle-evidence">
          Evidence: {plan.evidence.add.length} new, {plan.evidence.present.length} already here (
          {manifest.evidence.map((item) => item.title).join('; ')})
        </p>
      )}
      {plan.conflicts.length > 0 && (
        <div className="field-error" data-testid="bundle-conflicts">
          <p>It cannot be imported; nothing will be written:</p>
          <ul>
            {plan.conflicts.map((conflict) => (
              <li key={conflict}>{conflict}</li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

/** A bundle on its way in: what it holds, who signed it and what importing would do — before anything is written. */
export function ImportDialog() {
  const { bundles, agents, ui } = useStores();
  const incoming = useSlice(bundles, (state) => state.incoming);
  if (!incoming) return null;
  const { preview, problem, checking, importing } = incoming;
  const nothingNew =
    preview !== null &&
    preview.plan.add.length === 0 &&
    preview.plan.labels.length === 0 &&
    preview.plan.evidence.add.length === 0;
  const blocked = !preview || preview.plan.conflicts.length > 0 || nothingNew || importing;
  const close = () => bundles.getState().dismiss();
  const submit = async () => {
    const done = await bundles.getState().importIncoming();
    if (!done) return;
    await agents.getState().load();
    const first =
      done.manifest.versions.find((version) => done.plan.add.includes(`${version.agent}@${version.semver}`)) ??
      done.manifest.versions[0];
    if (first) agents.getState().select(first.agent);
    ui.getState().setTab('history');
    ui.getState().notify(
      done.plan.add.length ? `Imported ${done.plan.add.join(', ')}` : 'Imported the evidence; the versions were already here',
      'info',
    );
  };
  return (
    <Dialog title={`Import ${incoming.fileName}`} onClose={close} testId="import-bundle-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!blocked) void submit();
        }}
      >
        {checking && <p className="muted">Checking every entry's hash and the signature…</p>}
        {problem && (
          <p className="field-error" data-testid="bundle-problem">
            {problem}
          </p>
        )}
        {preview && (
          <>
            <Signature preview={preview} />
            <Plan preview={preview} />
            {nothingNew && (
              <p data-testid="bundle-nothing-new">Everything in it is already here: importing would change nothing.</p>
            )}
          </>
        )}
        <div className="actions">
          <button type="button" onClick={close}>
            {preview && !blocked ? 'Cancel' : 'Close'}
          </button>
          <button type="submit" className="primary" disabled={blocked} data-testid="import-bundle-submit">
            {importing
              ? 'Importing…'
              : preview
                ? `Import ${preview.plan.add.length} version${preview.plan.add.length === 1 ? '' : 's'}`
                : 'Import'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Opens the system's file picker for a .slipway file (from a click or the palette: a user gesture). */
export function pickBundleFile(receive: (file: File) => Promise<void>): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = '.slipway,application/zip';
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) void receive(file);
  });
  input.click();
}
