import { nodeBundle } from './vite.node-bundle.ts';

/** Electron's main process: Node ESM with electron and npm dependencies left external. */
export default nodeBundle({ name: 'index', entry: 'electron/main/index.ts', outDir: 'out/main', format: 'es', target: 'node22' });
