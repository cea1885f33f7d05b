import { useSlice, useStores } from '../../app/context';
import { useLoaded } from '../../app/use-loaded';

const loadDiffEditor = () => import('./DiffEditor');

export function DiffView() {
  const { history } = useStores();
  const open = useSlice(history, (state) => state.diff !== null);
  // Only once a diff is asked for: Monaco's code must not compete with History's first screen.
  return open ? <OpenDiff /> : null;
}

function OpenDiff() {
  const { history } = useStores();
  const diff = useSlice(history, (state) => state.diff);
  // Without Suspense, as the editors are: see EditorTab.
  const DiffEditor = useLoaded(loadDiffEditor);
  if (!diff) return null;
  const { summary } = diff;
  const changed = summary.files.filter((file) => file.status !== 'unchanged');
  return (
    <section className="diff-view" data-testid="diff-view">
      <header className="diff-header">
        <h3>
          {summary.from} → {summary.to}
        </h3>
        <span className="muted" data-testid="diff-reason">
          {summary.reason}
        </span>
        <button type="button" onClick={() => history.getState().closeDiff()}>
          Close diff
        </button>
      </header>
      {summary.changes.length > 0 && (
        <ul className="change-kinds" data-testid="diff-changes">
          {summary.changes.map((change) => (
            <li key={`${change.kind}:${change.summary}`}>
              <span className={`badge bump-${change.bump}`}>{change.bump}</span> {change.summary}
            </li>
          ))}
        </ul>
      )}
      <div className="diff-files" role="tablist" aria-label="Changed files">
        {(changed.length > 0 ? changed : summary.files).map((file) => (
          <button
            key={file.name}
            type="button"
            role="tab"
            aria-selected={file.name === diff.file}
            onClick={() => history.getState().showDiffFile(file.name)}
            data-testid={`diff-file-${file.name}`}
          >
            {file.name} <span className="muted">{file.status}</span>
          </button>
        ))}
      </div>
      {DiffEditor ? (
        <DiffEditor
          key={`${summary.from}:${summary.to}:${diff.file}`}
          file={diff.file}
          before={diff.before[diff.file] ?? ''}
          after={diff.after[diff.file] ?? ''}
          labels={[summary.from, summary.to]}
        />
      ) : (
        <p className="empty">Loading the diff…</p>
      )}
    </section>
  );
}
