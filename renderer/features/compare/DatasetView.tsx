import { useEffect, useState } from 'react';
import type { DatasetDetail } from '../../../shared/contract/comparing';
import { useSlice, useStores } from '../../app/context';
import { useLoaded } from '../../app/use-loaded';
import { errorMessage } from '../agents/store';

const loadMonacoEditor = () => import('../editor/MonacoEditor');
const SHOWN = 500;

function toJsonl(dataset: DatasetDetail): string {
  return `${dataset.list.map((item) => JSON.stringify(item)).join('\n')}\n`;
}

/** One dataset: its items as a table, or as JSONL to edit and save as the next revision. */
export function DatasetView({ name, onClose }: { name: string; onClose: () => void }) {
  const { compare, client, ui } = useStores();
  const agent = useSlice(compare, (state) => state.agent);
  const [dataset, setDataset] = useState<DatasetDetail | null>(null);
  const [text, setText] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const MonacoEditor = useLoaded(loadMonacoEditor);

  useEffect(() => {
    if (!agent) return;
    let current = true;
    client.datasets
      .get({ agent, name })
      .then((loaded) => current && setDataset(loaded))
      .catch((error: unknown) => current && ui.getState().notify(errorMessage(error)));
    return () => {
      current = false;
    };
  }, [agent, client, name, ui]);

  if (!dataset || !agent) return <p className="empty">Loading {name}…</p>;
  const variables = [...new Set(dataset.list.slice(0, SHOWN).flatMap((item) => Object.keys(item.vars ?? {})))];
  const save = async () => {
    if (text === null) return;
    try {
      const saved = await client.datasets.save({ agent, name, jsonl: text, message });
      setDataset(saved);
      setText(null);
      setMessage('');
      setProblem(null);
      await compare.getState().refresh();
    } catch (error) {
      setProblem(errorMessage(error));
    }
  };

  return (
    <div className="dataset-view" data-testid="dataset-view">
      <header className="run-header">
        <button type="button" onClick={onClose}>
          ← comparisons
        </button>
        <h3>
          {dataset.name} · revision {dataset.revision} · {dataset.items} items
        </h3>
        {text === null ? (
          <button type="button" onClick={() => setText(toJsonl(dataset))} data-testid="dataset-edit">
            Edit
          </button>
        ) : (
          <form
            className="save-suite"
            onSubmit={(event) => {
              event.preventDefault();
              if (message.trim()) void save();
            }}
          >
            <input
              value={message}
              onChange={(event) => setMessage(event.target.value)}
              placeholder="Why this revision?"
              aria-label="Why this revision"
              data-testid="dataset-message"
            />
            <button type="submit" disabled={!message.trim()} data-testid="dataset-save-edit">
              Save
            </button>
            <button type="button" onClick={() => setText(null)}>
              Discard
            </button>
          </form>
        )}
      </header>
      {problem && (
        <p className="field-error" data-testid="dataset-edit-problem">
          {problem}
        </p>
      )}
      {text !== null ? (
        MonacoEditor ? (
          <div className="suite-editor">
            <MonacoEditor agent={agent} file={`datasets/${name}.jsonl`} value={text} diagnostics={[]} onChange={setText} />
          </div>
        ) : (
          <p className="empty">Loading the editor…</p>
        )
      ) : (
        <div className="cases-table-wrap">
          <table className="cases-table" data-testid="dataset-items">
            <thead>
              <tr>
                <th>id</th>
                {variables.map((variable) => (
                  <th key={variable}>{variable}</th>
                ))}
                <th>tools</th>
              </tr>
            </thead>
            <tbody>
              {dataset.list.slice(0, SHOWN).map((item) => (
                <tr key={item.id}>
                  <td>{item.id}</td>
                  {item.messages ? (
                    <td colSpan={variables.length}>
                      {item.messages.map((message) => `${message.role}: ${message.content}`).join(' · ')}
                    </td>
                  ) : (
                    variables.map((variable) => (
                      <td key={variable}>
                        {typeof item.vars?.[variable] === 'string'
                          ? (item.vars[variable] as string)
                          : JSON.stringify(item.vars?.[variable] ?? '')}
                      </td>
                    ))
                  )}
                  <td className="muted">{item.tools.map((tool) => tool.name).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {dataset.items > SHOWN && (
            <p className="muted">
              The first {SHOWN} of {dataset.items} items; Edit shows them all.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
