import { useMemo, useState } from 'react';
import { X } from 'lucide-react';
import { parse, stringify } from 'yaml';
import { assertionFromText, assertionToText } from '../../../shared/assertion-text';
import { Assertion } from '../../../shared/suite';
import { useSlice, useStores } from '../../app/context';

type RawTurn = { user?: unknown; assert?: unknown[] } & Record<string, unknown>;
type RawSimulate = { goal?: unknown; goal_check?: unknown[]; give_up?: unknown[] } & Record<string, unknown>;
type RawCase = { id?: unknown; vars?: Record<string, unknown>; assert?: unknown[]; turns?: RawTurn[] } & Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
type RawSuite = { cases?: RawCase[] } & Record<string, unknown>;

function read(text: string): RawSuite | null {
  try {
    const value: unknown = parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as RawSuite) : null;
  } catch {
    return null;
  }
}

function asText(value: unknown): string {
  return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** One assertion as a line, written back when it reads as one; a line that does not says why and waits. */
function AssertionLine({
  initial,
  label,
  onChange,
  onRemove,
}: {
  initial: string;
  label: string;
  onChange: (assertion: Assertion) => void;
  onRemove: () => void;
}) {
  const [text, setText] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <span className="assertion-line">
      <input
        value={text}
        placeholder="contains: billing"
        onChange={(event) => {
          setText(event.target.value);
          const read = assertionFromText(event.target.value);
          if ('assertion' in read) onChange(read.assertion);
          setProblem('problem' in read ? read.problem : null);
        }}
        className={problem ? 'invalid' : undefined}
        title={
          problem ??
          'TYPE: VALUE — contains, equals, regex, is-json, similar(0.8), rubric, latency, tokens, cost, json-path, tool-called: NAME {"arg": 1} (or tool-called(exact|regex)), no-tool-called: NAMES, tool-sequence(strict|unordered|subset|superset): NAMES, step-count: turns <= 3, tool calls 1..4, goal-reached; "not " inverts'
        }
        aria-label={label}
        aria-invalid={problem !== null}
      />
      <button type="button" onClick={onRemove} aria-label={`Remove ${label}`}>
        −
      </button>
      {problem && <small className="field-error">{problem}</small>}
    </span>
  );
}

/** A case's assertions: each one a line (those a line cannot hold shown as they are, edited in YAML), one more added with +. */
function AssertionsCell({
  assertions,
  index,
  onChange,
  turn,
  part,
}: {
  assertions: unknown[];
  index: number;
  onChange: (next: unknown[]) => void;
  /** The scripted turn these judge, when they are a turn's. */
  turn?: number;
  /** A simulated user's check these are, when they are one. */
  part?: string;
}) {
  const of = `case ${index + 1}${turn === undefined ? '' : ` turn ${turn}`}${part === undefined ? '' : ` ${part}`}`;
  return (
    <div className="assertions-cell">
      {assertions.map((raw, position) => {
        const parsed = Assertion.safeParse(raw);
        const line = parsed.success ? assertionToText(parsed.data) : null;
        const label = `${of[0]?.toUpperCase()}${of.slice(1)} assertion ${position + 1}`;
        if (line === null) {
          return (
            <span key={position} className="muted" title="Edit this one in the YAML view">
              {parsed.success ? parsed.data.type : 'not an assertion'} (YAML)
            </span>
          );
        }
        return (
          <AssertionLine
            key={`${position}-${assertions.length}`}
            initial={line}
            label={label}
            onChange={(assertion) => onChange(assertions.map((current, at) => (at === position ? assertion : current)))}
            onRemove={() => onChange(assertions.filter((_, at) => at !== position))}
          />
        );
      })}
      <button
        type="button"
        onClick={() => onChange([...assertions, { type: 'contains', value: '' }])}
        aria-label={`Add an assertion to ${of}`}
      >
        +
      </button>
    </div>
  );
}

/**
 * The suite's cases as a table: ids, variables and assertions edited in place, cases added and removed. Each
 * edit writes the YAML the editor shows (comments do not survive a table edit).
 */
