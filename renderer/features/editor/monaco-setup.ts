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
