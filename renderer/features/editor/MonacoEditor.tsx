import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useRef } from 'react';
import type { Diagnostic } from '../../../shared/validate-files';
import { usePrefersDark } from '../../app/theme';
import { languageOf, monaco } from './monaco-setup';

interface Props {
  agent: string;
  file: string;
  value: string;
  diagnostics: Diagnostic[];
  onChange: (value: string) => void;
}

type CodeEditor = Parameters<OnMount>[0];

/** One Monaco model per agent file, with the draft's validation shown as markers. */
export default function MonacoEditor({ agent, file, value, diagnostics, onChange }: Props) {
  const dark = usePrefersDark();
  const editor = useRef<CodeEditor | null>(null);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(
      model,
      'slipway',
      diagnostics.map((diagnostic) => {
        const line = Math.min(Math.max(diagnostic.line, 1), model.getLineCount());
        return {
          severity: monaco.MarkerSeverity.Error,
          message: diagnostic.message,
          startLineNumber: line,
          startColumn: Math.max(diagnostic.column, 1),
          endLineNumber: line,
          endColumn: model.getLineMaxColumn(line),
        };
      }),
    );
  }, [diagnostics, file, agent]);

  return (
    <div className="monaco-host" data-testid="monaco-editor" data-file={file}>
      <Editor
        path={`file:///${agent}/${file}`}
        language={languageOf(file)}
        value={value}
        theme={dark ? 'vs-dark' : 'vs'}
        onMount={(mounted) => {
          editor.current = mounted;
          // Monaco can throw while disposing an editor whose lazily made parts were never built
          // ("InstantiationService has been disposed", microsoft/monaco-editor#4612). The editor
          // is gone either way; the throw must not reach React, which would drop the whole tab.
          const dispose = mounted.dispose.bind(mounted);
          mounted.dispose = () => {
            try {
              dispose();
            } catch (error) {
              console.warn('Monaco failed while closing an editor:', error);
            }
          };
        }}
        onChange={(text) => onChange(text ?? '')}
        options={{
          minimap: { enabled: false },
          fontSize: 13,
          wordWrap: file.endsWith('.md') ? 'on' : 'off',
          scrollBeyondLastLine: false,
          automaticLayout: true,
          tabSize: 2,
        }}
      />
    </div>
  );
}
