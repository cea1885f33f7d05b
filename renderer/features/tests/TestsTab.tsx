import { useMemo, useState } from 'react';
import { stringify } from 'yaml';
import type { RunProgressEvent, RunSummary } from '../../../shared/contract/testing';
import { formatCost, formatRate, when } from '../../app/format';
import { useLoaded } from '../../app/use-loaded';
import { useSlice, useStores } from '../../app/context';
import { templateVariables } from '../try/store';
import { CaseDrawer } from './CaseDrawer';
import { CasesTable } from './CasesTable';
import { ImportDialog } from './ImportDialog';
import { ResultsGrid } from './ResultsGrid';
import { RunDialog } from './RunDialog';
import { usePendingDialog } from '../../app/pending-dialog';
import { etaSeconds } from './store';

const loadMonacoEditor = () => import('../editor/MonacoEditor');
const loadTrendChart = () => import('./TrendChart');

/** A live bar: counts, ETA and Cancel while a run goes; nothing once it ended. */
export function RunProgressBar({ progress, onCancel }: { progress: RunProgressEvent; onCancel?: () => void }) {
  if (progress.status !== 'running') return null;
  const eta = etaSeconds(progress);
  const share = progress.total === 0 ? 0 : progress.done / progress.total;
  return (
    <div className="run-progress" data-testid="run-progress" data-run={progress.runId}>
      <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={progress.total} aria-valuenow={progress.done}>
        <div className="fill" style={{ width: `${share * 100}%` }} />
      </div>
      <span data-testid="run-progress-counts">
        {progress.done}/{progress.total} · ✓ {progress.passed} ✗ {progress.failed} ! {progress.errored}
        {progress.unchecked > 0 && ` ? ${progress.unchecked} no checks`} · {formatCost(progress.costUsd)}
        {eta !== null && ` · about ${eta} s left`}
      </span>
      {onCancel && (
        <button type="button" onClick={onCancel} data-testid="run-cancel">
          Cancel
        </button>
      )}
    </div>
  );
}

/** What kept a run's gate shut beyond failures: cases with no checks, assertions that could not be evaluated. */
function gateHeldBy(run: RunSummary): string {
  const held = [
    ...(run.unchecked ? [`${run.unchecked} with no checks`] : []),
    ...(run.unevaluated ? [`${run.unevaluated} not evaluated`] : []),
  ];
  return held.length > 0 ? ` (${held.join(', ')})` : '';
}

function RunItem({ run, live }: { run: RunSummary; live: RunProgressEvent | undefined }) {
  const { tests } = useStores();
  const open = useSlice(tests, (state) => state.run?.id === run.id);
  const status = live?.status ?? run.status;
  return (
    <li>
      <button
        type="button"
        className={`run-item${open ? ' open' : ''}`}
        onClick={() => void tests.getState().openRun(run.id)}
        data-testid={`run-${run.id}`}
        data-status={status}
      >
        <span>
          #{run.id} <strong>{run.version.replace(/^[^@]+@/, '')}</strong>{' '}
          <span className={`status-pill ${status}`}>{status}</span>
        </span>
        <span className="muted">
          {status === 'running' && live
            ? `${live.done}/${live.total}`
            : `${formatRate(run.passRate)} · ${formatCost(run.costUsd)}`}{' '}
          · {when(run.startedAt)}
        </span>
      </button>
    </li>
  );
}

