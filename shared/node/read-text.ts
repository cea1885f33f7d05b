import { readFileSync, statSync } from 'node:fs';
import { formatCount } from '../limits';
import { SlipwayError } from '../errors';
import { sizeProblem } from '../bounded-parse';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A file read as UTF-8 text under a size limit: one too large is refused from its size before
 * it is read (a character is at most four bytes), and invalid UTF-8 is refused, never replaced.
 */
export function readTextFile(path: string, maxChars: number, what: string = path): string {
  let bytes: number;
  try {
    bytes = statSync(path).size;
  } catch {
    throw new SlipwayError('invalid_input', `cannot read ${what}`);
  }
  if (bytes > 4 * maxChars)
    throw new SlipwayError(
      'invalid_input',
      `${what} is ${formatCount(bytes)} bytes; the limit is ${formatCount(maxChars)} characters`,
    );
  let text: string;
  try {
    text = utf8.decode(readFileSync(path));
  } catch (error) {
    throw new SlipwayError(
      (error as NodeJS.ErrnoException).code ? 'invalid_input' : 'invalid_files',
      (error as NodeJS.ErrnoException).code ? `cannot read ${what}` : `${what} is not UTF-8 text`,
    );
  }
  const tooLarge = sizeProblem(text, maxChars, what);
  if (tooLarge) throw new SlipwayError('invalid_input', tooLarge);
  return text;
}
