import { defineConfig } from 'vite';

/**
 * The preload: one CommonJS file with everything bundled in but electron, because a sandboxed
 * preload can require nothing else.
 */
export default defineConfig({
  ssr: { noExternal: true },
  build: {
    ssr: true,
    target: 'node22',
    outDir: 'out/preload',
    emptyOutDir: true,
    rollupOptions: {
      input: { index: 'electron/preload/index.ts' },
      external: ['electron'],
      output: { format: 'cjs', entryFileNames: '[name].cjs' },
    },
  },
});
