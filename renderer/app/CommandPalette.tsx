import { useMemo, useState } from 'react';
import { buildCommands } from './commands';
import { useStores } from './context';
import { Dialog } from './Dialog';

/** Ctrl+K: every command by name; arrows pick, Enter runs. */
export function CommandPalette() {
  const stores = useStores();
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const commands = useMemo(() => buildCommands(stores), [stores]);
  const matches = commands.filter((command) => command.title.toLowerCase().includes(query.trim().toLowerCase()));
  const close = () => stores.ui.getState().setPaletteOpen(false);
  const run = (position: number) => {
    const command = matches[position];
    if (!command) return;
    close();
    command.run();
  };
  return (
    <Dialog title="Command palette" onClose={close} testId="command-palette">
      <input
        value={query}
        placeholder="Type a command"
        aria-label="Command"
        autoFocus
        data-testid="palette-input"
        onChange={(event) => {
          setQuery(event.target.value);
          setIndex(0);
        }}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') setIndex((current) => Math.min(current + 1, matches.length - 1));
          if (event.key === 'ArrowUp') setIndex((current) => Math.max(current - 1, 0));
          if (event.key === 'Enter') {
            // Otherwise the same Enter would press the first button of a dialog the command opens.
            event.preventDefault();
            run(index);
          }
        }}
      />
      <ul className="palette" role="listbox">
        {matches.map((command, position) => (
          <li key={command.id} role="option" aria-selected={position === index}>
            <button type="button" onClick={() => run(position)}>
              {command.title}
              {command.shortcut && <kbd>{command.shortcut}</kbd>}
            </button>
          </li>
        ))}
        {matches.length === 0 && <li className="muted">No command matches “{query}”.</li>}
      </ul>
    </Dialog>
  );
}