function RunView() {
  const { tests } = useStores();
  const run = useSlice(tests, (state) => state.run);
  const live = useSlice(tests, (state) => (state.run ? state.live[state.run.id] : undefined));
  const previous = useSlice(tests, (state) => state.previous);
  const comparison = useSlice(tests, (state) => state.comparison);
  const newFailures = useMemo(() => new Set(comparison?.newFailures ?? []), [comparison]);
  const fixes = useMemo(() => new Set(comparison?.fixes ?? []), [comparison]);
  if (!run) return null;
  const status = live?.status ?? run.status;
  return (
    <div className="run-view" data-testid="run-view">
      <header className="run-header">
        <button type="button" onClick={() => tests.getState().closeRun()} data-testid="back-to-suite">
          ← {run.suite}
        </button>
        <h3>
          Run #{run.id}: {run.version} × {run.suite} rev {run.suiteRevision}
        </h3>
        <span className={`status-pill ${status}`} data-testid="run-status">
          {status}
        </span>
        {run.finishedAt && (
          <span data-testid="run-summary">
            {run.status === 'finished'
              ? `${run.passed}/${run.total} passed (${formatRate(run.passRate)})`
              : // A run that ended early is said as what finished, never as a pass rate of the whole.
                `${run.total ?? 0} finished before it was ${run.status === 'cancelled' ? 'cancelled' : 'stopped by its cost cap'}, ${run.passed === run.total ? 'all passed' : `${run.passed ?? 0} passed`}`}{' '}
            · {formatCost(run.costUsd)}
            {run.costKnown === false && ' (some prices unknown)'} · gate {run.gatePassed ? 'passed' : 'failed'}
            {gateHeldBy(run)}
          </span>
        )}
      </header>
      {live && <RunProgressBar progress={live} onCancel={() => void tests.getState().cancelRun(run.id)} />}
      {previous && comparison && (
        <p className="comparison" data-testid="run-comparison">
          Against run #{previous.id} ({previous.version.replace(/^[^@]+@/, '')}):{' '}
          {comparison.newFailures.length === 0 && comparison.fixes.length === 0 ? (
            'no case changed outcome.'
          ) : (
            <>
              {comparison.newFailures.length > 0 && (
                <span className="chip bad">
                  {comparison.newFailures.length} new failures: {comparison.newFailures.slice(0, 5).join(', ')}
                </span>
              )}{' '}
              {comparison.fixes.length > 0 && (
                <span className="chip good">
                  {comparison.fixes.length} fixed: {comparison.fixes.slice(0, 5).join(', ')}
                </span>
              )}
            </>
          )}
        </p>
      )}
      <div className="run-body">
        <ResultsGrid newFailures={newFailures} fixes={fixes} />
        <CaseDrawer />
      </div>
    </div>
  );
}

function SuiteView({ onRun }: { onRun: () => void }) {
  const { tests } = useStores();
  const agent = useSlice(tests, (state) => state.agent);
  const suite = useSlice(tests, (state) => state.suite);
  const text = useSlice(tests, (state) => state.text);
  const diagnostics = useSlice(tests, (state) => state.diagnostics);
  const dirty = useSlice(tests, (state) => state.dirty);
  const trend = useSlice(tests, (state) => state.trend);
  const TrendChart = useLoaded(loadTrendChart);
  // Without Suspense, as in the Editor tab: see EditorTab.
  const MonacoEditor = useLoaded(loadMonacoEditor);
  const [mode, setMode] = useState<'yaml' | 'table'>('yaml');
  const [message, setMessage] = useState('');
  const points = trend.filter((point) => point.suite === suite?.name);
  const canSave = dirty && diagnostics.length === 0 && message.trim() !== '';

  const save = async () => {
    if (canSave && (await tests.getState().save(message))) setMessage('');
  };

  return (
    <div className="suite-view">
      <div className="suite-toolbar">
        <div className="segmented" role="group" aria-label="Edit as">
          <button type="button" aria-pressed={mode === 'yaml'} onClick={() => setMode('yaml')} data-testid="suite-mode-yaml">
            YAML
          </button>
          <button type="button" aria-pressed={mode === 'table'} onClick={() => setMode('table')} data-testid="suite-mode-table">
            Table
          </button>
        </div>
        <span className="muted">
          {suite
            ? `${suite.name} · revision ${suite.revision} · ${suite.cases} cases · ${suite.author}`
            : 'New suite (not saved)'}
        </span>
        <form
          className="save-suite"
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <input
            value={message}
            onChange={(event) => setMessage(event.target.value)}
            placeholder={dirty ? 'Why this revision?' : 'No changes'}
            disabled={!dirty}
            aria-label="Why this revision"
            data-testid="suite-message"
          />
          <button type="submit" disabled={!canSave} data-testid="suite-save">
            Save
          </button>
        </form>
        <button
          type="button"
          className="primary"
          disabled={!suite || dirty}
          title={dirty ? 'Save the suite first' : 'Run this suite'}
          onClick={onRun}
          data-testid="open-run-dialog"
        >
          Run…
        </button>
      </div>
      {diagnostics.length > 0 && (
        <ul className="diagnostics" data-testid="suite-diagnostics">
          {diagnostics.map((diagnostic) => (
            <li key={`${diagnostic.line}:${diagnostic.column}:${diagnostic.message}`}>
              line {diagnostic.line}: {diagnostic.message}
            </li>
          ))}
        </ul>
      )}
      <div className="suite-editor">
        {mode === 'yaml' ? (
          MonacoEditor ? (
            <MonacoEditor
              agent={agent ?? ''}
              file={`suites/${suite?.name ?? 'new'}.yaml`}
              value={text}
              diagnostics={diagnostics}
              onChange={(value) => tests.getState().setText(value)}
            />
          ) : (
            <p className="empty">Loading the editor…</p>
          )
        ) : (
          <CasesTable />
        )}
      </div>
      {points.length > 0 && TrendChart && <TrendChart points={points} />}
    </div>
  );
}

