import { Download, Settings } from 'lucide-react';
import { useState } from 'react';
import type { AgentDialog } from '../ui/store';
import { useSlice, useStores } from '../../app/context';
import { useLoaded } from '../../app/use-loaded';
import { Dialog, DialogActions } from '../../app/Dialog';
import { ReasonDialog } from '../../app/ReasonDialog';
import { pickBundleFile } from '../bundles/ImportDialog';
import { AgentName, nameProblem } from '../../../shared/names';
import { selectAgents, selectSelected } from './store';

function AgentForm({ editing, onDone }: { editing: Exclude<AgentDialog, null | { kind: 'archive' }>; onDone: () => void }) {
  const { agents } = useStores();
  const known = useSlice(agents, selectAgents);
  const [name, setName] = useState(editing.kind === 'rename' ? editing.name : '');
  const [description, setDescription] = useState('');
  const [refused, setRefused] = useState<{ name: string; message: string } | null>(null);
  const unchanged = editing.kind === 'rename' && name === editing.name;
  // Checked as typed, by the contract's own rule; a refusal from the workspace shows here too, in words.
  const problem =
    name === '' || unchanged
      ? null
      : (nameProblem(AgentName, name) ??
        (known.some((agent) => agent.name === name) ? `an agent named "${name}" already exists` : null) ??
        (refused?.name === name ? refused.message : null));
  const valid = name !== '' && !unchanged && problem === null;
  const submit = async () => {
    const result =
      editing.kind === 'create'
        ? await agents.getState().create(name, description)
        : await agents.getState().rename(editing.name, name);
    if (result.done) onDone();
    else if (result.field) setRefused({ name, message: result.field.message });
  };
  return (
    <Dialog title={editing.kind === 'create' ? 'New agent' : `Rename ${editing.name}`} onClose={onDone} testId="agent-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (valid) void submit();
        }}
      >
        <label>
          Name
          <input
            value={name}
            onChange={(event) => setName(event.target.value)}
            data-testid="agent-name"
            placeholder="ticket-triage"
            aria-invalid={problem !== null}
            aria-describedby="agent-name-problem"
            autoFocus
          />
        </label>
        {problem && (
          <p className="field-error" id="agent-name-problem" data-testid="agent-name-problem">
            {problem}
          </p>
        )}
        {editing.kind === 'create' && (
          <label>
            Description
            <input value={description} onChange={(event) => setDescription(event.target.value)} placeholder="What does it do?" />
          </label>
        )}
        <DialogActions
          onCancel={onDone}
          disabled={!valid}
          submitTestId="agent-submit"
          submitLabel={editing.kind === 'create' ? 'Create' : 'Rename'}
        />
      </form>
    </Dialog>
  );
}

/** Asks before an agent is archived, and why: the reason goes to the audit log beside the archive. */
function ArchiveDialog({ name, onDone }: { name: string; onDone: () => void }) {
  const { agents } = useStores();
  return (
    <ReasonDialog
      title={`Archive ${name}?`}
      testId="archive-dialog"
      explanation={`${name} leaves the sidebar; nothing is deleted: its versions, runs and audit stay, and Show archived brings it back to restore.`}
      placeholder="replaced by ticket-router"
      reasonTestId="archive-reason"
      submitLabel="Archive"
      submitTestId="archive-confirm"
      onSubmit={(reason) => agents.getState().archive(name, reason)}
      onClose={onDone}
    />
  );
}

/** The agent menu (Radix and its positioning) loads with the first selected agent, not with the first screen. */
const loadAgentMenu = () => import('./AgentMenu');

export function Sidebar() {
  const AgentMenu = useLoaded(loadAgentMenu);
  const { agents, ui, bundles } = useStores();
  const list = useSlice(agents, selectAgents);
  const selected = useSlice(agents, selectSelected);
  const showArchived = useSlice(agents, (state) => state.showArchived);
  const loaded = useSlice(agents, (state) => state.loaded);
  const editing = useSlice(ui, (state) => state.agentDialog);
  const setEditing = (dialog: AgentDialog) => ui.getState().setAgentDialog(dialog);

  return (
    <aside className="sidebar" data-testid="sidebar">
      <header className="sidebar-header">
        <h1>Slipway</h1>
        <button
          type="button"
          className="primary"
          onClick={() => setEditing({ kind: 'create' })}
          data-testid="new-agent"
          title="New agent (Ctrl+Shift+N)"
        >
          New agent
        </button>
        <button
          type="button"
          onClick={() => pickBundleFile(bundles.getState().receive)}
          data-testid="import-bundle"
          title="Import a .slipway bundle (Ctrl+Shift+O), or drop one on the window"
          aria-label="Import a bundle"
        >
          <Download size={16} aria-hidden />
        </button>
        <button
          type="button"
          onClick={() => ui.getState().setSettingsOpen(true)}
          data-testid="open-settings"
          title="Settings: keys, author (Ctrl+,)"
          aria-label="Settings"
        >
          <Settings size={16} aria-hidden />
        </button>
      </header>
      {loaded && list.length === 0 && (
        <p className="empty" data-testid="no-agents">
          No agents yet. Create one to start editing its prompt, drop a <code>.slipway</code> bundle here to import one, or run{' '}
          <code>slipway init --sample</code> for two examples.
        </p>
      )}
      <ul className="agent-list" data-testid="agent-list">
        {list.map((agent) => (
          <li key={agent.name} className={agent.archived ? 'archived' : ''}>
            <button
              type="button"
              className="agent-row"
              aria-current={agent.name === selected}
              onClick={() => agents.getState().select(agent.name)}
              data-testid={`agent-${agent.name}`}
            >
              <span className="agent-name">{agent.name}</span>
              <span className="agent-latest">{agent.latest ? agent.latest.semver : 'no versions'}</span>
              {agent.draftChanged && agent.latest && <span className="dot" title="The draft has changes not yet snapshotted" />}
              <span className="agent-labels">
                {agent.labels.map((label) => (
                  <span key={label.name} className="badge" data-testid={`label-${agent.name}-${label.name}`}>
                    {label.name} {label.semver}
                  </span>
                ))}
              </span>
            </button>
            {agent.name === selected && AgentMenu && <AgentMenu name={agent.name} archived={agent.archived} />}
          </li>
        ))}
      </ul>
      <label className="toggle">
        <input
          type="checkbox"
          checked={showArchived}
          onChange={(event) => void agents.getState().setShowArchived(event.target.checked)}
        />{' '}
        Show archived
      </label>
      {editing?.kind === 'archive' ? (
        <ArchiveDialog name={editing.name} onDone={() => setEditing(null)} />
      ) : (
        editing && <AgentForm editing={editing} onDone={() => setEditing(null)} />
      )}
    </aside>
  );
}
