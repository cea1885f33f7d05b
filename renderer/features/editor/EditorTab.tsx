import { AGENT_FILES, REQUIRED_FILES, type AgentFileName } from '../../../shared/agent-files';
import { useSlice, useStores } from '../../app/context';
import { useLoaded } from '../../app/use-loaded';

const loadMonacoEditor = () => import('./MonacoEditor');

const SAVE_LABEL = {
  saved: 'Saved',
  pending: 'Editing…',
  saving: 'Saving…',
  failed: 'Not saved — retrying on the next edit',
} as const;

export function EditorTab() {
  const { editor, ui } = useStores();
  const agent = useSlice(editor, (state) => state.agent);
  const files = useSlice(editor, (state) => state.files);
  const activeFile = useSlice(editor, (state) => state.activeFile);
  const diagnostics = useSlice(editor, (state) => state.diagnostics);
  const draft = useSlice(editor, (state) => state.draft);
  const saveState = useSlice(editor, (state) => state.saveState);
  // Loaded without Suspense: hiding and re-showing @monaco-editor/react under Suspense re-runs its
  // effects on a disposed editor ("InstantiationService has been disposed").
  const MonacoEditor = useLoaded(loadMonacoEditor);

  if (!agent || !draft) return <p className="empty">Loading the draft…</p>;
  const names = AGENT_FILES.filter((file) => files[file] !== undefined);
  const missing = AGENT_FILES.filter((file) => files[file] === undefined);
  const errorsIn = (file: string) => diagnostics.filter((diagnostic) => diagnostic.file === file).length;

  return (
    <div className="editor-tab">
      <div className="file-bar">
        <div className="file-tabs" role="tablist" aria-label="Files">
          {names.map((file) => (
            <button
              key={file}
              type="button"
              role="tab"
              aria-selected={file === activeFile}
              className={draft.changedFiles.includes(file) ? 'changed' : ''}
              onClick={() => editor.getState().setActiveFile(file)}
              data-testid={`file-${file}`}
            >
              {file}
              {errorsIn(file) > 0 && <span className="error-count">{errorsIn(file)}</span>}
            </button>
          ))}
        </div>
        <div className="file-add">
          {missing.length > 0 && (
            <select
              value=""
              aria-label="Add a file"
              onChange={(event) => event.target.value && void editor.getState().addFile(event.target.value as AgentFileName)}
              data-testid="add-file"
            >
              <option value="">+ file</option>
              {missing.map((file) => (
                <option key={file} value={file}>
                  {file}
                </option>
              ))}
            </select>
          )}
        </div>
        <div className="draft-status" data-testid="draft-status">
          {draft.changed ? (
            <span className="changed">{draft.parent ? `Draft differs from ${draft.parent}` : 'Not snapshotted yet'}</span>
          ) : (
            <span>Same as {draft.parent}</span>
          )}
          <span className="muted" data-testid="save-state">
            {SAVE_LABEL[saveState]}
          </span>
          {!REQUIRED_FILES.includes(activeFile as AgentFileName) && (
            <button type="button" onClick={() => void editor.getState().removeFile(activeFile)}>
              Remove {activeFile}
            </button>
          )}
          <button
            type="button"
            className="primary"
            onClick={() => ui.getState().setSnapshotOpen(true)}
            data-testid="open-snapshot"
            title="Snapshot (Ctrl+S)"
          >
            Snapshot…
          </button>
        </div>
      </div>
      {diagnostics.length > 0 && (
        <ul className="diagnostics" data-testid="diagnostics">
          {diagnostics.map((diagnostic) => (
            <li key={`${diagnostic.file}:${diagnostic.line}:${diagnostic.column}:${diagnostic.message}`}>
              <button type="button" className="link" onClick={() => editor.getState().setActiveFile(diagnostic.file)}>
                {diagnostic.file}:{diagnostic.line}:{diagnostic.column}
              </button>{' '}
              {diagnostic.message}
            </li>
          ))}
        </ul>
      )}
      {MonacoEditor ? (
        <MonacoEditor
          agent={agent}
          file={activeFile}
          value={files[activeFile] ?? ''}
          diagnostics={diagnostics.filter((diagnostic) => diagnostic.file === activeFile)}
          onChange={(content) => editor.getState().edit(activeFile, content)}
        />
      ) : (
        <p className="empty">Loading the editor…</p>
      )}
    </div>
  );
}
