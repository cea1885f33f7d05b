// bench/runtime: the reference runtime under load, the mock provider answering at once. A real
// `slipway-runtime serve` process, loaded with autocannon on loopback: requests per second and
// p50/p99 latency through it, against calling the engine in this process (the runtime's
// overhead); the canary's measured share at weight 5 over 100,000 requests; the time from a
// rollback's acknowledgement until a request that went to the canary is served by stable; client
// latency p50/p99 at 16 and 64 connections; the database's size after a sustained run (metrics are
// aggregated, so it is bounded by the retention, not by the requests); a metrics read over an
// hour holding 1,000,000 requests, and /health while it runs.
// Run: npm run bench -- runtime   (BENCH_REQUESTS=N for a shorter share run)
import autocannon from 'autocannon';
import { callModel, rateGate } from '../shared/engine/execute';
import { providerFor } from '../shared/engine/providers';
import { memorySecrets } from '../shared/engine/secrets';
import { nodePlatform } from '../shared/node/platform';
import { pooledFetch } from '../shared/node/pooled-fetch';
import { routingPoint } from '../shared/release/state';
import { parseAgentFiles } from '../shared/validate-files';
import type { ReleaseState } from '../shared/release/protocol';
import { mockAgent, runtimeApi, startRuntimeProcess } from '../test-support/runtime-process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createRecorder } from '../runtime/metrics';
import { openDatabase } from '../shared/node/sqlite';
import { openRuntimeStore } from '../runtime/store';
import { tempDir } from '../test-support/workspace';
import { line, median } from './report';

const SHARE_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100_000);
const TARGETS = { overheadP50Ms: 1, requestsPerSecond: 2000, sharePoints: 0.5, switchMs: 10, metricsReadMs: 50, healthMs: 50 };
const SUSTAINED_S = 20;

/** The nearest-rank quantile of measured times. */
function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

/** `connections` loops posting one after another for `seconds`, each request timed to the microsecond. */
async function timedLoad(url: string, init: RequestInit, connections: number, seconds: number): Promise<number[]> {
  const post = pooledFetch();
  const until = performance.now() + seconds * 1000;
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        const response = await post(url, init);
        await response.text();
        times.push(performance.now() - started);
      }
    }),
  );
  return times;
}

/** The database's own size, its write-ahead log copied in first (the log is reused, not grown, past a checkpoint). */
function dbSize(dir: string): { bytes: number; rows: number } {
  const db = openDatabase(join(dir, 'runtime.db'));
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const rows = (db.prepare('SELECT count(*) AS n FROM metric_buckets').get() as { n: number }).n;
    return { bytes: statSync(join(dir, 'runtime.db')).size, rows };
  } finally {
    db.close();
  }
}

const stable = mockAgent('stable answer');
const candidate = mockAgent('canary answer');

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

// The engine alone, in this process: what a request costs without the runtime around it.
const engineLatencies: number[] = [];
{
  const platform = nodePlatform(memorySecrets({}));
  const agent = parseAgentFiles(stable.files);
  const context = {
    provider: await providerFor(agent.config, platform),
    platform,
    gate: rateGate(platform),
    signal: new AbortController().signal,
  };
  const messages = [
    { role: 'system' as const, content: agent.prompt },
    { role: 'user' as const, content: 'hello' },
  ];
  for (let index = 0; index < 20_000; index += 1) {
    const started = performance.now();
    await callModel(context, agent.config, messages, agent.tools, {});
    if (index >= 2000) engineLatencies.push(performance.now() - started);
  }
}

