// bench/bundles: an agent's whole history of 1,000 versions (five files, ~20 KB, one line
// changed each time) exported to one signed .slipway file, checked, imported into a fresh
// workspace, imported again (a no-op), and exported as a folder.
// Run: npm run bench -- bundles   (BENCH_VERSIONS=N for another size)
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportBundle, exportFolder, importBundle, inspectBundle } from '../workspace/bundles/bundles';
import { connect } from '../workspace/connect';
import { openWorkspace } from '../workspace/workspace';
import { realisticAgent } from './fixtures';
import { line } from './report';

const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 1000);
const TARGETS = { exportMs: 2000, importMs: 3000, againMs: 1000 };

async function timed<T>(work: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

const root = mkdtempSync(join(tmpdir(), 'slipway-bench-'));
try {
  const identity = () => ({ author: 'Bench <bench@example.com>', source: 'os' as const });
  const source = openWorkspace(join(root, 'source'), { identity });
  const { client } = connect(source, { checkOutputs: false });
  await client.agents.create({ name: 'triage' });
  for (let revision = 1; revision <= VERSIONS; revision += 1)
    await client.versions.snapshot({ agent: 'triage', message: `revision ${revision}`, files: realisticAgent(revision) });
  console.log(`bench/bundles: the whole history of an agent, ${VERSIONS} versions of five files (~20 KB)\n`);

  const { privateKey } = generateKeyPairSync('ed25519');
  const heapBefore = process.memoryUsage().heapUsed;
  const exported = await timed(() =>
    exportBundle(source, ['triage'], { history: true, signWith: privateKey }).then((made) => made.data),
  );
  const checked = await timed(() => inspectBundle(source, exported.value));
  const target = openWorkspace(join(root, 'target'), { identity });
  const imported = await timed(() => importBundle(target, exported.value));
  const again = await timed(() => importBundle(target, exported.value));
  const folder = await timed(() => exportFolder(source, ['triage'], join(root, 'folder'), { history: true }));
  const heapPeak = process.memoryUsage().heapUsed - heapBefore;
  source.close();
  target.close();

  line('bundle size (zip, signed)', `${(exported.value.length / 1024 / 1024).toFixed(2)} MiB`, null);
  line('export to .slipway', `${exported.ms.toFixed(0)} ms`, `< ${TARGETS.exportMs} ms`);
  line('inspect (every hash, the signature)', `${checked.ms.toFixed(0)} ms`, null);
  line(`import ${imported.value.plan.add.length} versions`, `${imported.ms.toFixed(0)} ms`, `< ${TARGETS.importMs} ms`);
  line('import again (changes nothing)', `${again.ms.toFixed(0)} ms`, `< ${TARGETS.againMs} ms`);
  line(`export as a folder (${folder.value.length} files)`, `${folder.ms.toFixed(0)} ms`, null);
  line('heap growth over the run', `${(heapPeak / 1024 / 1024).toFixed(0)} MiB`, null);
  const met =
    exported.ms < TARGETS.exportMs &&
    imported.ms < TARGETS.importMs &&
    again.ms < TARGETS.againMs &&
    again.value.plan.add.length === 0;
  console.log(`\ntargets ${met ? 'met' : 'NOT met'}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
