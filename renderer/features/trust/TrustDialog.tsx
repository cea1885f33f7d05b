import { useState } from 'react';
import { useStore } from 'zustand';
import { Dialog } from '../../app/Dialog';
import { useStores } from '../../app/context';

const VERB = { command: 'runs the program', key: 'sends the key', host: 'calls' } as const;

/** Asks before something from an untrusted bundle runs a program, sends a key or calls a new host. */
export function TrustDialog() {
  const { trust } = useStores();
  const question = useStore(trust, (state) => state.question);
  const [reason, setReason] = useState('');
  if (!question) return null;
  const { origin, needs } = question.check;
  const answer = (choice: 'once' | 'trust' | 'cancel') => void trust.getState().answer(choice, reason);
  return (
    <Dialog title="Run something from another workspace?" onClose={() => answer('cancel')} testId="trust-dialog">
      <p>
        <strong>{question.what}</strong> came from a bundle of <strong>{origin.workspace}</strong> ({origin.author}),{' '}
        {origin.signedBy ? `signed by ${origin.signedBy}, a key this workspace does not trust` : 'not signed'}. Running it:
      </p>
      <ul data-testid="trust-needs">
        {needs.map((need) => (
          <li key={`${need.kind}:${need.what}:${need.by}`}>
            {VERB[need.kind]} <code>{need.what}</code> <span className="muted">({need.by})</span>
          </li>
        ))}
      </ul>
      <label>
        Why you trust it (kept in the audit log, if you trust the bundle)
        <input value={reason} onChange={(event) => setReason(event.target.value)} data-testid="trust-reason" />
      </label>
      <div className="actions">
        <button type="button" onClick={() => answer('cancel')} data-testid="trust-cancel">
          Cancel
        </button>
        <button type="button" onClick={() => answer('once')} data-testid="trust-once">
          Run this once
        </button>
        <button type="button" className="primary" onClick={() => answer('trust')} data-testid="trust-bundle">
          Trust the bundle and run
        </button>
      </div>
    </Dialog>
  );
}
