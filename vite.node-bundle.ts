import { defineConfig, type UserConfig } from 'vite';

interface NodeBundle {
  /** The output file's name, without extension. */
  name: string;
  entry: string;
  outDir: string;
  format: 'es' | 'cjs';
  target: string;
  /** Bundle npm dependencies in too (a sandboxed preload can require only electron). */
  bundleDependencies?: boolean;
  /** Packages left external even when dependencies are bundled (native modules). */
  keepExternal?: string[];
}

/** A Node-side bundle (CLI, Electron main, preload): Vite in SSR mode, electron always external. */
export function nodeBundle({
  name,
  entry,
  outDir,
  format,
  target,
  bundleDependencies = false,
  keepExternal = [],
}: NodeBundle): UserConfig {
  return defineConfig({
    ...(bundleDependencies ? { ssr: { noExternal: true, external: keepExternal } } : {}),
    build: {
      ssr: true,
      target,
      outDir,
      emptyOutDir: true,
      rollupOptions: {
        input: { [name]: entry },
        external: ['electron', ...keepExternal],
        output: { format, entryFileNames: format === 'cjs' ? '[name].cjs' : '[name].js' },
      },
    },
  });
}
