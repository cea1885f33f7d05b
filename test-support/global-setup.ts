import { existsSync } from 'node:fs';
import { build } from 'vite';

/**
 * Tests run the `slipway` binary and serve the renderer: build the CLI (a fraction of a second)
 * and, when `npm run build` has not made it yet, the renderer.
 */
export default async function setup(): Promise<void> {
  await build({ configFile: 'vite.cli.config.ts', logLevel: 'warn' });
  if (!existsSync('out/renderer/index.html')) await build({ configFile: 'vite.renderer.config.ts', logLevel: 'warn' });
}
