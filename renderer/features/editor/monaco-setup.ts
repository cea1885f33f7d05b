// Monaco from the npm package, never a CDN: only the editor, the features, the languages we
// use, and their workers bundled by Vite.
import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/yaml/register';
import 'monaco-editor/languages/definitions/markdown/register';
import { jsonDefaults } from 'monaco-editor/languages/features/json/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';
import toolsSchema from '../../../resources/schemas/tools.json.schema.json';

self.MonacoEnvironment = {
  getWorker: (_workerId: string, label: string) => (label === 'json' ? new JsonWorker() : new EditorWorker()),
};

// The JSON service gives completion and hovers from the schema; the messages come from the same
// validation a snapshot runs (shared/validate-files), set as markers, so the two never disagree.
jsonDefaults.setDiagnosticsOptions({
  validate: false,
  enableSchemaRequest: false,
  schemas: [{ uri: 'https://slipway.dev/schemas/tools.json.schema.json', fileMatch: ['*tools.json'], schema: toolsSchema }],
});

loader.config({ monaco });

export { monaco };

export function languageOf(file: string): string {
  if (file.endsWith('.yaml')) return 'yaml';
  if (file.endsWith('.json')) return 'json';
  return 'markdown';
}

/**
 * The first Monaco editor of a page pays for starting its services and its diff worker (most
 * of a second here). Doing that once, off screen, while the user reads the first screen makes
 * the first real editor or diff open at once. Marks <html data-monaco="warm"> when done.
 */
export async function warmUp(): Promise<void> {
  const host = document.createElement('div');
  host.style.cssText = 'position:fixed;left:-10000px;top:0;width:400px;height:200px;visibility:hidden';
  document.body.appendChild(host);
  const original = monaco.editor.createModel('warm\nup\n', 'markdown');
  const modified = monaco.editor.createModel('warm\nup!\n', 'markdown');
  const diff = monaco.editor.createDiffEditor(host, { readOnly: true, automaticLayout: false });
  try {
    await new Promise<void>((resolve) => {
      const done = diff.onDidUpdateDiff(() => {
        done.dispose();
        resolve();
      });
      diff.setModel({ original, modified });
    });
  } finally {
    // The warm editor stays (hidden, without models): disposing it leaves Monaco's shared lazy
    // parts bound to its disposed services, and the next editor to close throws
    // "InstantiationService has been disposed" (microsoft/monaco-editor#4612).
    diff.setModel(null);
    original.dispose();
    modified.dispose();
    document.documentElement.dataset.monaco = 'warm';
  }
}
