import { nodeBundle } from './vite.node-bundle.ts';

/** `slipway-runtime`: Node ESM with its npm dependencies bundled in, except the native SQLite binding. */
export default nodeBundle({
  name: 'main',
  entry: 'runtime/main.ts',
  outDir: 'out/runtime',
  format: 'es',
  target: 'node20',
  bundleDependencies: true,
  keepExternal: ['better-sqlite3'],
});
