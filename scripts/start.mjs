// `npm start`: fetch Electron's binary if needed, build better-sqlite3 for it once, build the
// app, and start it. Where Electron cannot be fetched it says so in one line and names the CLI.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronExecutable, prepareElectronApp } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const electron = electronExecutable();
if (!electron) {
  console.error(
    "slipway: Electron's binary could not be downloaded (no internet?); the CLI works without it: npx slipway --help",
  );
  process.exit(1);
}
if (!prepareElectronApp(root)) process.exit(1);
const app = spawnSync(electron, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(app.status ?? 0);
