import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The renderer: a static bundle served from app:// in Electron and over http by the browser host. */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    // Monaco is one large chunk by nature; it loads only when an editor or a diff opens.
    chunkSizeWarningLimit: 4000,
  },
});
