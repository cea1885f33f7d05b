import { useEffect, useState } from 'react';
import { useSlice, useStores } from '../../app/context';

/** The settings for bundles: the user's own signing key (its public half to hand out) and the keys this workspace trusts. */
export function SigningKeys() {
  const { bundles, ui } = useStores();
  const keys = useSlice(bundles, (state) => state.keys);
  const [name, setName] = useState('');
  const [publicKey, setPublicKey] = useState('');
  useEffect(() => {
    void bundles.getState().loadKeys();
  }, [bundles]);
  if (!keys) return null;
  return (
    <section data-testid="signing-keys">
      <h3>Bundle signing</h3>
      {keys.own ? (
        <p className="inline">
          Your public key (give it to whoever imports your bundles):
          <input
            readOnly
            value={keys.own.publicKey}
            aria-label="Your public key"
            data-testid="own-public-key"
            onFocus={(event) => event.target.select()}
          />
          <button
            type="button"
            onClick={() =>
              void navigator.clipboard
                .writeText(keys.own?.publicKey ?? '')
                .then(() => ui.getState().notify('Public key copied', 'info'))
            }
          >
            Copy
          </button>
          <span className="muted">fingerprint {keys.own.fingerprint}</span>
        </p>
      ) : (
        <p>
          You have no signing key.{' '}
          <button type="button" onClick={() => void bundles.getState().generateKey()} data-testid="make-signing-key">
            Make my signing key
          </button>{' '}
          <span className="muted">An ed25519 key, kept in your config folder; only its public half leaves it.</span>
        </p>
      )}
      <h4>Trusted keys of this workspace</h4>
      {keys.trusted.length === 0 ? (
        <p className="empty">
          None yet: bundles signed by anyone show as “not trusted”. Add a colleague's public key below, or trust a signer when you
          import.
        </p>
      ) : (
        <table className="keys-table">
          <tbody>
            {keys.trusted.map((key) => (
              <tr key={key.fingerprint} data-testid={`trusted-${key.fingerprint}`}>
                <td>{key.name}</td>
                <td>
                  <code>{key.fingerprint}</code>
                </td>
                <td>
                  <button type="button" onClick={() => void bundles.getState().untrust(key.fingerprint)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          void bundles
            .getState()
            .trust(name, publicKey.trim())
            .then((done) => {
              if (!done) return;
              setName('');
              setPublicKey('');
            });
        }}
      >
        <input
          value={name}
          onChange={(event) => setName(event.target.value)}
          placeholder="whose key"
          aria-label="Name of the trusted key"
          data-testid="trust-key-name"
        />
        <input
          value={publicKey}
          onChange={(event) => setPublicKey(event.target.value)}
          placeholder="their public key (base64)"
          aria-label="Public key to trust"
          data-testid="trust-key-value"
        />
        <button type="submit" disabled={!name.trim() || !publicKey.trim()} data-testid="trust-key">
          Trust
        </button>
      </form>
    </section>
  );
}
