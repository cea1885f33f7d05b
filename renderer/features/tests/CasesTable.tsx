import { useMemo } from 'react';
import { parse, stringify } from 'yaml';
import { useSlice, useStores } from '../../app/context';

type RawCase = { id?: unknown; vars?: Record<string, unknown>; assert?: Array<{ type?: unknown }> } & Record<string, unknown>;
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

/**
 * The suite's cases as a table: ids and variables edited in place, cases added and removed. Each
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
  const update = (index: number, change: (testCase: RawCase) => RawCase) => write(cases.map((testCase, position) => (position === index ? change(testCase) : testCase)));

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
                <input value={asText(testCase.id)} onChange={(event) => update(index, (current) => ({ ...current, id: event.target.value }))} aria-label={`Case ${index + 1} id`} />
              </td>
              {variables.map((name) => (
                <td key={name}>
                  <input
                    value={asText(testCase.vars?.[name])}
                    onChange={(event) => update(index, (current) => ({ ...current, vars: { ...(current.vars ?? {}), [name]: event.target.value } }))}
                    aria-label={`Case ${index + 1} variable ${name}`}
                  />
                </td>
              ))}
              <td className="muted">{(testCase.assert ?? []).map((assertion) => asText(assertion.type)).join(', ') || 'none'}</td>
              <td>
                <button type="button" onClick={() => write(cases.filter((_, position) => position !== index))} aria-label={`Remove case ${index + 1}`}>
                  ✕
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => write([...cases, { id: `case-${cases.length + 1}`, vars: Object.fromEntries(variables.map((name) => [name, ''])), assert: [] }])} data-testid="add-case">
        + Add case
      </button>
    </div>
  );
}