export function CasesTable() {
  const { tests } = useStores();
  const text = useSlice(tests, (state) => state.text);
  const suite = useMemo(() => read(text), [text]);
  const cases = suite?.cases ?? [];
  const variables = useMemo(() => [...new Set(cases.flatMap((testCase) => Object.keys(testCase.vars ?? {})))], [cases]);

  if (!suite || !Array.isArray(suite.cases)) {
    return <p className="empty">The YAML has errors; fix them in the YAML view to edit cases as a table.</p>;
  }
  const write = (next: RawCase[]) => tests.getState().setText(stringify({ ...suite, cases: next }, { lineWidth: 0 }));
  const update = (index: number, change: (testCase: RawCase) => RawCase) =>
    write(cases.map((testCase, position) => (position === index ? change(testCase) : testCase)));

  return (
    <div className="cases-table-wrap">
      <table className="cases-table" data-testid="cases-table">
        <thead>
          <tr>
            <th>id</th>
            {variables.map((name) => (
              <th key={name}>{name}</th>
            ))}
            <th>assertions</th>
            <th aria-label="Remove" />
          </tr>
        </thead>
        <tbody>
          {cases.map((testCase, index) => (
            <tr key={index}>
              <td>
                <input
                  value={asText(testCase.id)}
                  onChange={(event) => update(index, (current) => ({ ...current, id: event.target.value }))}
                  aria-label={`Case ${index + 1} id`}
                />
              </td>
              {variables.map((name) => (
                <td key={name}>
                  <input
                    value={asText(testCase.vars?.[name])}
                    onChange={(event) =>
                      update(index, (current) => ({ ...current, vars: { ...(current.vars ?? {}), [name]: event.target.value } }))
                    }
                    aria-label={`Case ${index + 1} variable ${name}`}
                  />
                </td>
              ))}
              <td>
                <AssertionsCell
                  assertions={testCase.assert ?? []}
                  index={index}
                  onChange={(next) => update(index, (current) => ({ ...current, assert: next }))}
                />
                {Array.isArray(testCase.turns) &&
                  testCase.turns.map((turn, at) => (
                    <div key={at} className="turn-cell">
                      <span className="muted" title={asText(turn.user)}>
                        Turn {at + 1}: {asText(turn.user).slice(0, 60)}
                      </span>
                      <AssertionsCell
                        assertions={turn.assert ?? []}
                        index={index}
                        turn={at + 1}
                        onChange={(next) =>
                          update(index, (current) => ({
                            ...current,
                            turns: (current.turns ?? []).map((old, position) =>
                              position === at ? { ...old, assert: next } : old,
                            ),
                          }))
                        }
                      />
                    </div>
                  ))}
                {isRecord(testCase.simulate) &&
                  (['goal_check', 'give_up'] as const).map((key) => {
                    const simulate = testCase.simulate as RawSimulate;
                    return (
                      <div key={key} className="turn-cell">
                        <span className="muted" title={asText(simulate.goal)}>
                          {key === 'goal_check' ? 'Simulated user: the goal is reached when' : 'The agent gave up when'}
                        </span>
                        <AssertionsCell
                          assertions={Array.isArray(simulate[key]) ? simulate[key] : []}
                          index={index}
                          part={key === 'goal_check' ? 'goal check' : 'give-up check'}
                          onChange={(next) =>
                            update(index, (current) => ({
                              ...current,
                              simulate: { ...(current.simulate as RawSimulate), [key]: next.length ? next : undefined },
                            }))
                          }
                        />
                      </div>
                    );
                  })}
              </td>
              <td>
                <button
                  type="button"
                  onClick={() => write(cases.filter((_, position) => position !== index))}
                  aria-label={`Remove case ${index + 1}`}
                >
                  <X size={14} aria-hidden />
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        onClick={() =>
          write([
            ...cases,
            { id: `case-${cases.length + 1}`, vars: Object.fromEntries(variables.map((name) => [name, ''])), assert: [] },
          ])
        }
        data-testid="add-case"
      >
        + Add case
      </button>
    </div>
  );
}
