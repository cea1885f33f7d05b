#!/usr/bin/env node
// The runtime is built into out/runtime by `npm install` (the prepare script) or `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../out/runtime/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('slipway-runtime: not built yet: run `npm run build` in the Slipway folder\n');
  process.exit(2);
}
await import(entry.href);
