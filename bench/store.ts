// bench/store: snapshot 10,000 versions of a realistic agent (five files, ~20 KB, one line
// changed each time), list the history, diff two versions, measure the database against the
// raw bytes, and commit the same changes with git for comparison.
// Run: npm run bench -- store   (BENCH_VERSIONS=N for a shorter run)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../workspace/connect';
import { openWorkspace } from '../workspace/workspace';
import { utf8Length } from '../shared/hash';
import { realisticAgent } from './fixtures';
import { line } from './report';

const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 10_000);
const TARGETS = { snapshotP99Ms: 2, gitRatio: 20, listMs: 50 };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const root = mkdtempSync(join(tmpdir(), 'slipway-bench-'));
try {
  const ws = openWorkspace(join(root, 'workspace'), { identity: () => ({ author: 'Bench <bench@example.com>', source: 'os' }) });
  // As the app and the CLI run it: inputs validated, outputs trusted (tests check those).
  const { client } = connect(ws, { checkOutputs: false });
  await client.agents.create({ name: 'triage' });
  const rawBytes = Object.values(realisticAgent(0)).reduce((sum, text) => sum + utf8Length(text), 0);
  console.log(
    `bench/store: ${VERSIONS} versions of a ${(rawBytes / 1024).toFixed(1)} KB agent (5 files, one line changed each time)\n`,
  );

  const latencies: number[] = [];
  const snapshotStart = performance.now();
  for (let revision = 1; revision <= VERSIONS; revision += 1) {
    const files = realisticAgent(revision);
    const start = performance.now();
    await client.versions.snapshot({ agent: 'triage', message: `revision ${revision}`, files });
    latencies.push(performance.now() - start);
  }
  const snapshotTotal = performance.now() - snapshotStart;
  latencies.sort((a, b) => a - b);

  const listStart = performance.now();
  const history = await client.versions.list({ agent: 'triage' });
  const listMs = performance.now() - listStart;
  const checkedStart = performance.now();
  await connect(ws).client.versions.list({ agent: 'triage' });
  const checkedListMs = performance.now() - checkedStart;
  const diffStart = performance.now();
  await client.versions.diff({
    from: 'triage@1.0.0',
    to: `triage@${history[Math.floor(history.length / 2)]?.semver ?? 'latest'}`,
  });
  const diffMs = performance.now() - diffStart;
  ws.db.pragma('wal_checkpoint(TRUNCATE)');
  const dbBytes = statSync(join(root, 'workspace', 'slipway.db')).size;
  ws.close();

  const repo = join(root, 'git');
  mkdirSync(repo);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
  git('init', '-q');
  git('config', 'user.name', 'Bench');
  git('config', 'user.email', 'bench@example.com');
  git('config', 'commit.gpgsign', 'false');
  const gitStart = performance.now();
  for (let revision = 1; revision <= VERSIONS; revision += 1) {
    for (const [name, content] of Object.entries(realisticAgent(revision))) writeFileSync(join(repo, name), content);
    git('add', '-A');
    git('commit', '-q', '-m', `revision ${revision}`);
  }
  const gitTotal = performance.now() - gitStart;

  line('snapshot p50', `${percentile(latencies, 50).toFixed(3)} ms`, null);
  line('snapshot p99', `${percentile(latencies, 99).toFixed(3)} ms`, `< ${TARGETS.snapshotP99Ms} ms`);
  line('snapshot p99.9 (checkpoints)', `${percentile(latencies, 99.9).toFixed(3)} ms`, null);
  line('snapshot max', `${(latencies[latencies.length - 1] ?? NaN).toFixed(3)} ms`, null);
  line('snapshot total', `${(snapshotTotal / 1000).toFixed(2)} s`, null);
  line(`list ${history.length} versions (first call)`, `${listMs.toFixed(1)} ms`, `< ${TARGETS.listMs} ms`);
  line('  same, outputs checked (tests)', `${checkedListMs.toFixed(1)} ms`, null);
  line('diff two versions', `${diffMs.toFixed(2)} ms`, null);
  line('database size', `${(dbBytes / 1024 / 1024).toFixed(1)} MiB`, null);
  line('raw bytes snapshotted', `${((rawBytes * VERSIONS) / 1024 / 1024).toFixed(1)} MiB`, null);
  line('database / raw', `${((dbBytes / (rawBytes * VERSIONS)) * 100).toFixed(1)} %`, null);
  line('git add + commit total', `${(gitTotal / 1000).toFixed(2)} s`, null);
  line('git time / snapshot time', `${(gitTotal / snapshotTotal).toFixed(1)}x`, `>= ${TARGETS.gitRatio}x`);
  const met =
    percentile(latencies, 99) < TARGETS.snapshotP99Ms && listMs < TARGETS.listMs && gitTotal / snapshotTotal >= TARGETS.gitRatio;
  console.log(`\ntargets ${met ? 'met' : 'NOT met'}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
