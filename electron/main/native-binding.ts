import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { packageRoot } from '../../workspace/paths';

/**
 * better-sqlite3 built for Electron's ABI lives apart from the Node build in node_modules, so
 * `npm test` (Node) and `npm start` (Electron) never fight over one binary.
 */
export function electronSqliteDir(root: string = packageRoot()): string {
  return join(root, 'native', 'electron');
}

/**
 * In a packaged app the package root is inside app.asar, and a native module cannot be loaded
 * from an archive: electron-builder unpacks it beside it (asarUnpack), into app.asar.unpacked.
 */
export function unpackedFromAsar(path: string, separator: string = sep): string {
  return path.replace(`${separator}app.asar${separator}`, `${separator}app.asar.unpacked${separator}`);
}

export function electronSqliteBinding(root: string = packageRoot()): string | null {
  const file = unpackedFromAsar(join(electronSqliteDir(root), 'better_sqlite3.node'));
  return existsSync(file) ? file : null;
}
