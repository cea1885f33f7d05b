import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding Slipway's package.json, found from this file in source and in any build. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'slipway') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the slipway package root');
    dir = parent;
  }
}
