// `npm start`: fetch Electron's binary if needed, build better-sqlite3 for it once, build the
// app, and start it. Where Electron cannot be fetched it says so in one line and names the CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronExecutable, electronVersion } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const electron = electronExecutable();
if (!electron) {
  console.error("slipway: Electron's binary could not be downloaded (no internet?); the CLI works without it: npx slipway --help");
  process.exit(1);
}

const versionFile = join(root, 'native', 'electron', 'electron-version.txt');
const built = existsSync(versionFile) && readFileSync(versionFile, 'utf8').trim() === electronVersion();
if (!built && spawnSync(process.execPath, [join(root, 'scripts', 'build-electron-sqlite.mjs')], { stdio: 'inherit' }).status !== 0) process.exit(1);

if (spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }).status !== 0) process.exit(1);

const app = spawnSync(electron, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(app.status ?? 0);
