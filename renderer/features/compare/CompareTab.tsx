import { sampleSizeHint } from '../../../shared/compare';
import { X } from 'lucide-react';
import { useState, type ComponentType } from 'react';
import { useLoaded } from '../../app/use-loaded';
import { CopyLink } from '../../app/copy-link';
import { download } from '../../app/download';
import type { CompareProgressEvent, ComparisonSummary } from '../../../shared/contract/comparing';
import { formatCost, formatMs, formatRate, when } from '../../app/format';
import { useSlice, useStores } from '../../app/context';
import { errorMessage, selectSelectedAgent } from '../agents/store';
import { RefOptions } from '../history/RefOptions';
import { etaSeconds } from '../tests/store';
import { CaseTable } from './CaseTable';
import { DatasetDialog } from './DatasetDialog';
import { DatasetView } from './DatasetView';
import { CountInput } from '../../app/CountInput';

const loadCharts = () => import('./CompareCharts');
const MAX_REFS = 5;

function short(version: string): string {
  return version.replace(/^[^@]+@/, '');
}

function Progress({ progress, onCancel }: { progress: CompareProgressEvent; onCancel: () => void }) {
  if (progress.status !== 'running') return null;
  const eta = etaSeconds(progress);
  return (
    <div className="run-progress" data-testid="compare-progress">
      <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={progress.total} aria-valuenow={progress.done}>
        <div className="fill" style={{ width: `${progress.total ? (progress.done / progress.total) * 100 : 0}%` }} />
      </div>
      <span>
        {progress.done}/{progress.total} calls · {formatCost(progress.costUsd)}
        {eta !== null && ` · about ${eta} s left`}
      </span>
      <button type="button" onClick={onCancel} data-testid="compare-cancel">
        Cancel
      </button>
    </div>
  );
}

