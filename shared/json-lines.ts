import { SlipwayError } from './errors';

/** The JSON values of a JSONL text with their line numbers; blank lines skipped, the first bad line named. */
export function jsonLines(text: string): Array<{ value: unknown; line: number }> {
  return text.split(/\r?\n/).flatMap((raw, index) => {
    if (raw.trim() === '') return [];
    try {
      return [{ value: JSON.parse(raw) as unknown, line: index + 1 }];
    } catch (error) {
      throw new SlipwayError('invalid_files', `line ${index + 1}: not JSON (${(error as Error).message})`);
    }
  });
}
