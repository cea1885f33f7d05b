import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './paths';

/**
 * better-sqlite3 built for Electron's ABI lives apart from the Node build in node_modules, so
 * `npm test` (Node) and `npm start` (Electron) never fight over one binary.
 */
export function electronSqliteDir(root: string = packageRoot()): string {
  return join(root, 'native', 'electron');
}

export function electronSqliteBinding(root: string = packageRoot()): string | null {
  const file = join(electronSqliteDir(root), 'better_sqlite3.node');
  return existsSync(file) ? file : null;
}
