import { DiffEditor as MonacoDiffEditor } from '@monaco-editor/react';
import { usePrefersDark } from '../../app/theme';
import { languageOf } from '../editor/monaco-setup';

interface Props {
  file: string;
  before: string;
  after: string;
  labels: [string, string];
}

/** Monaco's side-by-side diff of one file, read-only. */
export default function DiffEditor({ file, before, after, labels }: Props) {
  const dark = usePrefersDark();
  return (
    <div className="monaco-host" data-testid="diff-editor">
      <MonacoDiffEditor
        original={before}
        modified={after}
        language={languageOf(file)}
        originalModelPath={`diff:///${labels[0]}/${file}`}
        modifiedModelPath={`diff:///${labels[1]}/${file}`}
        theme={dark ? 'vs-dark' : 'vs'}
        options={{ readOnly: true, renderSideBySide: true, minimap: { enabled: false }, automaticLayout: true, scrollBeyondLastLine: false }}
      />
    </div>
  );
}
