import { Counter, Histogram, Registry } from 'prom-client';
import type { MetricsBucket } from '../shared/release/protocol';
import { addCounts, encodeHistogram, histogramQuantiles, newCounts, observe } from '../shared/release/window';
import type { Aggregate, RuntimeStore } from './store';

/** One served request, as the recorder counts it (and forgets it). */
export interface ServedRequest {
  agent: string;
  version: string;
  segment: string;
  atMs: number;
  latencyMs: number;
  error: boolean;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  toolCalls: number;
  assertionFailed: boolean;
}

export function emptyAggregate(key: Pick<Aggregate, 'agent' | 'version' | 'segment' | 'startMs' | 'widthMs'>): Aggregate {
  return {
    ...key,
    requests: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    toolCalls: 0,
    assertionFailures: 0,
    latency: newCounts(),
  };
}

/** Adds `from`'s counters and histogram into `into` (in place). */
export function addAggregate(into: Aggregate, from: Aggregate): Aggregate {
  // Added to, its stored text no longer says its latencies.
  delete into.stored;
  into.requests += from.requests;
  into.errors += from.errors;
  into.inputTokens += from.inputTokens;
  into.outputTokens += from.outputTokens;
  into.costUsd += from.costUsd;
  into.toolCalls += from.toolCalls;
  into.assertionFailures += from.assertionFailures;
  addCounts(into.latency, from.latency);
  return into;
}

/** Stored aggregates regrouped into buckets of `bucketMs` (a multiple of the stored width), as the metrics answer gives them. */
export function toBuckets(rows: Aggregate[], bucketMs: number, nowMs: number): MetricsBucket[] {
  const groups = new Map<string, Aggregate>();
  for (const row of rows) {
    const width = Math.max(row.widthMs, Math.ceil(bucketMs / row.widthMs) * row.widthMs);
    const startMs = Math.floor(row.startMs / width) * width;
    const key = `${row.version}|${row.segment}|${startMs}`;
    const group = groups.get(key);
    if (group) addAggregate(group, row);
    // At the stored width each row is its own group (rows are unique by version, segment and start): no copy, no sum.
    else groups.set(key, width === row.widthMs ? row : addAggregate(emptyAggregate({ ...row, startMs, widthMs: width }), row));
  }
  return [...groups.values()]
    .sort((a, b) => a.startMs - b.startMs || a.version.localeCompare(b.version))
    .map((group) => {
      const [latencyP50 = null, latencyP95 = null, latencyP99 = null] =
        group.stored?.quantiles ?? histogramQuantiles(group.latency, [0.5, 0.95, 0.99]);
      return {
        version: group.version,
        segment: group.segment,
        start: new Date(group.startMs).toISOString(),
        widthMs: group.widthMs,
        partial: group.startMs + group.widthMs > nowMs,
        requests: group.requests,
        errors: group.errors,
        latencyP50,
        latencyP95,
        latencyP99,
        inputTokens: group.inputTokens,
        outputTokens: group.outputTokens,
        costUsd: group.costUsd,
        toolCalls: group.toolCalls,
        assertionFailures: group.assertionFailures,
        latency: group.stored?.histogram ?? encodeHistogram(group.latency),
      };
    });
}

export interface RecorderOptions {
  flushMs: number;
  /** Width of a fine bucket. */
  bucketMs: number;
  /** How long aggregates are kept (ten-minute ones; fine ones for FINE_ROWS buckets of it, six hours at most). */
  retentionMs: number;
  now?: () => number;
}

/**
 * Fine buckets are kept six hours, or 2,160 buckets when they are narrower than 10 s; reads
 * reaching further back, or asking wider buckets, use ten-minute ones. Either way a read touches
 * at most 2,160 fine rows, or one ten-minute row per 10 minutes of the retention, per version.
 */
const FINE_ROWS = 2160;
const COARSE_MS = 600_000;

/**
 * Served requests are counted at record time into one aggregate per agent, version, segment and
 * bucket — in two widths, fine and ten minutes — held in memory and added to the database every
 * flush interval (one transaction), so the database is neither on a request's path nor grows
 * with traffic; a read flushes first, so guardrails see every request. A read touches a bounded
 * number of rows per version (FINE_ROWS), whatever the traffic was. Aggregates past their
 * retention are trimmed as they flush.
 * The Prometheus registry uses the OpenTelemetry GenAI names in Prometheus label syntax.
 */
