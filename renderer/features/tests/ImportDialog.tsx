import { useState } from 'react';
import type { ImportPreview } from '../../../shared/contract/testing-entities';
import { useStores } from '../../app/context';
import { Dialog, DialogActions } from '../../app/Dialog';

const MAX_BYTES = 50_000_000;

/** Import a promptfoo config, JSONL or CSV: a preview and the report first; saved only on confirm. */
export function ImportDialog({ onClose }: { onClose: () => void }) {
  const { tests } = useStores();
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [fileName, setFileName] = useState('');
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
    setFileName(file.name);
    setBusy(true);
    const made = await tests.getState().preview(file.name, await file.text());
    setBusy(false);
    if (made) setPreview(made);
    else setProblem(`${file.name} could not be imported: see the message above`);
  };

  const confirm = async () => {
    if (!preview) return;
    tests.getState().newSuite(preview.yaml);
    setBusy(true);
    const saved = await tests.getState().save(`imported from ${fileName}`);
    setBusy(false);
    if (saved) onClose();
  };

  return (
    <Dialog title="Import a suite" onClose={onClose} testId="import-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (preview && !busy) void confirm();
        }}
      >
        <label>
          A promptfoo config (YAML/JSON), JSONL or CSV
          <input type="file" accept=".yaml,.yml,.json,.jsonl,.csv" onChange={(event) => void pick(event.target.files?.[0])} data-testid="import-file" />
        </label>
        {problem && <p className="field-error">{problem}</p>}
        {preview && (
          <div className="import-preview" data-testid="import-preview">
            <p>
              <strong>{preview.report.cases}</strong> cases from {preview.report.format}, as suite <code>{preview.name}</code>
            </p>
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
        <DialogActions onCancel={onClose} disabled={!preview || busy} submitTestId="import-confirm" submitLabel={preview ? `Import ${preview.report.cases} cases` : 'Import'} />
      </form>
    </Dialog>
  );
}
