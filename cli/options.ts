import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { SlipwayError } from '../shared/errors';

/** A commander parser for a numeric option, refusing anything outside [min, max] with the option's name. */
export function number(label: string, min: number, max: number, integer: boolean) {
  return (text: string) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value)))
      throw new InvalidArgumentError(`${label} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
    return value;
  };
}

/** A file the user named, read as text, or a refusal that names it. */
export function readText(cwd: string, file: string): string {
  const path = resolve(cwd, file);
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new SlipwayError('invalid_input', `cannot read ${path}`);
  }
}

/** A value given many times (`--pin a --pin b`), collected. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];
