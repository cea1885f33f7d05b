import { build } from 'vite';

/** Tests that run the `slipway` binary need the CLI bundle; building it takes a fraction of a second. */
export default async function setup(): Promise<void> {
  await build({ configFile: 'vite.cli.config.ts', logLevel: 'warn' });
}
