import { diffWordsWithSpace } from 'diff';
import { X } from 'lucide-react';
import { useMemo } from 'react';
import { formatCost, formatMs } from '../../app/format';
import { useSlice, useStores } from '../../app/context';
import { RefOptions } from '../history/RefOptions';
import { Conversation } from '../tests/CaseDrawer';
import { templateVariables, type TrySide } from './store';

function SideResult({ title, side, testId }: { title: string; side: TrySide; testId: string }) {
  return (
    <section className="try-side" data-testid={testId} data-state={side.state}>
      <h4>{title}</h4>
      {side.state === 'idle' && <p className="muted">Not run yet.</p>}
      {side.state === 'running' && <p className="muted">Waiting for the provider…</p>}
      {side.state === 'refused' && <p className="field-error">{side.message}</p>}
      {side.state === 'done' && (
        <>
          <p className="figures" data-testid={`${testId}-figures`}>
            {side.result.version} · {formatMs(side.result.latencyMs)} · {side.result.inputTokens ?? '?'} in /{' '}
            {side.result.outputTokens ?? '?'} out · {formatCost(side.result.costUsd)}
          </p>
          {side.result.error ? (
            <div className="try-error" data-testid={`${testId}-error`}>
              <p className="field-error">{side.result.error.message}</p>
              <p>{side.result.error.hint}</p>
            </div>
          ) : (
            <pre className="try-output" data-testid={`${testId}-output`}>
              {side.result.output || '(empty)'}
            </pre>
          )}
          {side.result.messages.length > 0 && (
            <details>
              <summary>Messages and tool calls ({side.result.toolCalls.length})</summary>
              <Conversation detail={side.result} />
            </details>
          )}
        </>
      )}
    </section>
  );
}

/** Where the two answers differ, word by word: what only the other ref said struck out, what only the draft said marked. */
function OutputDiff({ before, after, title }: { before: string; after: string; title: string }) {
  const parts = useMemo(() => diffWordsWithSpace(before, after), [before, after]);
  if (before === after)
    return (
      <p className="muted" data-testid="try-diff-same">
        Both answered the same.
      </p>
    );
  return (
    <section className="try-diff" data-testid="try-diff" aria-label={`What the draft says differently from ${title}`}>
      <h4>Draft against {title}</h4>
      <pre className="try-output">
        {parts.map((part, index) =>
          part.added ? (
            <ins key={index}>{part.value}</ins>
          ) : part.removed ? (
            <del key={index}>{part.value}</del>
          ) : (
            <span key={index}>{part.value}</span>
          ),
        )}
      </pre>
    </section>
  );
}

/** Beside the editor: one input through the draft and another ref, answers as they come; Ctrl+Enter runs again. */
export function TryPanel() {
  const { tryPanel, editor } = useStores();
  const files = useSlice(editor, (state) => state.files);
  const source = useSlice(tryPanel, (state) => state.source);
  const vars = useSlice(tryPanel, (state) => state.vars);
  const message = useSlice(tryPanel, (state) => state.message);
  const compareWith = useSlice(tryPanel, (state) => state.compareWith);
  const suites = useSlice(tryPanel, (state) => state.suites);
  const draft = useSlice(tryPanel, (state) => state.draft);
  const other = useSlice(tryPanel, (state) => state.other);
  const variables = useMemo(() => templateVariables(files), [files]);
  const busy = draft.state === 'running' || other.state === 'running';
  const sourceValue = source.kind === 'case' ? `${source.suite}/${source.id}` : '';

  return (
    <aside className="try-panel" aria-label="Try" data-testid="try-panel">
      <header>
        <h3>Try</h3>
        <button type="button" onClick={() => tryPanel.getState().setOpen(false)} aria-label="Close the Try panel">
          <X size={14} aria-hidden />
        </button>
      </header>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          // The draft autosaves after a pause; save now so the run sees the last keystroke.
          if (!busy)
            void editor
              .getState()
              .flush()
              .then(() => tryPanel.getState().run());
        }}
      >
        <label>
          Input
          <select
            value={sourceValue}
            onChange={(event) => {
              const [suite, id] = event.target.value.split('/');
              tryPanel.getState().setSource(suite && id ? { kind: 'case', suite, id } : { kind: 'vars' });
            }}
            data-testid="try-source"
          >
            <option value="">variables typed here</option>
            {suites.map((suite) => (
              <optgroup key={suite.name} label={`suite ${suite.name}`}>
                {suite.caseList.map((testCase) => (
                  <option key={testCase.id} value={`${suite.name}/${testCase.id}`}>
                    {testCase.id}
                    {testCase.description ? ` — ${testCase.description}` : ''}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        {source.kind === 'vars' && files['user.md'] === undefined && (
          <label>
            Message
            <textarea
              rows={3}
              value={message}
              onChange={(event) => tryPanel.getState().setMessage(event.target.value)}
              placeholder="What the user says (the draft has no user.md)"
              data-testid="try-message"
            />
          </label>
        )}
        {source.kind === 'vars' &&
          (variables.length === 0 ? (
            files['user.md'] === undefined ? null : (
              <p className="muted">The prompt uses no {'{{variables}}'}.</p>
            )
          ) : (
            variables.map((name) => (
              <label key={name}>
                {name}
                <textarea
                  rows={name === 'body' ? 3 : 1}
                  value={vars[name] ?? ''}
                  onChange={(event) => tryPanel.getState().setVar(name, event.target.value)}
                  data-testid={`try-var-${name}`}
                />
              </label>
            ))
          ))}
        <label>
          Beside the draft
          <select
            value={compareWith ?? ''}
            onChange={(event) => tryPanel.getState().setCompareWith(event.target.value || null)}
            data-testid="try-compare"
          >
            <option value="">nothing (the draft alone)</option>
            <RefOptions />
          </select>
        </label>
        <button type="submit" className="primary" disabled={busy} data-testid="try-run" title="Ctrl+Enter">
          {busy ? 'Running…' : 'Run (Ctrl+Enter)'}
        </button>
      </form>
      <div className={`try-results${compareWith ? ' pair' : ''}`}>
        <SideResult title="Draft" side={draft} testId="try-draft" />
        {compareWith && <SideResult title={compareWith} side={other} testId="try-other" />}
      </div>
      {compareWith && draft.state === 'done' && other.state === 'done' && !draft.result.error && !other.result.error && (
        <OutputDiff before={other.result.output} after={draft.result.output} title={compareWith} />
      )}
    </aside>
  );
}
