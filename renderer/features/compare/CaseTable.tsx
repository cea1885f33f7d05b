import { useVirtualizer } from '@tanstack/react-virtual';
import { X } from 'lucide-react';
import { diffWords } from 'diff';
import { useEffect, useMemo, useRef } from 'react';
import { CASE_VERDICTS, CATEGORIES, type Category } from '../../../shared/compare';
import type { ComparedCase } from '../../../shared/contract/comparing';
import { formatCost, formatMs } from '../../app/format';
import { useSlice, useStores } from '../../app/context';
import { Conversation } from '../tests/CaseDrawer';
import { visibleCases, type CaseSort } from './store';

const ROW_HEIGHT = 30;
const SORTS: Array<[CaseSort, string]> = [
  ['order', 'case order'],
  ['passRate', 'Δ pass rate'],
  ['latencyMs', 'Δ latency'],
  ['tokens', 'Δ tokens'],
  ['costUsd', 'Δ cost'],
];

function signed(value: number | null, format: (value: number) => string): string {
  if (value === null) return '—';
  return `${value > 0 ? '+' : value < 0 ? '−' : '±'}${format(Math.abs(value))}`;
}

/** The outputs of both sides, the candidate's changes marked word by word. */
function WordDiff({ before, after }: { before: string; after: string }) {
  const parts = useMemo(() => diffWords(before, after), [before, after]);
  return (
    <pre className="word-diff" data-testid="word-diff">
      {parts.map((part, index) => (
        <span key={index} className={part.added ? 'added' : part.removed ? 'removed' : undefined}>
          {part.value}
        </span>
      ))}
    </pre>
  );
}

function SideDetail({ title, results }: { title: string; results: ComparedCase['baseline'] }) {
  const first = results[0];
  if (!first) return <section className="side">No result.</section>;
  const passed = results.filter((result) => result.status === 'passed').length;
  return (
    <section className="side">
      <h4>
        {title}{' '}
        <span className={`status-pill ${first.status}`}>
          {passed}/{results.length} passed
        </span>
      </h4>
      <p className="figures">
        {formatMs(first.latencyMs)} · {first.inputTokens ?? '?'} in / {first.outputTokens ?? '?'} out ·{' '}
        {formatCost(first.costUsd)}
      </p>
      {first.error && <p className="field-error">{first.error.message}</p>}
      <ul className="verdicts">
        {first.verdicts.map((verdict, index) => (
          <li key={index} className={verdict.pass ? 'pass' : 'fail'}>
            <strong>
              {verdict.pass ? '✓' : '✗'} {verdict.type}
            </strong>{' '}
            {verdict.reason}
          </li>
        ))}
      </ul>
      <details>
        <summary>Messages and tool calls ({first.toolCalls.length})</summary>
        <Conversation detail={first} />
      </details>
    </section>
  );
}

