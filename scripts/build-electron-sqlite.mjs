// Builds better-sqlite3 for Electron's ABI into native/electron/, leaving node_modules' Node
// build untouched (electron-rebuild would replace it and break `npm test`). Needs internet:
// it fetches a prebuilt binary, or Electron's headers to compile one.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronVersion } from './electron-binary.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'native', 'electron');
const version = electronVersion();
const source = dirname(require.resolve('better-sqlite3/package.json'));
const work = mkdtempSync(join(tmpdir(), 'slipway-sqlite-'));

function run(command, args, cwd) {
  return spawnSync(command, args, { cwd, stdio: 'inherit', env: process.env }).status === 0;
}

function nodeGyp() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  const bundled = join(
    dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  );
  return existsSync(bundled) ? bundled : null;
}

try {
  const copy = join(work, 'better-sqlite3');
  cpSync(source, copy, { recursive: true, filter: (path) => !path.includes(`${join(source, 'build')}`) });
  const prebuild = require.resolve('prebuild-install/bin.js');
  const fetched = run(
    process.execPath,
    [prebuild, '--runtime=electron', `--target=${version}`, `--arch=${process.arch}`, `--platform=${process.platform}`],
    copy,
  );
  const gyp = nodeGyp();
  const built =
    fetched ||
    (gyp !== null &&
      run(
        process.execPath,
        [gyp, 'rebuild', '--release', '--runtime=electron', `--target=${version}`, '--dist-url=https://electronjs.org/headers'],
        copy,
      ));
  const binary = join(copy, 'build', 'Release', 'better_sqlite3.node');
  if (!built || !existsSync(binary)) {
    console.error(
      `slipway: could not build better-sqlite3 for Electron ${version} (it needs internet to fetch a prebuilt binary or Electron's headers)`,
    );
    process.exit(1);
  }
  mkdirSync(target, { recursive: true });
  copyFileSync(binary, join(target, 'better_sqlite3.node'));
  writeFileSync(join(target, 'electron-version.txt'), `${version}\n`);
  console.log(`better-sqlite3 for Electron ${version} written to ${target}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
