import { lstatSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { SlipwayError } from '../errors';

/**
 * Where a file named by stored data (a version's file name, a bundle entry) is written under
 * `dir` — refused, before anything is written, when the name would leave the folder (`..`, an
 * absolute path, a drive) or land on a link (which would send the write elsewhere). What the
 * database says is not trusted for this: a version may have come from someone else's bundle.
 */
export function pathsInside(dir: string, names: string[], options: { nested: boolean }): string[] {
  const root = resolve(dir);
  return names.map((name) => {
    const target = resolve(root, name);
    const rel = relative(root, target);
    const leaves = name === '' || isAbsolute(name) || rel === '' || rel.startsWith('..') || isAbsolute(rel);
    if (leaves || (!options.nested && rel.includes(sep)) || name.split(/[\\/]/).includes('..'))
      throw new SlipwayError('invalid_files', `refusing to write "${name.slice(0, 200)}": it would leave ${dir}`);
    let link = false;
    try {
      link = lstatSync(target).isSymbolicLink();
    } catch {
      // Not there yet: nothing to follow.
    }
    if (link)
      throw new SlipwayError(
        'invalid_files',
        `refusing to write ${name}: ${target} is a link, which would send the write elsewhere`,
      );
    return target;
  });
}
