import { nodeBundle } from './vite.node-bundle.ts';

/** The `slipway` CLI: Node ESM with its npm dependencies bundled in, except the native SQLite binding. */
export default nodeBundle({
  name: 'main',
  entry: 'cli/main.ts',
  outDir: 'out/cli',
  format: 'es',
  target: 'node20',
  bundleDependencies: true,
  keepExternal: ['better-sqlite3'],
});
