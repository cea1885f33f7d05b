import { useEffect, useState } from 'react';
import { useKeptText } from '../../app/kept-text';
import type { BumpSuggestion } from '../../../shared/contract/versions';
import { applyBump, BUMPS, type Bump } from '../../../shared/semver';
import { useSlice, useStores } from '../../app/context';
import { Dialog, DialogActions } from '../../app/Dialog';
import { selectSelectedAgent } from '../agents/store';
import { formatRate } from '../../app/format';

/** Offers to run the agent's suites on the draft before it becomes a version, and shows how they went. */
function SuitesOnDraft() {
  const { tests, agents } = useStores();
  const suites = useSlice(tests, (state) => state.suites);
  const selected = useSlice(agents, (state) => state.selected);
  // The Tests tab's data is read when it is on screen; the dialog asks for it too.
  useEffect(() => {
    if (tests.getState().agent !== selected) void tests.getState().load(selected);
  }, [tests, selected]);
  const live = useSlice(tests, (state) => state.live);
  const [runs, setRuns] = useState<Array<{ suite: string; runId: number | null }>>([]);
  if (suites.length === 0) return null;
  const start = async () => {
    const started = [];
    for (const suite of suites) {
      const run = await tests.getState().startRun({ ref: 'draft', suite: suite.name, concurrency: 4, repeat: 1 });
      started.push({ suite: suite.name, runId: run?.id ?? null });
    }
    setRuns(started);
  };
  return (
    <div className="suites-on-draft" data-testid="snapshot-suites">
      {runs.length === 0 ? (
        <button type="button" onClick={() => void start()} data-testid="snapshot-run-suites">
          Run {suites.length === 1 ? `suite ${suites[0]?.name ?? ''}` : `the ${suites.length} suites`} on the draft first
        </button>
      ) : (
        <ul>
          {runs.map(({ suite, runId }) => {
            const progress = runId === null ? undefined : live[runId];
            return (
              <li key={suite} data-testid={`snapshot-suite-${suite}`}>
                <strong>{suite}</strong>:{' '}
                {runId === null
                  ? 'could not start (see the message)'
                  : !progress || progress.status === 'running'
                    ? `running… ${progress ? `${progress.done}/${progress.total}` : ''}`
                    : `${progress.passed}/${progress.total} passed (${formatRate(progress.total ? progress.passed / progress.total : null)})${progress.status === 'finished' ? '' : `, ${progress.status}`}`}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/** Snapshot: the suggested version and why, the changed files, a required message. Invalid drafts are refused with their errors. */
export function SnapshotDialog({ onClose }: { onClose: () => void }) {
  const { editor, agents, ui } = useStores();
  const agent = useSlice(agents, selectSelectedAgent);
  const changedFiles = useSlice(editor, (state) => state.draft?.changedFiles ?? []);
  const [suggestion, setSuggestion] = useState<BumpSuggestion | null>(null);
  const [bump, setBump] = useState<Bump | 'suggested'>('suggested');
  const [message, setMessage, forgetMessage] = useKeptText(`snapshot:${agent?.name ?? ''}`);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void editor.getState().suggest().then(setSuggestion);
  }, [editor]);

  const latest = agent?.latest?.semver ?? null;
  const version = bump === 'suggested' || latest === null ? suggestion?.version : applyBump(latest, bump);
  const invalid = (suggestion?.diagnostics.length ?? 0) > 0;
  const nothing = suggestion !== null && !invalid && suggestion.version === null;
  const canSnapshot = suggestion !== null && !invalid && !nothing && message.trim() !== '' && !busy;

  const submit = async () => {
    setBusy(true);
    const made = await editor.getState().snapshot({ message, ...(bump !== 'suggested' && latest !== null ? { bump } : {}) });
    setBusy(false);
    if (made) {
      ui.getState().notify(`Snapshot ${made.agent}@${made.semver} saved`, 'info');
      forgetMessage();
      await agents.getState().load();
      onClose();
    }
  };

  return (
    <Dialog title={`Snapshot ${agent?.name ?? ''}`} onClose={onClose} testId="snapshot-dialog">
      {suggestion === null && <p>Checking the draft…</p>}
      {invalid && (
        <div className="problems" data-testid="snapshot-errors">
          <p>The draft has errors; fix them before snapshotting:</p>
          <ul>
            {suggestion?.diagnostics.map((diagnostic) => (
              <li key={`${diagnostic.file}:${diagnostic.line}:${diagnostic.column}:${diagnostic.message}`}>
                <code>
                  {diagnostic.file}:{diagnostic.line}
                </code>{' '}
                {diagnostic.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {nothing && <p data-testid="snapshot-nothing">Nothing to snapshot: {suggestion?.reason}.</p>}
      {suggestion && !invalid && !nothing && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (canSnapshot) void submit();
          }}
        >
          <p className="suggestion" data-testid="snapshot-suggestion">
            <strong data-testid="snapshot-version">{version}</strong> — {suggestion.reason}
          </p>
          <SuitesOnDraft />
          {changedFiles.length > 0 && (
            <p className="muted">
              Changed:{' '}
              {changedFiles.map((file) => (
                <code key={file}>{file} </code>
              ))}
            </p>
          )}
          {latest !== null && (
            <label>
              Version
              <select
                value={bump}
                onChange={(event) => setBump(event.target.value as Bump | 'suggested')}
                data-testid="snapshot-bump"
              >
                <option value="suggested">suggested ({suggestion.version})</option>
                {BUMPS.map((kind) => (
                  <option key={kind} value={kind}>
                    {kind} ({applyBump(latest, kind)})
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            Why does this version exist?
            <textarea
              value={message}
              onChange={(event) => setMessage(event.target.value)}
              rows={3}
              required
              data-testid="snapshot-message"
              autoFocus
            />
          </label>
          <DialogActions
            onCancel={onClose}
            disabled={!canSnapshot}
            submitTestId="snapshot-submit"
            submitLabel={`Snapshot ${version ?? ''}`}
          />
        </form>
      )}
      {(invalid || nothing) && (
        <div className="actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      )}
    </Dialog>
  );
}
