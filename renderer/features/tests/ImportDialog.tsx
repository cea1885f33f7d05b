import { useState } from 'react';
import type { ImportPreview } from '../../../shared/contract/testing';
import { useSlice, useStores } from '../../app/context';
import { Dialog, DialogActions } from '../../app/Dialog';

const MAX_BYTES = 50_000_000;
const SUITE_NAME = /^[a-z][a-z0-9-]*$/;

/** Import a promptfoo config, JSONL or CSV: a preview and the report first; saved only on confirm. */
export function ImportDialog({ onClose }: { onClose: () => void }) {
  const { tests } = useStores();
  const suites = useSlice(tests, (state) => state.suites);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [file, setFile] = useState<{ name: string; content: string } | null>(null);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const pick = async (file: File | undefined) => {
    setPreview(null);
    setProblem(null);
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setProblem(`${file.name} is over 50 MB`);
      return;
    }
    const content = await file.text();
    setFile({ name: file.name, content });
    setBusy(true);
    const made = await tests.getState().preview(file.name, content);
    setBusy(false);
    if (made) {
      setPreview(made);
      setName(made.name);
    } else setProblem(`${file.name} could not be imported: see the message above`);
  };

  const nameValid = SUITE_NAME.test(name);
  const existing = suites.find((suite) => suite.name === name);
  const confirm = async () => {
    if (!preview || !file) return;
    setBusy(true);
    const named = name === preview.name ? preview : await tests.getState().preview(file.name, file.content, name);
    if (named) {
      tests.getState().newSuite(named.yaml);
      if (await tests.getState().save(`imported from ${file.name}`)) onClose();
    }
    setBusy(false);
  };

  return (
    <Dialog title="Import a suite" onClose={onClose} testId="import-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (preview && nameValid && !busy) void confirm();
        }}
      >
        <label>
          A promptfoo config (YAML/JSON), JSONL or CSV
          <input
            type="file"
            accept=".yaml,.yml,.json,.jsonl,.csv"
            onChange={(event) => void pick(event.target.files?.[0])}
            data-testid="import-file"
          />
        </label>
        {problem && <p className="field-error">{problem}</p>}
        {preview && (
          <div className="import-preview" data-testid="import-preview">
            <p>
              <strong>{preview.report.cases}</strong> cases from {preview.report.format}
            </p>
            <label>
              Suite name
              <input value={name} onChange={(event) => setName(event.target.value)} data-testid="import-name" />
            </label>
            {!nameValid && (
              <p className="field-error">A suite name is lower-case letters, digits and dashes, starting with a letter.</p>
            )}
            {existing && (
              <p className="notice">
                Saved as revision {existing.revision + 1} of the existing suite {existing.name}.
              </p>
            )}
            {preview.report.unsupported.length > 0 && (
              <div className="problems" data-testid="import-unsupported">
                <p>Not imported (Slipway does not support these):</p>
                <ul>
                  {preview.report.unsupported.map((item) => (
                    <li key={item}>{item}</li>
                  ))}
                </ul>
              </div>
            )}
            {preview.report.notes.length > 0 && (
              <ul className="muted">
                {preview.report.notes.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            )}
            <pre className="yaml-preview">{preview.yaml.split('\n').slice(0, 30).join('\n')}</pre>
          </div>
        )}
        <DialogActions
          onCancel={onClose}
          disabled={!preview || !nameValid || busy}
          submitTestId="import-confirm"
          submitLabel={preview ? `Import ${preview.report.cases} cases` : 'Import'}
        />
      </form>
    </Dialog>
  );
}
