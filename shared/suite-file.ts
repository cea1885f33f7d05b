import { SlipwayError } from './errors';
import { INPUT_LIMITS } from './limits';
import { Suite } from './suite';
import { checkDocument, formatDiagnostic, type Diagnostic } from './validate-files';

/** A suite's YAML checked as the app's editor and every Node entry point check it: the same limits, the same messages. */
function checkSuite(text: string, file: string, diagnostics: Diagnostic[]): Suite | undefined {
  return checkDocument(file, text, Suite, diagnostics, {
    emptyHint: ': give it a name and cases',
    maxChars: INPUT_LIMITS.suiteChars,
  });
}

/** Every problem of a suite's YAML, each as file:line:column. */
export function suiteDiagnostics(text: string, file = 'suite.yaml'): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  checkSuite(text, file, diagnostics);
  return diagnostics;
}

/** Reads a suite's YAML, or throws listing every problem as file:line:column. */
export function parseSuiteYaml(text: string, file = 'suite.yaml'): Suite {
  const diagnostics: Diagnostic[] = [];
  const suite = checkSuite(text, file, diagnostics);
  if (!suite || diagnostics.length > 0) throw new SlipwayError('invalid_files', diagnostics.map(formatDiagnostic).join('\n'));
  return suite;
}
