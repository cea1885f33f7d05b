// bench/runtime: the reference runtime under load, the mock provider answering at once. A real
// `slipway-runtime serve` process, loaded with autocannon on loopback: requests per second and
// p50/p99 latency through it, against calling the engine in this process (the runtime's
// overhead); the canary's measured share at weight 5 over 100,000 requests; the time from a
// rollback's acknowledgement until a request that went to the canary is served by stable.
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
import { line, median } from './report';

const SHARE_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100_000);
const TARGETS = { overheadP50Ms: 1, requestsPerSecond: 2000, sharePoints: 0.5, switchMs: 10 };

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

const runtime = await startRuntimeProcess({ evaluationIntervalMs: 60_000, flushMs: 200 });
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

  await command({ type: 'canary', version: candidate.hash, weight: 5 });
  const since = new Date().toISOString();
  await run({ ...target, connections: 16, amount: SHARE_REQUESTS });
  const buckets = (
    await deployer<{ buckets: Array<{ version: string; requests: number; start: string }> }>(
      'GET',
      `/v1/agents/triage/metrics?since=${encodeURIComponent(since)}&bucketMs=3600000`,
    )
  ).body.buckets;
  const canaryRequests = buckets
    .filter((bucket) => bucket.version === candidate.hash)
    .reduce((sum, bucket) => sum + bucket.requests, 0);
  const servedRequests = buckets.reduce((sum, bucket) => sum + bucket.requests, 0);
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
  const met =
    overhead <= TARGETS.overheadP50Ms &&
    load.requests.average >= TARGETS.requestsPerSecond &&
    Math.abs(share - 5) <= TARGETS.sharePoints &&
    median(switches) < TARGETS.switchMs &&
    load.non2xx + load.errors === 0;
  console.log(`\ntargets ${met ? 'met' : 'NOT met'}`);
} finally {
  await runtime.stop();
}
