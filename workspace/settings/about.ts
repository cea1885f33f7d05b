import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { z } from 'zod';
import type { About } from '../../shared/contract/settings';
import { packageRoot } from '../paths';
import { typed } from '../statements';
import type { Workspace } from '../workspace';

const VRow = z.object({ v: z.string() });

const require = createRequire(import.meta.url);
const PackageVersion = z.object({ version: z.string() });

/** Every version that matters in a bug report; Electron's and Chrome's only inside the app. */
export function aboutSlipway(ws: Workspace): About {
  const version = (file: string) => PackageVersion.parse(JSON.parse(readFileSync(file, 'utf8'))).version;
  const versions = process.versions;
  return {
    slipway: version(join(packageRoot(), 'package.json')),
    electron: versions['electron'] ?? null,
    chrome: versions['chrome'] ?? null,
    node: versions.node,
    sqlite: typed(ws.db, VRow, 'SELECT sqlite_version() AS v').one().v,
    betterSqlite3: version(require.resolve('better-sqlite3/package.json')),
    platform: `${process.platform} ${process.arch}`,
    workspace: ws.dir,
  };
}
