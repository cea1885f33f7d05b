import { useState } from 'react';
import type { ColumnRole } from '../../../shared/dataset';
import type { DatasetPreview } from '../../../shared/contract/comparing';
import { DatasetName } from '../../../shared/dataset';
import { SlipwayError } from '../../../shared/errors';
import { nameProblem } from '../../../shared/names';
import { errorMessage } from '../agents/store';
import { useSlice, useStores } from '../../app/context';
import { Dialog, DialogActions } from '../../app/Dialog';

const MAX_BYTES = 50_000_000;

type RoleChoice = 'id' | 'var' | 'ignore';

/** A dataset from a JSONL or CSV file (a preview, and each CSV column given a role), or from a suite's cases. */
export function DatasetDialog({ onClose }: { onClose: () => void }) {
  const { compare, client, ui } = useStores();
  const agent = useSlice(compare, (state) => state.agent);
  const suites = useSlice(compare, (state) => state.suites);
  const [file, setFile] = useState<{ name: string; content: string } | null>(null);
  const [preview, setPreview] = useState<DatasetPreview | null>(null);
  const [mapping, setMapping] = useState<Record<string, ColumnRole>>({});
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [fromSuite, setFromSuite] = useState('');
  const datasets = useSlice(compare, (state) => state.datasets);
  const [refused, setRefused] = useState<{ name: string; message: string } | null>(null);
  const nameError = name === '' ? null : (nameProblem(DatasetName, name) ?? (refused?.name === name ? refused.message : null));
  const existing = name !== '' && nameError === null && datasets.some((dataset) => dataset.name === name);

  const refresh = async (next: { name: string; content: string }, roles: Record<string, ColumnRole>, wanted?: string) => {
    setBusy(true);
    try {
      const made = await client.datasets.preview({
        fileName: next.name,
        content: next.content,
        ...(Object.keys(roles).length ? { mapping: roles } : {}),
        ...(wanted ? { name: wanted } : {}),
      });
      setPreview(made);
      setName(made.name);
      setProblem(null);
    } catch (error) {
      setPreview(null);
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const pick = async (picked: File | undefined) => {
    if (!picked) return;
    if (picked.size > MAX_BYTES) {
      setProblem(`${picked.name} is over 50 MB`);
      return;
    }
    const next = { name: picked.name, content: await picked.text() };
    setFile(next);
    setMapping({});
    await refresh(next, {});
  };

  const setRole = (column: string, choice: RoleChoice, variable: string) => {
    const role: ColumnRole =
      choice === 'id' ? { kind: 'id' } : choice === 'ignore' ? { kind: 'ignore' } : { kind: 'var', name: variable || column };
    const next = { ...mapping, [column]: role };
    setMapping(next);
    if (file) void refresh(file, next, name);
  };

  const save = async () => {
    if (!agent) return;
    setBusy(true);
    try {
      if (fromSuite) await client.datasets.fromSuite({ agent, suite: fromSuite, ...(name ? { name } : {}) });
      else if (file)
        await client.datasets.import({
          agent,
          fileName: file.name,
          content: file.content,
          ...(Object.keys(mapping).length ? { mapping } : {}),
          ...(name ? { name } : {}),
          message: `imported from ${file.name}`,
        });
      await compare.getState().refresh();
      onClose();
    } catch (error) {
      if (error instanceof SlipwayError && error.field?.path === 'name') setRefused({ name, message: error.field.message });
      else ui.getState().notify(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="New dataset" onClose={onClose} testId="dataset-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy && (preview || fromSuite)) void save();
        }}
      >
        <label>
          From a JSONL or CSV file
          <input
            type="file"
            accept=".jsonl,.csv"
            onChange={(event) => void pick(event.target.files?.[0])}
            disabled={fromSuite !== ''}
            data-testid="dataset-file"
          />
        </label>
        <label>
          …or from the cases of a suite
          <select value={fromSuite} onChange={(event) => setFromSuite(event.target.value)} data-testid="dataset-from-suite">
            <option value="">(a file)</option>
            {suites.map((suite) => (
              <option key={suite.name} value={suite.name}>
                {suite.name} ({suite.cases} cases)
              </option>
            ))}
          </select>
        </label>
        <label>
          Name
          <input
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder={fromSuite || 'from the file name'}
            aria-invalid={nameError !== null}
            data-testid="dataset-name"
          />
        </label>
        {nameError && (
          <p className="field-error" data-testid="dataset-name-problem">
            {nameError}
          </p>
        )}
        {existing && (
          <p className="muted" data-testid="dataset-name-exists">
            A dataset named {name} exists: saving makes its next revision.
          </p>
        )}
        {problem && (
          <p className="field-error" data-testid="dataset-problem">
            {problem}
          </p>
        )}
        {preview && !fromSuite && (
          <div className="import-preview" data-testid="dataset-preview">
            <p>
              <strong>{preview.items}</strong> items from {preview.format}
            </p>
            {preview.columns.length > 0 && (
              <table className="cases-table">
                <thead>
                  <tr>
                    <th>column</th>
                    <th>becomes</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.columns.map(({ column, role }) => (
                    <tr key={column}>
                      <td>{column}</td>
                      <td>
                        <select
                          value={role.kind}
                          onChange={(event) =>
                            setRole(column, event.target.value as RoleChoice, role.kind === 'var' ? role.name : column)
                          }
                          aria-label={`Role of ${column}`}
                        >
                          <option value="id">the item id</option>
                          <option value="var">a variable</option>
                          <option value="ignore">nothing</option>
                        </select>
                        {role.kind === 'var' && (
                          <input
                            value={role.name}
                            onChange={(event) => setRole(column, 'var', event.target.value)}
                            aria-label={`Variable name of ${column}`}
                          />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <pre className="yaml-preview">{preview.sample.map((item) => JSON.stringify(item)).join('\n')}</pre>
          </div>
        )}
        <DialogActions
          onCancel={onClose}
          disabled={busy || (!preview && !fromSuite) || nameError !== null}
          submitTestId="dataset-save"
          submitLabel="Save dataset"
        />
      </form>
    </Dialog>
  );
}
