import { DiffEditor as MonacoDiffEditor, type DiffOnMount } from '@monaco-editor/react';
import { useLayoutEffect, useRef } from 'react';
import { usePrefersDark } from '../../app/theme';
import { languageOf } from '../editor/monaco-setup';

interface Props {
  file: string;
  before: string;
  after: string;
  labels: [string, string];
}

type Widget = Parameters<DiffOnMount>[0];

/**
 * Monaco's side-by-side diff of one file, read-only. @monaco-editor/react disposes a diff's models
 * before its widget, which Monaco reports as an error; so this component keeps the models, and on
 * unmount detaches them from the widget first and disposes them itself.
 */
export default function DiffEditor({ file, before, after, labels }: Props) {
  const dark = usePrefersDark();
  const widget = useRef<Widget | null>(null);

  useLayoutEffect(
    () => () => {
      const mounted = widget.current;
      const models = mounted?.getModel();
      mounted?.setModel(null);
      models?.original.dispose();
      models?.modified.dispose();
    },
    [],
  );

  return (
    <div className="monaco-host" data-testid="diff-editor">
      <MonacoDiffEditor
        original={before}
        modified={after}
        language={languageOf(file)}
        originalModelPath={`diff:///${labels[0]}/${file}`}
        modifiedModelPath={`diff:///${labels[1]}/${file}`}
        keepCurrentOriginalModel
        keepCurrentModifiedModel
        theme={dark ? 'vs-dark' : 'vs'}
        onMount={(mounted) => {
          widget.current = mounted;
        }}
        options={{
          readOnly: true,
          renderSideBySide: true,
          minimap: { enabled: false },
          automaticLayout: true,
          scrollBeyondLastLine: false,
        }}
      />
    </div>
  );
}