export function createRecorder(store: RuntimeStore, options: RecorderOptions) {
  const now = options.now ?? Date.now;
  const widths = options.bucketMs >= COARSE_MS ? [options.bucketMs] : [options.bucketMs, COARSE_MS];
  const coarse = widths.at(-1) ?? COARSE_MS;
  const fineRetentionMs = Math.min(FINE_ROWS * options.bucketMs, options.retentionMs);
  let pending = new Map<string, Aggregate>();
  let trimmedAt = 0;
  const flush = () => {
    const batch = [...pending.values()];
    pending = new Map();
    store.addAggregates(batch);
    const at = now();
    if (at - trimmedAt >= 60_000) {
      trimmedAt = at;
      store.trimAggregates(coarse, at - options.retentionMs);
      if (coarse !== options.bucketMs) store.trimAggregates(options.bucketMs, at - fineRetentionMs);
    }
  };
  const timer = setInterval(flush, options.flushMs);
  timer.unref();

  const registry = new Registry();
  const labels = ['agent', 'version', 'gen_ai_request_model', 'gen_ai_system'] as const;
  const requests = new Counter({
    name: 'slipway_requests_total',
    help: 'Requests served, by agent and version',
    labelNames: [...labels, 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gen_ai_client_operation_duration_seconds',
    help: 'Time to serve a request, by agent and version',
    labelNames: labels,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'gen_ai_client_token_usage_total',
    help: 'Tokens used, by agent, version and gen_ai_token_type',
    labelNames: [...labels, 'gen_ai_token_type'],
    registers: [registry],
  });
  const cost = new Counter({
    name: 'slipway_cost_usd_total',
    help: 'Cost of the model calls in US dollars',
    labelNames: labels,
    registers: [registry],
  });

  // Each labelled series is looked up once per agent, version and model: prom-client checks and
  // hashes labels on every call otherwise, which cost more than the rest of recording a request.
  const series = new Map<string, ReturnType<typeof makeSeries>>();
  const makeSeries = (base: Record<(typeof labels)[number], string>) => ({
    ok: requests.labels({ ...base, outcome: 'ok' }),
    error: requests.labels({ ...base, outcome: 'error' }),
    duration: duration.labels(base),
    input: tokens.labels({ ...base, gen_ai_token_type: 'input' }),
    output: tokens.labels({ ...base, gen_ai_token_type: 'output' }),
    cost: cost.labels(base),
  });
  const seriesOf = (request: ServedRequest, model: { name: string; system: string }) => {
    const key = `${request.agent}\u0000${request.version}\u0000${model.name}\u0000${model.system}`;
    let found = series.get(key);
    if (!found)
      series.set(
        key,
        (found = makeSeries({
          agent: request.agent,
          version: request.version.slice(0, 12),
          gen_ai_request_model: model.name,
          gen_ai_system: model.system,
        })),
      );
    return found;
  };

  /** The rows a read since `sinceMs` needs: fine ones when they reach that far back and are narrow enough, else ten-minute ones. */
  const read = (agent: string, sinceMs: number, bucketMs: number): Aggregate[] => {
    flush();
    const at = now();
    const since = Math.max(sinceMs, at - options.retentionMs);
    const width = bucketMs < coarse && since >= at - fineRetentionMs ? options.bucketMs : coarse;
    return store.aggregatesSince(agent, width, Math.floor(since / width) * width);
  };

  return {
    record: (request: ServedRequest, model: { name: string; system: string }) => {
      for (const widthMs of widths) {
        const startMs = Math.floor(request.atMs / widthMs) * widthMs;
        const key = `${request.agent}\u0000${request.version}\u0000${request.segment}\u0000${widthMs}\u0000${startMs}`;
        let aggregate = pending.get(key);
        if (!aggregate)
          pending.set(
            key,
            (aggregate = emptyAggregate({
              agent: request.agent,
              version: request.version,
              segment: request.segment,
              startMs,
              widthMs,
            })),
          );
        aggregate.requests += 1;
        if (request.error) aggregate.errors += 1;
        aggregate.inputTokens += request.inputTokens;
        aggregate.outputTokens += request.outputTokens;
        aggregate.costUsd += request.costUsd;
        aggregate.toolCalls += request.toolCalls;
        if (request.assertionFailed) aggregate.assertionFailures += 1;
        observe(aggregate.latency, request.latencyMs);
      }

      const series = seriesOf(request, model);
      (request.error ? series.error : series.ok).inc();
      series.duration.observe(request.latencyMs / 1000);
      series.input.inc(request.inputTokens);
      series.output.inc(request.outputTokens);
      series.cost.inc(request.costUsd);
    },
    /** An agent's buckets since a time, regrouped to `bucketMs`. */
    buckets: (agent: string, sinceMs: number, bucketMs: number): MetricsBucket[] =>
      toBuckets(read(agent, sinceMs, bucketMs), bucketMs, now()),
    /** The buckets of one version a guardrail window covers. */
    window: (agent: string, version: string, windowMs: number): MetricsBucket[] =>
      toBuckets(
        read(agent, now() - windowMs, options.bucketMs).filter((row) => row.version === version),
        options.bucketMs,
        now(),
      ),
    bucketMs: options.bucketMs,
    prometheus: () => registry.metrics(),
    contentType: registry.contentType,
    close: () => {
      clearInterval(timer);
      flush();
    },
  };
}

export type Recorder = ReturnType<typeof createRecorder>;
