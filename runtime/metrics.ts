import { Counter, Histogram, Registry } from 'prom-client';
import type { MetricsBucket } from '../shared/release/protocol';
import { quantile } from '../shared/stats';
import type { RuntimeStore, ServedRequest } from './store';

/** A window's figures for one version, as guardrails judge them. */
export interface WindowStats {
  requests: number;
  errorRate: number;
  p95LatencyMs: number | null;
  costPerRequestUsd: number | null;
  assertionFailureRate: number;
}

export function windowStats(requests: ServedRequest[]): WindowStats {
  const n = requests.length;
  return {
    requests: n,
    errorRate: n ? requests.filter((request) => request.error).length / n : 0,
    p95LatencyMs: quantile(
      requests.map((request) => request.latencyMs),
      0.95,
    ),
    costPerRequestUsd: n ? requests.reduce((sum, request) => sum + request.costUsd, 0) / n : null,
    assertionFailureRate: n ? requests.filter((request) => request.assertionFailed).length / n : 0,
  };
}

/** Per version and time bucket: requests, errors, latency p50/p95/p99, tokens, cost, tool calls. */
export function buckets(requests: ServedRequest[], bucketMs: number): MetricsBucket[] {
  const groups = new Map<string, ServedRequest[]>();
  for (const request of requests) {
    const start = Math.floor(request.atMs / bucketMs) * bucketMs;
    const key = `${request.version}|${start}`;
    groups.set(key, [...(groups.get(key) ?? []), request]);
  }
  return [...groups.entries()].map(([key, group]) => {
    const [version = '', start = '0'] = key.split('|');
    const latencies = group.map((request) => request.latencyMs);
    return {
      version,
      start: new Date(Number(start)).toISOString(),
      requests: group.length,
      errors: group.filter((request) => request.error).length,
      latencyP50: quantile(latencies, 0.5),
      latencyP95: quantile(latencies, 0.95),
      latencyP99: quantile(latencies, 0.99),
      inputTokens: group.reduce((sum, request) => sum + request.inputTokens, 0),
      outputTokens: group.reduce((sum, request) => sum + request.outputTokens, 0),
      costUsd: group.reduce((sum, request) => sum + request.costUsd, 0),
      toolCalls: group.reduce((sum, request) => sum + request.toolCalls, 0),
      assertionFailures: group.filter((request) => request.assertionFailed).length,
    };
  });
}

/**
 * Served requests are buffered and written in one transaction every flush interval, so the
 * database is not on a request's path; a window read flushes first, so guardrails see them all.
 * The Prometheus registry uses the OpenTelemetry GenAI names in Prometheus label syntax.
 */
export function createRecorder(store: RuntimeStore, options: { flushMs: number }) {
  let pending: ServedRequest[] = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    store.recordRequests(batch);
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

  return {
    record: (request: ServedRequest, model: { name: string; system: string }) => {
      pending.push(request);
      const base = {
        agent: request.agent,
        version: request.version.slice(0, 12),
        gen_ai_request_model: model.name,
        gen_ai_system: model.system,
      };
      requests.inc({ ...base, outcome: request.error ? 'error' : 'ok' });
      duration.observe(base, request.latencyMs / 1000);
      tokens.inc({ ...base, gen_ai_token_type: 'input' }, request.inputTokens);
      tokens.inc({ ...base, gen_ai_token_type: 'output' }, request.outputTokens);
      cost.inc(base, request.costUsd);
    },
    since: (agent: string, sinceMs: number): ServedRequest[] => {
      flush();
      return store.requestsSince(agent, sinceMs);
    },
    prometheus: () => registry.metrics(),
    contentType: registry.contentType,
    close: () => {
      clearInterval(timer);
      flush();
    },
  };
}

export type Recorder = ReturnType<typeof createRecorder>;
