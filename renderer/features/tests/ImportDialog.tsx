import { useState } from 'react';
import type { ImportPreview } from '../../../shared/contract/testing';
import { useSlice, useStores } from '../../app/context';
import { Dialog, DialogActions } from '../../app/Dialog';

const MAX_BYTES = 50_000_000;
const SUITE_NAME = /^[a-z][a-z0-9-]*$/;
const CONFIG = /\.(ya?ml|json)$/i;

/** A picked file's path inside the folder that was picked (its first segment is the folder), or its name. */
function pathInFolder(file: File): string {
  const relative = file.webkitRelativePath;
  return relative ? relative.split('/').slice(1).join('/') : file.name;
}

/** The files a promptfoo config names, read from a picked folder or from picked files. */
async function readBeside(list: FileList | null): Promise<{ files: Record<string, string> } | { problem: string }> {
  const files: Record<string, string> = {};
  let bytes = 0;
  for (const file of Array.from(list ?? [])) {
    if (!/\.(ya?ml|json|jsonl|csv|txt|md|js|cjs|mjs|ts|py|xml|html)$/i.test(file.name)) continue;
    bytes += file.size;
    if (bytes > MAX_BYTES) return { problem: 'the files beside the config are over 50 MB together' };
    files[pathInFolder(file)] = await file.text();
  }
  return { files };
}

/** Import a promptfoo config, JSONL or CSV: a preview and the report first; saved only on confirm. */
export function ImportDialog({ onClose }: { onClose: () => void }) {
  const { tests } = useStores();
  const suites = useSlice(tests, (state) => state.suites);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [file, setFile] = useState<{ name: string; content: string } | null>(null);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [beside, setBeside] = useState<Record<string, string>>({});
  /** A promptfoo config names files not given yet: the dialog asks for its folder. */
  const [asksForFiles, setAsksForFiles] = useState(false);

  const previewOf = async (picked: { name: string; content: string }, files: Record<string, string>) => {
    setBusy(true);
    setProblem(null);
    const made = await tests.getState().preview(picked.name, picked.content, undefined, files);
    setBusy(false);
    if (made) {
      setPreview(made);
      setName(made.name);
      setAsksForFiles(false);
    } else {
      setPreview(null);
      setAsksForFiles(CONFIG.test(picked.name));
      setProblem(
        CONFIG.test(picked.name)
          ? `${picked.name} could not be imported: see the message above. If it names other files (file://…), add its folder or those files below.`
          : `${picked.name} could not be imported: see the message above`,
      );
    }
  };

  const pick = async (file: File | undefined) => {
    setPreview(null);
    setProblem(null);
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setProblem(`${file.name} is over 50 MB`);
      return;
    }
    const picked = { name: file.name, content: await file.text() };
    setFile(picked);
    await previewOf(picked, beside);
  };

  const pickBeside = async (list: FileList | null) => {
    const read = await readBeside(list);
    if ('problem' in read) {
      setProblem(read.problem);
      return;
    }
    const files = { ...beside, ...read.files };
    setBeside(files);
    if (file) await previewOf(file, files);
  };

  const nameValid = SUITE_NAME.test(name);
  const existing = suites.find((suite) => suite.name === name);
  const confirm = async () => {
    if (!preview || !file) return;
    setBusy(true);
    const named = name === preview.name ? preview : await tests.getState().preview(file.name, file.content, name, beside);
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
        {(asksForFiles || Object.keys(beside).length > 0 || (file && CONFIG.test(file.name))) && (
          <fieldset className="import-beside" data-testid="import-beside">
            <legend>Files the config names (file://…)</legend>
            <label>
              Its folder
              <input
                type="file"
                // Picks a folder in Chromium and Electron.
                webkitdirectory=""
                onChange={(event) => void pickBeside(event.target.files)}
                data-testid="import-folder"
              />
            </label>
            <label>
              Or the files
              <input type="file" multiple onChange={(event) => void pickBeside(event.target.files)} data-testid="import-files" />
            </label>
            {Object.keys(beside).length > 0 && (
              <p className="muted" data-testid="import-beside-count">
                {Object.keys(beside).length} {Object.keys(beside).length === 1 ? 'file' : 'files'} given: only those the config
                names are read
              </p>
            )}
          </fieldset>
        )}
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
                <p>
                  Not supported: kept as <code>unsupported</code> assertions, so their cases error (never pass) until you replace
                  them:
                </p>
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
