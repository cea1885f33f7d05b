import { defineConfig } from 'vite';

/** The `slipway` CLI: a Node ESM bundle of electron/core with npm dependencies left external. */
export default defineConfig({
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'out/cli',
    emptyOutDir: true,
    rollupOptions: {
      input: { main: 'electron/core/cli/main.ts' },
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
});
