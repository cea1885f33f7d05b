import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import type { ResultRow } from '../../../shared/contract/testing';
import { useSlice, useStores } from '../../app/context';
import { visibleRows, type ResultFilter, type ResultSort } from './store';
import { formatCost, formatMs } from '../../app/format';
import { statusWord } from '../../../shared/result-status';

const ROW_HEIGHT = 30;
const FILTERS: ResultFilter[] = ['all', 'passed', 'failed', 'errored', 'unchecked', 'flaky'];
const filterWord = (filter: ResultFilter) => (filter === 'unchecked' ? 'no checks' : filter);

function count(rows: ResultRow[], filter: ResultFilter): number {
  return filter === 'all' ? rows.length : rows.filter((row) => (filter === 'flaky' ? row.flaky : row.status === filter)).length;
}

/** Every result of the open run, virtualized: filter by outcome, sort by latency or cost, open one. */
export function ResultsGrid({ newFailures, fixes }: { newFailures: Set<string>; fixes: Set<string> }) {
  const { tests } = useStores();
  const rows = useSlice(tests, (state) => state.rows);
  const filter = useSlice(tests, (state) => state.filter);
  const sort = useSlice(tests, (state) => state.sort);
  const detail = useSlice(tests, (state) => state.detail);
  const shown = useMemo(() => visibleRows(rows, filter, sort), [rows, filter, sort]);
  const counts = useMemo(() => Object.fromEntries(FILTERS.map((name) => [name, count(rows, name)])), [rows]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  return (
    <div className="results">
      <div className="results-toolbar">
        <div className="segmented" role="group" aria-label="Show">
          {FILTERS.map((name) => (
            <button
              key={name}
              type="button"
              aria-pressed={filter === name}
              onClick={() => tests.getState().setFilter(name)}
              data-testid={`filter-${name}`}
            >
              {filterWord(name)} <span className="muted">{counts[name]}</span>
            </button>
          ))}
        </div>
        <label>
          Sort
          <select
            value={sort}
            onChange={(event) => tests.getState().setSort(event.target.value as ResultSort)}
            data-testid="results-sort"
          >
            <option value="order">case order</option>
            <option value="latency">slowest first</option>
            <option value="cost">dearest first</option>
          </select>
        </label>
      </div>
      <div className="results-head" role="row">
        <span>case</span>
        <span>outcome</span>
        <span>latency</span>
        <span>tokens</span>
        <span>cost</span>
        <span>why</span>
      </div>
      <div className="results-body" ref={scroller} data-testid="results-grid" role="grid" aria-rowcount={shown.length}>
        {shown.length === 0 && (
          <p className="empty">
            {rows.length === 0
              ? 'No results yet.'
              : `No ${filter === 'unchecked' ? 'results with no checks' : `${filter} results`}.`}
          </p>
        )}
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const row = shown[item.index];
            if (!row) return null;
            const open = detail?.caseId === row.caseId && detail.repeat === row.repeat;
            const change = newFailures.has(row.caseId) ? 'new failure' : fixes.has(row.caseId) ? 'fixed' : null;
            return (
              <button
                type="button"
                key={`${row.caseId}#${row.repeat}`}
                className={`result-row ${row.status}${open ? ' open' : ''}`}
                style={{ height: item.size, transform: `translateY(${item.start}px)` }}
                onClick={() => void tests.getState().openCase(row.caseId, row.repeat)}
                data-testid="result-row"
                data-case={row.caseId}
                data-status={row.status}
              >
                <span className="case-id">
                  {row.caseId}
                  {row.repeat > 0 && <span className="muted"> #{row.repeat + 1}</span>}
                </span>
                <span>
                  <span className={`status-pill ${row.status}`}>{statusWord(row.status)}</span>
                  {row.flaky && <span className="chip">flaky</span>}
                  {change && <span className={`chip ${change === 'fixed' ? 'good' : 'bad'}`}>{change}</span>}
                </span>
                <span>{formatMs(row.latencyMs)}</span>
                <span>{row.tokens ?? '—'}</span>
                <span>{formatCost(row.costUsd)}</span>
                <span className="why" title={row.problem ?? ''}>
                  {row.problem ?? ''}
                </span>
              </button>
            );
          })}
        </div>
      </div>
    </div>
  );
}
