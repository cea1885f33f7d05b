import { comparisonHtml } from '../../shared/compare-report';
import type { AppEvent, Handlers } from '../../shared/contract/contract';
import type { DatasetDetail, ComparisonSummary } from '../../shared/contract/comparing';
import { datasetFromSuite, importDataset } from '../../shared/dataset';
import { caseShown } from '../../shared/engine/render';
import type { PriceTable } from '../../shared/engine/prices';
import type { Platform } from '../../shared/engine/types';
import { SlipwayError } from '../../shared/errors';
import { suiteNameFromFile } from '../../shared/suite-import';
import { backgroundJobs, type BackgroundJobs } from '../background';
import { compareRefs } from './compare-refs';
import {
  comparisonCase,
  comparisonRows,
  datasetItemsOf,
  endOrphanedComparisons,
  getComparison,
  listComparisons,
} from './comparisons';
import { getDataset, listDatasets, saveDataset, type DatasetRevision } from './datasets';
import { getSuite } from '../testing/suites';
import type { Workspace } from '../workspace';

const PROGRESS_EVERY_MS = 100;
const PREVIEW_ITEMS = 8;

function detailOf(revision: DatasetRevision): DatasetDetail {
  return {
    agent: revision.agent,
    name: revision.name,
    revision: revision.revision,
    hash: revision.hash,
    items: revision.items,
    author: revision.author,
    message: revision.message,
    createdAt: revision.createdAt,
    description: revision.dataset.description ?? null,
    list: revision.dataset.items,
  };
}

/** The report of a stored comparison, as a file to save: self-contained HTML, or the whole as JSON. */
export function comparisonReport(ws: Workspace, id: number, format: 'html' | 'json'): { fileName: string; content: string } {
  const summary = getComparison(ws, id);
  if (!summary.stats)
    throw new SlipwayError('invalid_input', `comparison ${id} is still running: its report is ready when it ends`);
  const rows = summary.stats.pairs.map((pair) => comparisonRows(ws, id, pair.candidate));
  const base = `comparison-${id}-${summary.agent}`;
  if (format === 'json')
    return { fileName: `${base}.json`, content: `${JSON.stringify({ ...summary, cases: rows }, null, 2)}\n` };
  return { fileName: `${base}.html`, content: comparisonHtml({ ...summary, stats: summary.stats, rows }) };
}

/** Datasets and comparisons over one workspace: comparisons run in the background with progress events. */
export function createComparisonHandlers(
  ws: Workspace,
  deps: { platform: () => Platform; prices: () => PriceTable; emit: (event: AppEvent) => void },
): Pick<Handlers, 'datasets' | 'comparisons'> & { jobs: BackgroundJobs } {
  endOrphanedComparisons(ws);
  const jobs = backgroundJobs();

  const start = async (input: Parameters<Handlers['comparisons']['start']>[0]): Promise<ComparisonSummary> => {
    const controller = new AbortController();
    const started = Date.now();
    let id = 0;
    let total = 0;
    let lastSent = 0;
    const send = (status: ComparisonSummary['status'], done: number, costUsd: number) => {
      lastSent = Date.now();
      deps.emit({
        type: 'compare.progress',
        payload: { comparisonId: id, agent: input.agent, status, done, total, costUsd, elapsedMs: lastSent - started },
      });
    };
    const work = compareRefs(ws, input, {
      platform: deps.platform(),
      prices: deps.prices(),
      signal: controller.signal,
      onComparison: (made, planned) => {
        id = made;
        total = planned;
      },
      onProgress: (progress) => {
        if (Date.now() - lastSent >= PROGRESS_EVERY_MS) send('running', progress.done, progress.costUsd);
      },
    });
    // compareRefs makes the comparison's row before its first await: without an id it refused,
    // and awaiting it hands that refusal to the caller.
    if (!id) {
      await work;
      throw new SlipwayError('invalid_input', 'the comparison could not start');
    }
    const done = work.then(
      (summary) =>
        send(summary.status, summary.stats ? summary.stats.cases * summary.settings.repeat * summary.refs.length : total, 0),
      (error: unknown) => {
        console.error(`comparison ${id} stopped:`, error);
        send('interrupted', 0, 0);
      },
    );
    jobs.track(id, controller, done);
    send('running', 0, 0);
    return getComparison(ws, id);
  };

  return {
    jobs,
    datasets: {
      list: ({ agent }) =>
        listDatasets(ws, agent)
          .map((revision) => detailOf(revision))
          .map(({ description: _description, list: _list, ...summary }) => summary),
      get: ({ agent, name, revision }) => detailOf(getDataset(ws, agent, name, revision)),
      preview: ({ fileName, content, name, mapping }) => {
        const imported = importDataset(fileName, content, name ?? suiteNameFromFile(fileName), mapping);
        return {
          name: imported.dataset.name,
          format: imported.format,
          items: imported.dataset.items.length,
          columns: imported.columns,
          sample: imported.dataset.items.slice(0, PREVIEW_ITEMS),
        };
      },
      import: ({ agent, fileName, content, name, mapping, message }) => {
        const imported = importDataset(fileName, content, name ?? suiteNameFromFile(fileName), mapping);
        return {
          ...detailOf(saveDataset(ws, agent, imported.dataset, message)),
          format: imported.format,
          columns: imported.columns,
        };
      },
      save: ({ agent, name, jsonl, message }) =>
        detailOf(saveDataset(ws, agent, importDataset(`${name}.jsonl`, jsonl, name).dataset, message)),
      fromSuite: ({ agent, suite, name }) => {
        const revision = getSuite(ws, agent, suite);
        return detailOf(
          saveDataset(
            ws,
            agent,
            datasetFromSuite(revision.suite, name ?? suite),
            `from suite ${suite} revision ${revision.revision}`,
          ),
        );
      },
    },
    comparisons: {
      start,
      cancel: async ({ id }) => {
        if (!(await jobs.cancel(id))) {
          const summary = getComparison(ws, id);
          throw new SlipwayError(
            'invalid_input',
            summary.status === 'running'
              ? `comparison ${id} is not running in this window's process`
              : `comparison ${id} already ended (${summary.status})`,
          );
        }
        return getComparison(ws, id);
      },
      list: ({ agent }) => listComparisons(ws, agent),
      get: ({ id }) => getComparison(ws, id),
      // The table needs no outputs (a case's detail brings them): 5,000 rows travel light.
      cases: ({ id, candidate }) =>
        comparisonRows(ws, id, candidate).map(
          ({ baseline: { output: _before, ...baseline }, candidate: { output: _after, ...other }, ...row }) => ({
            ...row,
            baseline,
            candidate: other,
          }),
        ),
      case: ({ id, candidate, caseId }) => {
        const found = comparisonCase(ws, id, candidate, caseId);
        const item = datasetItemsOf(ws, id).find((candidateItem) => candidateItem.id === caseId);
        return {
          caseId,
          verdict: found.verdict,
          input: item ? caseShown(item) : null,
          baseline: found.baseline,
          candidate: found.candidate,
        };
      },
      report: ({ id, format }) => comparisonReport(ws, id, format),
    },
  };
}
