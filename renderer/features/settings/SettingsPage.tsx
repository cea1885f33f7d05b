import { useEffect, useState } from 'react';
import { useSlice, useStores } from '../../app/context';
import { SigningKeys } from '../bundles/SigningKeys';
import { applyTheme, themeChoice, type ThemeChoice } from '../../app/theme';

const NAME = /^[A-Z][A-Z0-9_]*$/;

/** Where a key may be sent: edited as a comma-separated list, saved on Enter or when the field is left. */
function KeyHosts({ name, hosts }: { name: string; hosts: string[] }) {
  const { settings } = useStores();
  const [text, setText] = useState(hosts.join(', '));
  useEffect(() => setText(hosts.join(', ')), [hosts]);
  const save = () => {
    const next = text
      .split(',')
      .map((host) => host.trim())
      .filter((host) => host !== '');
    if (next.join(',') !== hosts.join(',')) void settings.getState().bindKey(name, next);
  };
  return (
    <input
      value={text}
      onChange={(event) => setText(event.target.value)}
      onBlur={save}
      onKeyDown={(event) => event.key === 'Enter' && save()}
      placeholder="any host (not bound)"
      aria-label={`Hosts ${name} may be sent to`}
      title="The key is sent only to these hosts: api.openai.com, localhost:11434, *.example.com"
      data-testid={`key-${name}-hosts`}
    />
  );
}

function KeyRow({
  name,
  set,
  source,
  usedBy,
  hosts,
}: {
  name: string;
  set: boolean;
  source: string | null;
  usedBy: string[];
  hosts: string[];
}) {
  const { settings } = useStores();
  const [value, setValue] = useState('');
  return (
    <tr data-testid={`key-${name}`}>
      <td>
        <code>{name}</code>
      </td>
      <td data-testid={`key-${name}-state`}>{set ? `set (${source})` : 'not set'}</td>
      <td className="muted">{usedBy.length > 0 ? usedBy.join(', ') : '—'}</td>
      <td>
        <KeyHosts name={name} hosts={hosts} />
      </td>
      <td>
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            if (value)
              void settings
                .getState()
                .setKey(name, value)
                .then((done) => done && setValue(''));
          }}
        >
          <input
            type="password"
            autoComplete="off"
            value={value}
            onChange={(event) => setValue(event.target.value)}
            placeholder={set ? 'replace…' : 'paste the key'}
            aria-label={`Value of ${name}`}
            data-testid={`key-${name}-value`}
          />
          <button type="submit" disabled={!value} data-testid={`key-${name}-save`}>
            Save
          </button>
          {set && source !== 'environment' && (
            <button type="button" onClick={() => void settings.getState().removeKey(name)} data-testid={`key-${name}-remove`}>
              Remove
            </button>
          )}
        </form>
      </td>
    </tr>
  );
}

/** Provider keys by name (the values stay on the Node side) and who the author of changes is. */
export function SettingsPage() {
  const { settings, ui } = useStores();
  const keys = useSlice(settings, (state) => state.keys);
  const storage = useSlice(settings, (state) => state.storage);
  const current = useSlice(settings, (state) => state.settings);
  const [newName, setNewName] = useState('');
  const [author, setAuthor] = useState('');
  const [theme, setTheme] = useState<ThemeChoice>(themeChoice);

  useEffect(() => {
    void settings.getState().load();
  }, [settings]);
  useEffect(() => setAuthor(current?.author ?? ''), [current]);

  const nameProblem =
    newName && !NAME.test(newName)
      ? 'Upper-case letters, digits and underscores, starting with a letter (OPENAI, ANTHROPIC_PROD).'
      : null;

  return (
    <main className="main settings-page" data-testid="settings-page">
      <header className="agent-header">
        <h2>Settings</h2>
        <button type="button" onClick={() => ui.getState().setSettingsOpen(false)} data-testid="close-settings">
          Back to the workbench
        </button>
      </header>
      <section>
        <h3>Provider keys</h3>
        {storage && (
          <p className={storage.persistent ? 'muted' : 'notice'} data-testid="key-storage">
            {storage.note}
          </p>
        )}
        <p className="muted">
          An agent's config.yaml names its key (<code>api_key: OPENAI</code>); the value is entered here, or comes from{' '}
          <code>SLIPWAY_KEY_OPENAI</code>. Slipway never shows a value again. A key bound to hosts is sent to no other, whatever a
          version&apos;s <code>base_url</code> says.
        </p>
        <table className="keys-table">
          <thead>
            <tr>
              <th>name</th>
              <th>value</th>
              <th>used by</th>
              <th>sent only to</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <KeyRow key={key.name} {...key} />
            ))}
          </tbody>
        </table>
        {keys.length === 0 && (
          <p className="empty">No keys yet. Agents that call a hosted model name one in config.yaml; add it below.</p>
        )}
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            if (!nameProblem && newName) {
              settings.getState().addName(newName);
              setNewName('');
            }
          }}
        >
          <input
            value={newName}
            onChange={(event) => setNewName(event.target.value.toUpperCase())}
            placeholder="NEW_KEY_NAME"
            aria-label="New key name"
            data-testid="new-key-name"
          />
          <button type="submit" disabled={!newName || nameProblem !== null} data-testid="add-key">
            Add a key
          </button>
        </form>
        {nameProblem && <p className="field-error">{nameProblem}</p>}
      </section>
      <section>
        <h3>Author</h3>
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            if (author.trim()) void settings.getState().setAuthor(author);
          }}
        >
          <input value={author} onChange={(event) => setAuthor(event.target.value)} aria-label="Author" data-testid="author" />
          <button type="submit" disabled={!author.trim() || author === current?.author}>
            Save
          </button>
          {current && <span className="muted">from {current.authorSource}</span>}
        </form>
      </section>
      <section>
        <h3>Theme</h3>
        <select
          value={theme}
          onChange={(event) => {
            const choice = event.target.value as ThemeChoice;
            setTheme(choice);
            applyTheme(choice);
          }}
          aria-label="Theme"
          data-testid="theme"
        >
          <option value="system">Follow the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </section>
      <SigningKeys />
    </main>
  );
}
