import { nodeBundle } from './vite.node-bundle.ts';

/** The preload: one CommonJS file with everything but electron bundled in, as a sandboxed preload must be. */
export default nodeBundle({
  name: 'index',
  entry: 'electron/preload/index.ts',
  outDir: 'out/preload',
  format: 'cjs',
  target: 'node22',
  bundleDependencies: true,
});
