// `npm start`: fetch Electron's binary if needed, build better-sqlite3 for it once, build the
// app, and start it. Where Electron's binary cannot be had (no internet on first start, a
// locked-down machine) it says so in one line and serves the same app in a browser instead
// (`slipway serve` on the same default workspace), until Ctrl+C: the README's first command opens
// the app on every machine.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, electronExecutable, prepareElectronApp } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** Opens a URL in the user's browser where there is one to open; says nothing when there is none. */
function openInBrowser(url) {
  const opener =
    process.platform === 'darwin'
      ? ['open', url]
      : process.platform === 'win32'
        ? ['cmd', '/c', 'start', '', url]
        : process.env.DISPLAY || process.env.WAYLAND_DISPLAY
          ? ['xdg-open', url]
          : null;
  if (!opener) return;
  const child = spawn(opener[0], opener.slice(1), { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

function serveInBrowser() {
  console.error(
    process.env.SLIPWAY_START === 'browser'
      ? 'slipway: SLIPWAY_START=browser: serving the app in your browser'
      : "slipway: Electron's binary could not be had (no internet on its first start, or a locked-down machine): serving the same app in your browser instead",
  );
  if (!buildApp(root)) process.exit(1);
  const serve = spawn(process.execPath, [join(root, 'bin', 'slipway.js'), 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  serve.stdout.on('data', (chunk) => {
    const text = chunk.toString();
    process.stdout.write(text);
    const url = /^Open (http:\/\/\S+)$/m.exec(text)?.[1];
    if (url) openInBrowser(url);
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => serve.kill(signal));
  serve.on('exit', (code) => process.exit(code ?? 0));
}

// SLIPWAY_START=browser asks for the browser even where Electron could start.
const electron = process.env.SLIPWAY_START === 'browser' ? null : electronExecutable();
if (!electron) serveInBrowser();
else {
  if (!prepareElectronApp(root)) process.exit(1);
  const app = spawnSync(electron, [root, ...args], { stdio: 'inherit' });
  process.exit(app.status ?? 0);
}
