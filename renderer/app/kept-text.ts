import { useState } from 'react';

/** What was typed into a dialog that was cancelled, by the dialog's key, for as long as the window lives. */
const kept = new Map<string, string>();

/**
 * A text field's state that outlives its dialog: cancel a snapshot or a rollback and its message
 * is there at the next open. `forget` clears it once what it was for is done.
 */
export function useKeptText(key: string): [string, (text: string) => void, () => void] {
  const [text, setText] = useState(() => kept.get(key) ?? '');
  return [
    text,
    (next) => {
      setText(next);
      kept.set(key, next);
    },
    () => kept.delete(key),
  ];
}
