import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PRODUCT_NAME = 'Slipway';

/** The folder holding Slipway's package.json, found from this file in source and in the build. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'slipway') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the slipway package root');
    dir = parent;
  }
}

export function resourcesDir(): string {
  return join(packageRoot(), 'resources');
}

export function migrationsDir(): string {
  return join(packageRoot(), 'electron', 'core', 'migrations');
}

/**
 * Electron's userData folder for the app, computed without Electron so the app, the CLI and
 * `slipway serve` agree on it.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}

export function defaultWorkspaceDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return join(userDataDir(env, platform), 'workspace');
}
