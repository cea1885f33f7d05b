import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../shared/node/package-root';

export { packageRoot };

const PRODUCT_NAME = 'Slipway';
/** The database file that makes a folder a workspace. */
export const DATABASE_FILE = 'slipway.db';

/** Whether a folder holds a workspace (without opening it, or loading SQLite). */
export function isWorkspace(dir: string): boolean {
  return existsSync(join(dir, DATABASE_FILE));
}

export function resourcesDir(): string {
  return join(packageRoot(), 'resources');
}

export function migrationsDir(): string {
  return join(packageRoot(), 'workspace', 'migrations');
}

/**
 * Electron's userData folder for the app, computed without Electron so the app, the CLI and
 * `slipway serve` agree on it.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  // The given environment's HOME wins over the process's, so a sandbox (tests, CI) never writes to the user's own folder.
  const home = env.HOME ?? homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), PRODUCT_NAME);
}

export function defaultWorkspaceDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return join(userDataDir(env, platform), 'workspace');
}
