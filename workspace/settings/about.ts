import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { About } from '../../shared/contract/settings';
import { packageRoot } from '../paths';
import type { Workspace } from '../workspace';

const require = createRequire(import.meta.url);

/** Every version that matters in a bug report; Electron's and Chrome's only inside the app. */
export function aboutSlipway(ws: Workspace): About {
  const version = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  const versions = process.versions as NodeJS.ProcessVersions & { electron?: string; chrome?: string };
  return {
    slipway: version(join(packageRoot(), 'package.json')),
    electron: versions.electron ?? null,
    chrome: versions.chrome ?? null,
    node: versions.node,
    sqlite: (ws.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
    betterSqlite3: version(require.resolve('better-sqlite3/package.json')),
    platform: `${process.platform} ${process.arch}`,
    workspace: ws.dir,
  };
}
