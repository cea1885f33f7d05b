import { lstatSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { INPUT_LIMITS } from '../shared/limits';
import { readTextFile } from '../shared/node/read-text';

/** What a promptfoo config may name beside it: tests, defaults, variables and scripts. */
const TEXT_FILES = /\.(ya?ml|json|jsonl|csv|txt|md|js|cjs|mjs|ts|py|xml|html)$/i;
const SKIPPED = new Set(['node_modules', '.git', '.promptfoo', '__pycache__']);
const MOST_DEEP = 6;

/**
 * The text files beside a config (its folder and below, links not followed, hidden and package
 * folders skipped), by path relative to it: what the import's `file://` references may read. At
 * most importFiles files and importFilesChars characters are read; the importer names a file it
 * was not given.
 */
export function filesBeside(configPath: string): Record<string, string> {
  const root = dirname(configPath);
  const files: Record<string, string> = {};
  let count = 0;
  let chars = 0;
  const walk = (folder: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(folder).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (count >= INPUT_LIMITS.importFiles || name.startsWith('.') || SKIPPED.has(name)) continue;
      const path = join(folder, name);
      const stat = lstatSync(path, { throwIfNoEntry: false });
      if (!stat || stat.isSymbolicLink()) continue;
      if (stat.isDirectory()) {
        if (depth < MOST_DEEP) walk(path, depth + 1);
        continue;
      }
      if (!stat.isFile() || path === configPath || !TEXT_FILES.test(name)) continue;
      if (chars + stat.size > INPUT_LIMITS.importFilesChars) continue;
      try {
        const text = readTextFile(path, INPUT_LIMITS.suiteChars);
        files[relative(root, path).split(sep).join('/')] = text;
        count += 1;
        chars += text.length;
      } catch {
        // A file that is not UTF-8 text (or cannot be read) is one no reference can use.
      }
    }
  };
  walk(root, 0);
  return files;
}