/** Versions and a dataset to compare: the first ref is the baseline. */
function NewComparison({ onDataset }: { onDataset: () => void }) {
  const { compare, agents } = useStores();
  const datasets = useSlice(compare, (state) => state.datasets);
  const suites = useSlice(compare, (state) => state.suites);
  const summary = useSlice(agents, selectSelectedAgent);
  const [refs, setRefs] = useState<string[]>(() => [
    summary?.labels.find((label) => label.name === 'production') ? 'production' : 'latest',
    'draft',
  ]);
  const [dataset, setDataset] = useState('');
  const [suite, setSuite] = useState('');
  const [repeat, setRepeat] = useState(1);
  const [concurrency, setConcurrency] = useState(4);
  const [busy, setBusy] = useState(false);
  const chosenDataset = dataset || datasets[0]?.name || '';
  const duplicate = new Set(refs).size !== refs.length;

  if (datasets.length === 0) {
    return (
      <div className="empty-state" data-testid="compare-empty">
        <h2>Compare versions on the same inputs</h2>
        <p>
          A comparison runs two to five versions on a dataset of sample inputs and says, with statistics, which is better and at
          what cost. Start with a dataset: import JSONL or CSV, or take the inputs of a suite.
        </p>
        <button type="button" className="primary" onClick={onDataset} data-testid="new-dataset">
          New dataset…
        </button>
      </div>
    );
  }
  return (
    <form
      className="new-comparison"
      onSubmit={(event) => {
        event.preventDefault();
        if (busy || duplicate) return;
        setBusy(true);
        void compare
          .getState()
          .start({ refs, dataset: chosenDataset, suite: suite || null, repeat, concurrency })
          .finally(() => setBusy(false));
      }}
    >
      <h3>New comparison</h3>
      {refs.map((ref, index) => (
        <div className="row" key={index}>
          <label>
            {index === 0 ? 'Baseline' : `Candidate ${index}`}
            <select
              value={ref}
              onChange={(event) => setRefs(refs.map((current, position) => (position === index ? event.target.value : current)))}
              data-testid={`compare-ref-${index}`}
            >
              <option value="draft">the draft</option>
              <RefOptions />
            </select>
          </label>
          {index >= 2 && (
            <button
              type="button"
              onClick={() => setRefs(refs.filter((_, position) => position !== index))}
              aria-label={`Remove candidate ${index}`}
            >
              <X size={14} aria-hidden />
            </button>
          )}
        </div>
      ))}
      {refs.length < MAX_REFS && (
        <button type="button" onClick={() => setRefs([...refs, 'latest'])} data-testid="compare-add-ref">
          + Another candidate
        </button>
      )}
      {duplicate && <p className="field-error">Each version can be compared once.</p>}
      <div className="row">
        <label>
          Dataset
          <select value={chosenDataset} onChange={(event) => setDataset(event.target.value)} data-testid="compare-dataset">
            {datasets.map((item) => (
              <option key={item.name} value={item.name}>
                {item.name} ({item.items} items)
              </option>
            ))}
          </select>
        </label>
        <label>
          Assertions
          <select value={suite} onChange={(event) => setSuite(event.target.value)} data-testid="compare-suite">
            <option value="">none</option>
            {suites.map((item) => (
              <option key={item.name} value={item.name}>
                suite {item.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="row">
        <label>
          Repeat
          <CountInput value={repeat} max={20} onChange={setRepeat} testId="compare-repeat" />
        </label>
        <label>
          Concurrency
          <CountInput value={concurrency} max={64} onChange={setConcurrency} />
        </label>
      </div>
      <button type="submit" className="primary" disabled={busy || duplicate} data-testid="compare-start">
        Compare {refs.length} versions
      </button>
    </form>
  );
}

function ComparisonView({ Charts }: { Charts: ComponentType<{ stats: NonNullable<ComparisonSummary['stats']> }> | null }) {
  const { compare, client, ui } = useStores();
  const open = useSlice(compare, (state) => state.open);
  const candidate = useSlice(compare, (state) => state.candidate);
  const live = useSlice(compare, (state) => (state.open ? state.live[state.open.id] : undefined));
  if (!open) return null;
  const stats = open.stats;
  const status = live?.status ?? open.status;
  const baseline = open.refs[0]?.version ?? '';
  const exportAs = async (format: 'html' | 'json') => {
    try {
      const report = await client.comparisons.report({ id: open.id, format });
      download(report.fileName, report.content, format === 'html' ? 'text/html' : 'application/json');
    } catch (error) {
      ui.getState().notify(errorMessage(error));
    }
  };
  return (
    <div className="comparison-view" data-testid="comparison-view">
      <header className="run-header">
        <button type="button" onClick={() => compare.getState().close()} data-testid="back-to-comparisons">
          ← comparisons
        </button>
        <h3>
          #{open.id}: {open.refs.map((ref) => short(ref.version)).join(' vs ')} on {open.dataset.name}
          {open.suite && ` (suite ${open.suite.name})`}
        </h3>
        <span className={`status-pill ${status}`} data-testid="comparison-status">
          {status}
        </span>
        {stats && (
          <span className="export">
            <CopyLink link={{ kind: 'comparison', agent: open.agent, id: open.id }} testId="copy-comparison-link" />
            <button type="button" onClick={() => void exportAs('html')} data-testid="export-html">
              Export HTML
            </button>
            <button type="button" onClick={() => void exportAs('json')} data-testid="export-json">
              JSON
            </button>
          </span>
        )}
      </header>
      {live && <Progress progress={live} onCancel={() => void compare.getState().cancel(open.id)} />}
      {stats && (
        <>
          <div className="comparison-summary" data-testid="comparison-summary">
            {stats.pairs.map((pair) => (
              <p key={pair.candidate} className={pair.significantRegression ? 'bad' : undefined}>
                {pair.summary}
                {sampleSizeHint(pair) && (
                  <span className="muted" data-testid="sample-size-hint">
                    {' '}
                    {sampleSizeHint(pair)}.
                  </span>
                )}
              </p>
            ))}
            <p className="muted">
              {stats.cases} cases × {stats.repeat} repeat{stats.repeat > 1 ? 's' : ''} ·{' '}
              {stats.versions
                .map(
                  (version) =>
                    `${short(version.version)} ${version.total ? `${formatRate(version.passRate)} (${formatRate(version.interval.low)} to ${formatRate(version.interval.high)}) of ${version.total} cases` : 'no case with a verdict'}${version.ties ? `, ${version.ties} tied` : ''}${version.flaky ? `, ${version.flaky} flaky` : ''}${version.results ? ` (${version.results.passed}/${version.results.total} results passed)` : ''}, p95 ${formatMs(version.latencyP95)}`,
                )
                .join(' · ')}
            </p>
          </div>
          {Charts ? <Charts stats={stats} /> : <div className="compare-charts" />}
          {open.refs.length > 2 && (
            <div className="segmented" role="group" aria-label="Candidate">
              {open.refs.slice(1).map((ref, index) => (
                <button
                  key={ref.version}
                  type="button"
                  aria-pressed={candidate === index + 1}
                  onClick={() => void compare.getState().setCandidate(index + 1)}
                >
                  {short(ref.version)} vs {short(baseline)}
                </button>
              ))}
            </div>
          )}
          <CaseTable baseline={short(baseline)} candidate={short(open.refs[candidate]?.version ?? '')} />
        </>
      )}
    </div>
  );
}

export function CompareTab() {
  const { compare } = useStores();
  // The charts' code (recharts) loads while the person picks a comparison, not after.
  const Charts = useLoaded(loadCharts);
  const comparisons = useSlice(compare, (state) => state.comparisons);
  const datasets = useSlice(compare, (state) => state.datasets);
  const open = useSlice(compare, (state) => state.open);
  const live = useSlice(compare, (state) => state.live);
  const [datasetDialog, setDatasetDialog] = useState(false);
  const [viewing, setViewing] = useState<string | null>(null);

  return (
    <div className="tests-tab compare-tab">
      <aside className="tests-side">
        <div className="side-head">
          <h3>Datasets</h3>
          <button type="button" onClick={() => setDatasetDialog(true)} data-testid="add-dataset">
            New…
          </button>
        </div>
        <ul className="suite-list">
          {datasets.map((item) => (
            <li key={item.name}>
              <button
                type="button"
                className={viewing === item.name ? 'open' : ''}
                onClick={() => setViewing(item.name)}
                data-testid={`dataset-${item.name}`}
              >
                <strong>{item.name}</strong>{' '}
                <span className="muted">
                  {item.items} items · rev {item.revision}
                </span>
              </button>
            </li>
          ))}
        </ul>
        <h3>Comparisons</h3>
        {comparisons.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <ul className="run-list" data-testid="comparison-list">
            {comparisons.map((item) => {
              const status = live[item.id]?.status ?? item.status;
              return (
                <li key={item.id}>
                  <button
                    type="button"
                    className={`run-item${open?.id === item.id ? ' open' : ''}`}
                    onClick={() => {
                      setViewing(null);
                      void compare.getState().openComparison(item.id);
                    }}
                    data-testid={`comparison-${item.id}`}
                  >
                    <span>
                      #{item.id} {item.refs.map((ref) => short(ref.version)).join(' vs ')}{' '}
                      <span className={`status-pill ${status}`}>{status}</span>
                    </span>
                    <span className="muted">
                      {item.dataset.name} · {when(item.startedAt)}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </aside>
      <section className="tests-main">
        {viewing ? (
          <DatasetView name={viewing} onClose={() => setViewing(null)} />
        ) : open ? (
          <ComparisonView Charts={Charts} />
        ) : (
          <NewComparison onDataset={() => setDatasetDialog(true)} />
        )}
      </section>
      {datasetDialog && <DatasetDialog onClose={() => setDatasetDialog(false)} />}
    </div>
  );
}
