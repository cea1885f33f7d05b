import { defineConfig } from 'vite';

/** Electron's main process: Node ESM, with electron and npm dependencies left external. */
export default defineConfig({
  build: {
    ssr: true,
    target: 'node22',
    outDir: 'out/main',
    emptyOutDir: true,
    rollupOptions: {
      input: { index: 'electron/main/index.ts' },
      external: ['electron'],
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
});
