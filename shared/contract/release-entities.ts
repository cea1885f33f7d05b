import { z } from 'zod';
import { Guardrails, MetricsBucket, ReleasePlan, ReleaseState, RuntimeEvent } from '../release/protocol';

/** The shapes of release targets and the Release tab that cross the contract. */

export const TargetName = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'a target name is lower-case letters, digits and dashes')
  .max(64);

export const TargetInfo = z.object({
  name: z.string(),
  url: z.string(),
  label: z.string(),
  /** Whether its token has a value; the value never crosses the contract. */
  tokenSet: z.boolean(),
  /** The runtime the app started on this machine. */
  local: z.boolean(),
});
export type TargetInfo = z.infer<typeof TargetInfo>;

/** A saved release plan: each save is the agent's next revision. */
export const PlanRevision = z.object({ revision: z.int().min(1), plan: ReleasePlan, author: z.string(), createdAt: z.string() });
export type PlanRevision = z.infer<typeof PlanRevision>;

export const ReleaseView = z.object({
  target: z.string(),
  agent: z.string(),
  reachable: z.boolean(),
  /** The state as of the last contact: current when reachable. */
  state: ReleaseState.nullable(),
  lastContact: z.string().nullable(),
  problem: z.string().nullable(),
  plan: ReleasePlan.nullable(),
  guardrails: Guardrails.nullable(),
  /** Where the plan stands: the step, how long it has held so far, and how long it must. */
  progress: z.object({ step: z.int(), heldMs: z.number(), holdMs: z.number() }).nullable(),
  /** The canary's figures in the guardrails' window, beside their limits. */
  window: z
    .object({
      requests: z.int(),
      errorRate: z.number(),
      p95LatencyMs: z.number().nullable(),
      costPerRequestUsd: z.number().nullable(),
    })
    .nullable(),
  /** Gate suites the canary's version has no passing run of, for the button that runs them. */
  gateMissing: z.array(z.string()),
});
export type ReleaseView = z.infer<typeof ReleaseView>;

export const ReleaseAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('deploy'), ref: z.string().min(1) }),
  z.object({ type: z.literal('canary'), ref: z.string().min(1), weight: z.number().gt(0).max(100) }),
  z.object({ type: z.literal('step'), weight: z.number().gt(0).max(100) }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('promote') }),
  z.object({ type: z.literal('rollback'), reason: z.string().trim().min(1, 'a rollback needs a reason').max(2000) }),
  z.object({ type: z.literal('shadow'), ref: z.string().min(1), share: z.number().gt(0).max(100) }),
  z.object({ type: z.literal('shadow-off') }),
]);
export type ReleaseAction = z.infer<typeof ReleaseAction>;

export const ReleaseMetrics = z.object({ buckets: z.array(MetricsBucket), versions: z.record(z.string(), z.string()) });
export type ReleaseMetrics = z.infer<typeof ReleaseMetrics>;

export const ReleaseEvents = z.object({ events: z.array(RuntimeEvent) });

export const Deployment = z.object({
  target: z.string(),
  action: z.string(),
  at: z.string(),
  actor: z.string(),
  semver: z.string().nullable(),
});
export type Deployment = z.infer<typeof Deployment>;

export const LocalRuntime = z.object({
  running: z.boolean(),
  url: z.string().nullable(),
  traffic: z
    .object({ agent: z.string(), dataset: z.string(), ratePerSecond: z.number(), sent: z.int(), failed: z.int() })
    .nullable(),
});
export type LocalRuntime = z.infer<typeof LocalRuntime>;
