import { nodeBundle } from './vite.node-bundle.ts';

/** The `slipway` CLI: Node ESM with npm dependencies left external. */
export default nodeBundle({ name: 'main', entry: 'electron/core/cli/main.ts', outDir: 'out/cli', format: 'es', target: 'node20', bundleDependencies: true, keepExternal: ['better-sqlite3'] });
