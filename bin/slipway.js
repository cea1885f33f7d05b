#!/usr/bin/env node
// The CLI is built into out/cli by `npm install` (the prepare script) or `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../out/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('slipway: the CLI is not built yet: run `npm run build` in the Slipway folder\n');
  process.exit(2);
}
await import(entry.href);