const runtime = await startRuntimeProcess({
  evaluationIntervalMs: 60_000,
  flushMs: 200,
  bucketMs: 10_000,
  flags: ['--metrics-retention-hours', '1'],
});
try {
  const deployer = runtimeApi(runtime.url, runtime.tokens.deployer);
  let key = 0;
  const state = async () => (await deployer<ReleaseState>('GET', '/v1/agents/triage/release')).body;
  const command = async (action: Record<string, unknown>) =>
    deployer<{ state: ReleaseState }>('POST', '/v1/agents/triage/commands', {
      idempotencyKey: `bench-${(key += 1)}-${Date.now()}`,
      expectedGeneration: (await state()).generation,
      action,
    });
  await deployer('PUT', `/v1/agents/triage/versions/${stable.hash}`, { semver: '1.0.0', files: stable.files });
  await deployer('PUT', `/v1/agents/triage/versions/${candidate.hash}`, { semver: '1.1.0', files: candidate.files });
  await command({ type: 'deploy', version: stable.hash });
  const target = {
    url: `${runtime.url}/v1/agents/triage/invoke`,
    method: 'POST' as const,
    headers: { authorization: `Bearer ${runtime.tokens.invoker}`, 'content-type': 'application/json' },
    body: JSON.stringify({ vars: { question: 'hello' } }),
  };
  console.log(`bench/runtime: slipway-runtime on ${runtime.url}, the mock provider, autocannon on loopback\n`);

  await run({ ...target, connections: 16, duration: 2 });
  const load = await run({ ...target, connections: 16, duration: 10 });
  // One request at a time over a kept-alive connection, timed here to the microsecond (autocannon counts whole milliseconds).
  const sequential: number[] = [];
  const post = pooledFetch();
  for (let index = 0; index < 6000; index += 1) {
    const started = performance.now();
    const response = await post(target.url, { method: 'POST', headers: target.headers, body: target.body });
    await response.text();
    if (index >= 1000) sequential.push(performance.now() - started);
  }

  const concurrent: Record<number, number[]> = {};
  for (const connections of [16, 64])
    concurrent[connections] = await timedLoad(
      target.url,
      { method: 'POST', headers: target.headers, body: target.body },
      connections,
      8,
    );

  // Sustained traffic: the database holds buckets, not requests.
  const sizeBefore = dbSize(runtime.dir);
  const sustained = await run({ ...target, connections: 16, duration: SUSTAINED_S });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const sizeAfter = dbSize(runtime.dir);

  await command({ type: 'canary', version: candidate.hash, weight: 5 });
  // Counted from a bucket that may hold earlier traffic: the share is of what the run added.
  const since = new Date(Date.now() - 3_600_000).toISOString();
  const counts = async () => {
    const { buckets } = (
      await deployer<{ buckets: Array<{ version: string; requests: number }> }>(
        'GET',
        `/v1/agents/triage/metrics?since=${encodeURIComponent(since)}&bucketMs=3600000`,
      )
    ).body;
    const sum = (version?: string) =>
      buckets
        .filter((bucket) => version === undefined || bucket.version === version)
        .reduce((total, bucket) => total + bucket.requests, 0);
    return { canary: sum(candidate.hash), all: sum() };
  };
  const before = await counts();
  await run({ ...target, connections: 16, amount: SHARE_REQUESTS });
  const after = await counts();
  const canaryRequests = after.canary - before.canary;
  const servedRequests = after.all - before.all;
  const share = (canaryRequests / servedRequests) * 100;

  // A routing key that goes to the canary at 5%: after the rollback's ack, how long until stable serves it.
  let canaryKey = 'k0';
  for (let index = 0; routingPoint(canaryKey) * 100 >= 5; index += 1) canaryKey = `k${index}`;
  const invoker = runtimeApi(runtime.url, runtime.tokens.invoker);
  const switches: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    if (!(await state()).canary) await command({ type: 'canary', version: candidate.hash, weight: 5 });
    await command({ type: 'rollback', reason: 'bench' });
    const acked = performance.now();
    for (;;) {
      const answer = await invoker<{ output: string }>(
        'POST',
        '/v1/agents/triage/invoke',
        { vars: { question: 'hello' } },
        { 'x-slipway-routing-key': canaryKey },
      );
      if (answer.body.output === 'stable answer') break;
    }
    switches.push(performance.now() - acked);
  }

  // A metrics read over an hour holding 1,000,000 requests: recorded through the runtime's own
  // recorder into a data folder (serving them for real would take minutes), then read from a
  // runtime on it, with /health asked while each read runs.
  const { dir: seeded, cleanup } = tempDir('slipway-bench-metrics-');
  {
    const store = openRuntimeStore(seeded);
    const startMs = Date.now() - 3_000_000;
    const recorder = createRecorder(store, { flushMs: 60_000, bucketMs: 10_000, retentionMs: 7 * 86_400_000 });
    for (let index = 0; index < 1_000_000; index += 1)
      recorder.record(
        {
          agent: 'triage',
          version: index % 20 === 0 ? candidate.hash : stable.hash,
          segment: '',
          atMs: startMs + Math.floor(index * 2.9),
          latencyMs: 2 + (index % 97) * 3.1,
          error: index % 50 === 0,
          inputTokens: 20,
          outputTokens: 8,
          costUsd: 0.00002,
          toolCalls: 0,
          assertionFailed: false,
        },
        { name: 'mock-1', system: 'mock' },
      );
    recorder.close();
    store.close();
  }
  const reader = await startRuntimeProcess({ dir: seeded, bucketMs: 10_000, evaluationIntervalMs: 60_000 });
  const reads: number[] = [];
  const healths: number[] = [];
  let counted = 0;
  try {
    const viewer = runtimeApi(reader.url, reader.tokens.viewer);
    for (let round = 0; round < 12; round += 1) {
      const started = performance.now();
      const [read] = await Promise.all([
        viewer<{ buckets: Array<{ requests: number }> }>('GET', '/v1/agents/triage/metrics').then((answer) => {
          reads.push(performance.now() - started);
          return answer;
        }),
        fetch(`${reader.url}/health`).then(async (response) => {
          await response.text();
          healths.push(performance.now() - started);
        }),
      ]);
      counted = read.body.buckets.reduce((sum, bucket) => sum + bucket.requests, 0);
    }
  } finally {
    await reader.stop();
    cleanup();
  }

  const engineP50 = median(engineLatencies);
  const runtimeP50 = median(sequential);
  const overhead = runtimeP50 - engineP50;
  line('engine alone, in process: p50', `${engineP50.toFixed(3)} ms`, null);
  line('through the runtime, one at a time: p50', `${runtimeP50.toFixed(3)} ms`, null);
  line('  runtime overhead p50', `${overhead.toFixed(3)} ms`, `<= ${TARGETS.overheadP50Ms} ms`);
  line(
    'through the runtime, 16 connections',
    `${load.requests.average.toFixed(0)} req/s`,
    `>= ${TARGETS.requestsPerSecond} req/s`,
  );
  line('  p50 / p99 latency (whole ms)', `${load.latency.p50} / ${load.latency.p99} ms`, null);
  line('  non-2xx responses', String(load.non2xx + load.errors), '0');
  line(`canary share at weight 5 (${servedRequests} requests)`, `${share.toFixed(2)} %`, `5 ± ${TARGETS.sharePoints}`);
  line('rollback ack → routing switched (median)', `${median(switches).toFixed(2)} ms`, `< ${TARGETS.switchMs} ms`);
  line('  runs', switches.map((value) => value.toFixed(2)).join(' '), null);
  line('  overhead p99, one at a time', `${(percentile(sequential, 0.99) - engineP50).toFixed(3)} ms`, 'reported');
  for (const [connections, times] of Object.entries(concurrent))
    line(
      `${connections} connections: p50 / p99 (${((times.length / 8) | 0).toString()} req/s)`,
      `${percentile(times, 0.5).toFixed(2)} / ${percentile(times, 0.99).toFixed(2)} ms`,
      'reported (queueing on one event loop)',
    );
  line(
    `database after ${sustained.requests.total} more requests (${SUSTAINED_S} s)`,
    `${(sizeAfter.bytes / 1024).toFixed(0)} KiB`,
    `bounded: was ${(sizeBefore.bytes / 1024).toFixed(0)} KiB; metrics rows ${sizeBefore.rows} → ${sizeAfter.rows} (one per 10 s bucket and version)`,
  );
  // The first read after a start also warms SQLite's page cache and the JIT: said apart, not hidden.
  const [coldRead = NaN, ...warmReads] = reads;
  const [coldHealth = NaN, ...warmHealths] = healths;
  line(
    `metrics read, ${counted} requests in the hour (median)`,
    `${median(warmReads).toFixed(2)} ms`,
    `< ${TARGETS.metricsReadMs} ms`,
  );
  line(
    '  /health during it (median, max)',
    `${median(warmHealths).toFixed(2)}, ${Math.max(...warmHealths).toFixed(2)} ms`,
    `< ${TARGETS.healthMs} ms`,
  );
  line('  first read after start, /health during it', `${coldRead.toFixed(2)}, ${coldHealth.toFixed(2)} ms`, 'reported');
  const met =
    median(warmReads) < TARGETS.metricsReadMs &&
    Math.max(...warmHealths) < TARGETS.healthMs &&
    counted === 1_000_000 &&
    // Sustained traffic adds buckets (a few KiB), never a row per request (which would be megabytes).
    sizeAfter.bytes - sizeBefore.bytes < 256 * 1024 &&
    sizeAfter.rows - sizeBefore.rows <= Math.ceil(SUSTAINED_S / 10) + 2 &&
    overhead <= TARGETS.overheadP50Ms &&
    load.requests.average >= TARGETS.requestsPerSecond &&
    Math.abs(share - 5) <= TARGETS.sharePoints &&
    median(switches) < TARGETS.switchMs &&
    load.non2xx + load.errors === 0;
  console.log(`\ntargets ${met ? 'met' : 'NOT met'}`);
} finally {
  await runtime.stop();
}