/** A new suite that already names the draft's variables. */
function suiteTemplate(files: Record<string, string>, taken: string[]): string {
  let name = 'new-suite';
  for (let index = 2; taken.includes(name); index += 1) name = `new-suite-${index}`;
  const vars = Object.fromEntries(templateVariables(files).map((variable) => [variable, '']));
  return stringify(
    { name, cases: [{ id: 'first-case', vars, assert: [{ type: 'contains', value: 'expected text' }] }] },
    { lineWidth: 0 },
  );
}

export function TestsTab() {
  const { tests, editor } = useStores();
  const suites = useSlice(tests, (state) => state.suites);
  const suite = useSlice(tests, (state) => state.suite);
  const dirty = useSlice(tests, (state) => state.dirty);
  const runs = useSlice(tests, (state) => state.runs);
  const run = useSlice(tests, (state) => state.run);
  const live = useSlice(tests, (state) => state.live);
  const [dialog, setDialog] = useState<'run' | 'import' | null>(null);
  const editing = suite !== null || dirty;
  usePendingDialog(
    'run',
    (pending) => {
      if (pending.suite && pending.suite !== suite?.name)
        void tests
          .getState()
          .selectSuite(pending.suite)
          .then(() => setDialog('run'));
      else setDialog('run');
    },
    suite !== null,
  );

  return (
    <div className="tests-tab">
      <aside className="tests-side">
        <div className="side-head">
          <h3>Suites</h3>
          <button
            type="button"
            onClick={() =>
              tests.getState().newSuite(
                suiteTemplate(
                  editor.getState().files,
                  suites.map((item) => item.name),
                ),
              )
            }
            data-testid="new-suite"
          >
            New
          </button>
          <button type="button" onClick={() => setDialog('import')} data-testid="import-suite">
            Import…
          </button>
        </div>
        <ul className="suite-list">
          {suites.map((item) => (
            <li key={item.name}>
              <button
                type="button"
                className={suite?.name === item.name ? 'open' : ''}
                onClick={() => void tests.getState().selectSuite(item.name)}
                data-testid={`suite-${item.name}`}
              >
                <strong>{item.name}</strong>{' '}
                <span className="muted">
                  {item.cases} cases · rev {item.revision}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {suite && (
          <>
            <h3>Runs of {suite.name}</h3>
            {runs.length === 0 ? (
              <p className="muted">No runs yet.</p>
            ) : (
              <ul className="run-list" data-testid="run-list">
                {runs.map((item) => (
                  <RunItem key={item.id} run={item} live={live[item.id]} />
                ))}
              </ul>
            )}
          </>
        )}
      </aside>
      <section className="tests-main">
        {run ? (
          <RunView />
        ) : editing ? (
          <SuiteView onRun={() => setDialog('run')} />
        ) : (
          <div className="empty-state" data-testid="tests-empty">
            <h2>No suites yet</h2>
            <p>
              A suite is a list of cases — inputs and what the answer must satisfy — that you run against any version or the
              draft.
            </p>
            <button
              type="button"
              className="primary"
              onClick={() => tests.getState().newSuite(suiteTemplate(editor.getState().files, []))}
            >
              New suite
            </button>{' '}
            <button type="button" onClick={() => setDialog('import')}>
              Import promptfoo, JSONL or CSV…
            </button>
          </div>
        )}
      </section>
      {dialog === 'run' && suite && <RunDialog suite={suite.name} onClose={() => setDialog(null)} />}
      {dialog === 'import' && <ImportDialog onClose={() => setDialog(null)} />}
    </div>
  );
}
