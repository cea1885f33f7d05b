import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { RunAllow } from '../shared/contract/bundles';
import { readTextFile } from '../shared/node/read-text';

/** A commander parser for a numeric option, refusing anything outside [min, max] with the option's name. */
export function number(label: string, min: number, max: number, integer: boolean) {
  return (text: string) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value)))
      throw new InvalidArgumentError(`${label} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
    return value;
  };
}

/** A file the user named, read as UTF-8 text under its limit (INPUT_LIMITS), or a refusal that names it. */
export function readText(cwd: string, file: string, maxChars: number): string {
  const path = resolve(cwd, file);
  return readTextFile(path, maxChars, path);
}

/** The flags that let one run of a version or suite from an untrusted bundle do what its origin was not trusted with. */
export function allowOptions(command: Command): Command {
  return command
    .option('--allow-command', 'let a version from an untrusted bundle run its program (the command provider)')
    .option('--allow-keys', 'let a version or suite from an untrusted bundle send the keys it names')
    .option('--allow-hosts', 'let a version or suite from an untrusted bundle call hosts no version of yours calls');
}

export function allowFrom(flags: { allowCommand?: boolean; allowKeys?: boolean; allowHosts?: boolean }): RunAllow {
  return { command: flags.allowCommand ?? false, keys: flags.allowKeys ?? false, hosts: flags.allowHosts ?? false };
}

/** A value given many times (`--pin a --pin b`), collected. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];
