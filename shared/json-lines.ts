import { shapeProblem } from './bounded-parse';
import { SlipwayError } from './errors';
import { clip } from './issues';

/** The JSON values of a JSONL text with their line numbers; blank lines skipped, the first bad line named. */
export function jsonLines(text: string): Array<{ value: unknown; line: number }> {
  return text.split(/\r?\n/).flatMap((raw, index) => {
    if (raw.trim() === '') return [];
    let value: unknown;
    try {
      value = JSON.parse(raw) as unknown;
    } catch (error) {
      throw new SlipwayError('invalid_files', `line ${index + 1}: not JSON (${clip((error as Error).message)})`);
    }
    const shape = shapeProblem(value, `line ${index + 1}`);
    if (shape) throw new SlipwayError('invalid_files', shape);
    return [{ value, line: index + 1 }];
  });
}
