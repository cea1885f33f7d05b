import { useEffect, useState } from 'react';
import { X } from 'lucide-react';
import type { ResultDetail } from '../../../shared/contract/testing';
import type { ChatMessage } from '../../../shared/engine/types';
import { trajectorySteps } from '../../../shared/engine/trajectory';
import { formatCost, formatMs } from '../../app/format';
import { statusWord } from '../../../shared/result-status';
import { useSlice, useStores } from '../../app/context';

function pretty(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

type Shown = Pick<ResultDetail, 'messages' | 'toolCalls'> & Partial<Pick<ResultDetail, 'verdicts' | 'conversation'>>;

const ENDED: Record<string, string> = {
  goal: 'ended: the goal was reached',
  'gave-up': 'ended: the agent gave up',
  'max-turns': 'ended: the turns ran out',
};

function StepBody({ message }: { message: ChatMessage }) {
  if (message.role === 'tool')
    return (
      <pre>
        ← {message.name}: {message.content}
      </pre>
    );
  return (
    <>
      {message.content && <pre>{message.content}</pre>}
      {message.toolCalls?.map((call) => (
        <pre key={call.id} className="call">
          → {call.name}({JSON.stringify(call.arguments)})
        </pre>
      ))}
    </>
  );
}

/**
 * The conversation step by step: the prompt folded, then each user message, model turn (its
 * text and tool calls with arguments) and tool result, by turn in a conversation, each with the
 * verdicts that looked at it; choosing a verdict marks its steps.
 */
export function Conversation({
  detail,
  chosen,
  onChoose,
}: {
  detail: Shown;
  chosen?: number | null;
  onChoose?: (verdict: number) => void;
}) {
  const verdicts = detail.verdicts ?? [];
  const { prelude, steps } = trajectorySteps(detail.messages, detail.conversation?.turns, verdicts);
  const looked = chosen === null || chosen === undefined ? [] : (verdicts[chosen]?.steps ?? []);
  return (
    <>
      <h4>Trajectory</h4>
      {prelude > 0 && (
        <details className="prelude">
          <summary>
            Prompt: {prelude} {prelude === 1 ? 'message' : 'messages'} before the case&apos;s input
          </summary>
          <ol className="messages" data-testid="drawer-messages">
            {detail.messages.slice(0, prelude).map((message, index) => (
              <li key={index} className={`message ${message.role}`}>
                <span className="role">{message.role}</span>
                <pre>{message.content}</pre>
              </li>
            ))}
          </ol>
        </details>
      )}
      <ol className="trajectory" data-testid="drawer-trajectory">
        {steps.map((step, position) => {
          const message = detail.messages[step.index] as ChatMessage;
          const failing = step.verdicts.some((at) => !verdicts[at]?.pass);
          const newTurn = step.turn !== null && step.turn !== steps[position - 1]?.turn;
          return (
            <li key={step.index} className="step-row">
              {newTurn && <div className="turn-head">Turn {step.turn}</div>}
              <div
                className={`step ${step.kind}${failing ? ' failing' : ''}${looked.includes(step.index) ? ' looked' : ''}`}
                data-testid="trajectory-step"
              >
                <span className="role">
                  {position + 1}. {step.kind === 'model' ? 'model turn' : step.kind === 'tool' ? 'tool result' : 'user'}
                </span>
                <StepBody message={message} />
                {step.verdicts.length > 0 && (
                  <div className="step-verdicts">
                    {step.verdicts.map((at) => (
                      <button
                        key={at}
                        type="button"
                        className={`chip ${verdicts[at]?.pass ? 'good' : 'bad'}`}
                        onClick={() => onChoose?.(at)}
                        title={verdicts[at]?.reason}
                      >
                        {verdicts[at]?.pass ? '✓' : '✗'} {verdicts[at]?.type}
                      </button>
                    ))}
                  </div>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      {detail.conversation?.ended && (
        <p className="muted" data-testid="drawer-ended">
          {ENDED[detail.conversation.ended]}
        </p>
      )}
    </>
  );
}

/** One result whole: input, messages, output, each verdict and its reason, tools, tokens, cost, latency. */
export function CaseDrawer() {
  const { tests } = useStores();
  const detail = useSlice(tests, (state) => state.detail);
  const [chosen, setChosen] = useState<number | null>(null);
  useEffect(() => setChosen(null), [detail]);

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
          <X size={14} aria-hidden />
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
            <li key={index} className={`${verdict.pass ? 'pass' : 'fail'}${chosen === index ? ' chosen' : ''}`}>
              <button type="button" className="link" onClick={() => setChosen(chosen === index ? null : index)}>
                <strong>
                  {verdict.pass ? '✓' : '✗'} {verdict.type}
                </strong>
              </button>{' '}
              <span className="muted">score {verdict.score.toFixed(2)}</span>
              <div className="reason">{verdict.reason}</div>
            </li>
          ))}
        </ul>
      )}
      <h4>Input</h4>
      <pre data-testid="drawer-input">{pretty(detail.input)}</pre>
      <h4>Output</h4>
      <pre data-testid="drawer-output">{detail.output || '(empty)'}</pre>
      <Conversation detail={detail} chosen={chosen} onChoose={setChosen} />
    </aside>
  );
}
