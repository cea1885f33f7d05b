import { SlipwayError } from './errors';
import { Suite } from './suite';
import { checkDocument, formatDiagnostic, type Diagnostic } from './validate-files';

/** Reads a suite's YAML, or throws listing every problem as file:line:column. */
export function parseSuiteYaml(text: string, file = 'suite.yaml'): Suite {
  const diagnostics: Diagnostic[] = [];
  const suite = checkDocument(file, text, Suite, diagnostics);
  if (!suite || diagnostics.length > 0) throw new SlipwayError('invalid_files', diagnostics.map(formatDiagnostic).join('\n'));
  return suite;
}
