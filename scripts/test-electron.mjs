// `npm run test:electron`: the e2e specs against the real Electron app, through Playwright's
// Electron launcher. Where Electron's binary cannot be had it says so and that nothing was
// tested — it never reports a pass it did not see.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronExecutable, prepareElectronApp } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const electron = electronExecutable();
if (!electron) {
  console.log(
    "test:electron: SKIPPED — Electron's binary is not on this machine and could not be downloaded (no network to its host). No Electron test ran; `npm test` covers the same specs in Chromium.",
  );
  process.exit(0);
}
if (!prepareElectronApp(root)) process.exit(1);
const run = spawnSync(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'e2e'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SLIPWAY_E2E_TARGET: 'electron', SLIPWAY_ELECTRON: electron },
});
process.exit(run.status ?? 1);
