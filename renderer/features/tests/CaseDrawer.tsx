import { useEffect } from 'react';
import type { ResultDetail } from '../../../shared/contract/testing';
import { formatCost, formatMs } from '../../app/format';
import { statusWord } from '../../../shared/result-status';
import { useSlice, useStores } from '../../app/context';

function pretty(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** Messages and tool calls as the model saw and made them. */
export function Conversation({ detail }: { detail: Pick<ResultDetail, 'messages' | 'toolCalls'> }) {
  return (
    <>
      <h4>Rendered messages</h4>
      <ol className="messages" data-testid="drawer-messages">
        {detail.messages.map((message, index) => (
          <li key={index} className={`message ${message.role}`}>
            <span className="role">{message.role}</span>
            <pre>
              {message.content ||
                (message.toolCalls?.length
                  ? message.toolCalls.map((call) => `→ ${call.name}(${JSON.stringify(call.arguments)})`).join('\n')
                  : '')}
            </pre>
          </li>
        ))}
      </ol>
      {detail.toolCalls.length > 0 && (
        <>
          <h4>Tool calls</h4>
          <ol className="tool-trace" data-testid="drawer-tools">
            {detail.toolCalls.map((call, index) => (
              <li key={index}>
                <code>
                  {call.name}({JSON.stringify(call.arguments)})
                </code>{' '}
                → <code>{call.error ?? pretty(call.result)}</code>
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}

/** One result whole: input, messages, output, each verdict and its reason, tools, tokens, cost, latency. */
export function CaseDrawer() {
  const { tests } = useStores();
  const detail = useSlice(tests, (state) => state.detail);

  useEffect(() => {
    if (!detail) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') tests.getState().closeCase();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [detail, tests]);

  if (!detail) return null;
  return (
    <aside className="drawer" aria-label={`Case ${detail.caseId}`} data-testid="case-drawer">
      <header>
        <h3>
          {detail.caseId}
          {detail.repeat > 0 && ` #${detail.repeat + 1}`}{' '}
          <span className={`status-pill ${detail.status}`}>{statusWord(detail.status)}</span>
        </h3>
        <button type="button" onClick={() => tests.getState().closeCase()} aria-label="Close (Escape)">
          ✕
        </button>
      </header>
      <p className="figures">
        {formatMs(detail.latencyMs)} · {detail.inputTokens ?? '?'} in / {detail.outputTokens ?? '?'} out tokens ·{' '}
        {formatCost(detail.costUsd)}
        {detail.retries > 0 && ` · ${detail.retries} retries`}
        {detail.cached && ' · answer from cache'}
      </p>
      {detail.error && (
        <p className="field-error" data-testid="drawer-error">
          {detail.error.kind}: {detail.error.message}
        </p>
      )}
      <h4>Verdicts</h4>
      {detail.verdicts.length === 0 ? (
        <p className="muted">This case has no assertions.</p>
      ) : (
        <ul className="verdicts" data-testid="drawer-verdicts">
          {detail.verdicts.map((verdict, index) => (
            <li key={index} className={verdict.pass ? 'pass' : 'fail'}>
              <strong>
                {verdict.pass ? '✓' : '✗'} {verdict.type}
              </strong>{' '}
              <span className="muted">score {verdict.score.toFixed(2)}</span>
              <div>{verdict.reason}</div>
            </li>
          ))}
        </ul>
      )}
      <h4>Input</h4>
      <pre data-testid="drawer-input">{pretty(detail.input)}</pre>
      <h4>Output</h4>
      <pre data-testid="drawer-output">{detail.output || '(empty)'}</pre>
      <Conversation detail={detail} />
    </aside>
  );
}
