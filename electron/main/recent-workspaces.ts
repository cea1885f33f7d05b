import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { readJsonOr, writeJsonAtomic } from '../../shared/node/json-file';

/** File ▸ Open Recent: the workspaces opened last, newest first. */

export const MAX_RECENT = 10;

/** The list with dir first, once, at most MAX_RECENT long. */
export function withRecent(list: readonly string[], dir: string): string[] {
  const full = resolve(dir);
  return [full, ...list.filter((item) => resolve(item) !== full)].slice(0, MAX_RECENT);
}

/** The saved list, without folders that are gone. */
export function readRecent(file: string): string[] {
  return readJsonOr(file, z.array(z.string()), []).filter((dir) => existsSync(dir) && statSync(dir).isDirectory());
}

export function rememberWorkspace(file: string, dir: string): string[] {
  const list = withRecent(readRecent(file), dir);
  writeJsonAtomic(file, list);
  return list;
}

export function forgetRecent(file: string): void {
  writeJsonAtomic(file, []);
}
