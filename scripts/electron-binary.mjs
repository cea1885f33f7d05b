import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * The path of the Electron executable, fetching it first if needed (electron 42+ has no
 * postinstall), or null when it cannot be had. The fetch runs with its output captured so a
 * machine without internet gets one line from us instead of a stack trace.
 */
export function electronExecutable() {
  const packageDir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(packageDir, 'path.txt');
  const installed = () => existsSync(pathFile) && existsSync(join(packageDir, 'dist', readFileSync(pathFile, 'utf8')));
  if (!installed()) {
    const fetch = spawnSync(process.execPath, [join(packageDir, 'install.js')], {
      cwd: packageDir,
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (fetch.status !== 0 || !installed()) return null;
  }
  return join(packageDir, 'dist', readFileSync(pathFile, 'utf8'));
}

export function electronVersion() {
  return require('electron/package.json').version;
}

/**
 * Makes the app runnable in Electron: better-sqlite3 built for Electron's ABI (once per Electron
 * version) and the app built. Returns false, having said why, when a step fails.
 */
export function prepareElectronApp(root) {
  const versionFile = join(root, 'native', 'electron', 'electron-version.txt');
  const built = existsSync(versionFile) && readFileSync(versionFile, 'utf8').trim() === electronVersion();
  if (
    !built &&
    spawnSync(process.execPath, [join(root, 'scripts', 'build-electron-sqlite.mjs')], { stdio: 'inherit' }).status !== 0
  )
    return false;
  return buildApp(root);
}

/** Builds the app (main, preload, renderer, CLI, runtime): what Electron and the browser host both serve. */
export function buildApp(root) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return (
    spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }).status ===
    0
  );
}