function CaseDetail({ baseline, candidate }: { baseline: string; candidate: string }) {
  const { compare } = useStores();
  const detail = useSlice(compare, (state) => state.detail);
  useEffect(() => {
    if (!detail) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') compare.getState().closeCase();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [detail, compare]);
  if (!detail) return null;
  return (
    <aside className="compare-detail" data-testid="compare-detail" aria-label={`Case ${detail.caseId}`}>
      <header>
        <h3>
          {detail.caseId} {detail.verdict && <span className={`chip verdict-${detail.verdict}`}>{detail.verdict}</span>}
        </h3>
        <button type="button" onClick={() => compare.getState().closeCase()} aria-label="Close (Escape)">
          <X size={14} aria-hidden />
        </button>
      </header>
      <h4>Input</h4>
      <pre>{JSON.stringify(detail.input, null, 2)}</pre>
      <h4>
        Output: {baseline} → {candidate}
      </h4>
      <WordDiff before={detail.baseline[0]?.output ?? ''} after={detail.candidate[0]?.output ?? ''} />
      <div className="sides">
        <SideDetail title={baseline} results={detail.baseline} />
        <SideDetail title={candidate} results={detail.candidate} />
      </div>
    </aside>
  );
}

/** Every case of the open comparison for one candidate: verdict and category filters, sort by any delta, a side-by-side view. */
export function CaseTable({ baseline, candidate }: { baseline: string; candidate: string }) {
  const { compare } = useStores();
  const rows = useSlice(compare, (state) => state.rows);
  const verdict = useSlice(compare, (state) => state.verdict);
  const category = useSlice(compare, (state) => state.category);
  const sort = useSlice(compare, (state) => state.sort);
  const descending = useSlice(compare, (state) => state.descending);
  const open = useSlice(compare, (state) => state.detail?.caseId ?? null);
  const shown = useMemo(
    () => visibleCases(rows, verdict, category, sort, descending),
    [rows, verdict, category, sort, descending],
  );
  const counts = useMemo(() => {
    const byVerdict: Record<string, number> = { all: rows.length };
    const byCategory: Partial<Record<Category, number>> = {};
    for (const row of rows) {
      byVerdict[row.verdict] = (byVerdict[row.verdict] ?? 0) + 1;
      for (const name of row.categories) byCategory[name] = (byCategory[name] ?? 0) + 1;
    }
    return { byVerdict, byCategory };
  }, [rows]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  return (
    <div className="compare-cases">
      <div className="results-toolbar">
        <div className="segmented" role="group" aria-label="Verdict">
          {(['all', ...CASE_VERDICTS] as const).map((name) => (
            <button
              key={name}
              type="button"
              aria-pressed={verdict === name}
              onClick={() => compare.getState().setVerdict(name)}
              data-testid={`verdict-${name}`}
            >
              {name} <span className="muted">{counts.byVerdict[name] ?? 0}</span>
            </button>
          ))}
        </div>
        <select
          value={category ?? ''}
          onChange={(event) => compare.getState().setCategory((event.target.value || null) as Category | null)}
          aria-label="Change"
          data-testid="category-filter"
        >
          <option value="">any change</option>
          {(Object.keys(CATEGORIES) as Category[]).map((name) => (
            <option key={name} value={name}>
              {CATEGORIES[name]} ({counts.byCategory[name] ?? 0})
            </option>
          ))}
        </select>
        <label>
          Sort
          <select
            value={sort}
            onChange={(event) => compare.getState().setSort(event.target.value as CaseSort)}
            data-testid="case-sort"
          >
            {SORTS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {sort !== 'order' && (
          <button type="button" onClick={() => compare.getState().setSort(sort)} title="Reverse the order">
            {descending ? 'largest first' : 'smallest first'}
          </button>
        )}
      </div>
      <div className="compare-head" role="row">
        <span>case</span>
        <span>verdict</span>
        <span>Δ pass</span>
        <span>Δ latency</span>
        <span>Δ tokens</span>
        <span>Δ cost</span>
        <span>changes</span>
      </div>
      <div className="compare-body">
        <div className="results-body" ref={scroller} data-testid="compare-cases" role="grid" aria-rowcount={shown.length}>
          {shown.length === 0 && (
            <p className="empty">{rows.length === 0 ? 'No cases yet.' : 'No case matches these filters.'}</p>
          )}
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {virtual.getVirtualItems().map((item) => {
              const row = shown[item.index];
              if (!row) return null;
              return (
                <button
                  type="button"
                  key={row.caseId}
                  className={`compare-row${open === row.caseId ? ' open' : ''}`}
                  style={{ height: item.size, transform: `translateY(${item.start}px)` }}
                  onClick={() => void compare.getState().openCase(row.caseId)}
                  data-testid="compare-row"
                  data-case={row.caseId}
                  data-verdict={row.verdict}
                >
                  <span className="case-id">{row.caseId}</span>
                  <span className={`chip verdict-${row.verdict}`}>{row.verdict}</span>
                  <span>{signed(row.delta.passRate * 100, (value) => `${value.toFixed(0)} pts`)}</span>
                  <span>{signed(row.delta.latencyMs, (value) => `${Math.round(value)} ms`)}</span>
                  <span>{signed(row.delta.tokens, (value) => value.toFixed(0))}</span>
                  <span>{signed(row.delta.costUsd, (value) => `$${value.toFixed(5)}`)}</span>
                  <span className="why">
                    {row.categories.map((name) => (
                      <span key={name} className="chip bad">
                        {CATEGORIES[name]}
                      </span>
                    ))}
                  </span>
                </button>
              );
            })}
          </div>
        </div>
        <CaseDetail baseline={baseline} candidate={candidate} />
      </div>
    </div>
  );
}
