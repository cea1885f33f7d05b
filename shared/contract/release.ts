import { z } from 'zod';
import {
  Guardrails,
  MetricsBucket,
  ReleasePlan,
  ReleaseState,
  RuntimeEvent,
  Guardrails as RuntimeGuardrails,
} from '../release/protocol';
import { AgentName, LabelName, plainName } from '../names';
import { DatasetName } from '../dataset';
import { errorCodes } from '../errors';
import { method, query } from './common';
import { DatasetDetail } from './comparing';

/** Release targets, the Release tab and the local runtime. */

export const TargetName = plainName('target');

/**
 * Where a release command goes: a target saved in the workspace (its token in the key store or
 * SLIPWAY_TOKEN_<NAME>), or a runtime's URL given there and then (its token from
 * SLIPWAY_RUNTIME_TOKEN). A URL target has no label of its own to follow the stable.
 */
export const TargetRef = z.union([
  TargetName,
  z
    .string()
    .max(2000)
    .regex(/^https?:\/\/[^\s/]+/, 'a target is a saved name (lower-case letters, digits, dashes) or an http(s) URL'),
]);

export const TargetInfo = z.object({
  name: z.string(),
  url: z.string(),
  label: z.string(),
  /** Whether its token has a value; the value never crosses the contract. */
  tokenSet: z.boolean(),
  /** The environment variable its token may come from instead (the CLI's way). */
  tokenVariable: z.string(),
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
  /** Why it could not be reached, as an error code (unavailable, incompatible, unauthorized). */
  problemCode: z.enum(errorCodes).nullable(),
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
  z.object({
    type: z.literal('rollback'),
    reason: z.string().trim().min(1, 'a rollback needs a reason').max(2000),
    /** A version to return to (uploaded first); else the previous stable one. */
    to: z.string().min(1).max(200).optional(),
  }),
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

/** A gate suite's latest run on one version: what a deploy or canary of it would go ahead on. */
export const GateSuiteCheck = z.object({
  suite: z.string(),
  verdict: z.enum(['passed', 'failed', 'running', 'missing']),
  run: z
    .object({ id: z.int(), passed: z.int().nullable(), total: z.int().nullable(), finishedAt: z.string().nullable() })
    .nullable(),
});

export const GateCheck = z.object({
  semver: z.string(),
  /** Whether the saved plan names the gate suites; without one, every suite of the agent is checked (the default gate). */
  planned: z.boolean(),
  suites: z.array(GateSuiteCheck),
});
export type GateCheck = z.infer<typeof GateCheck>;

export const LocalRuntime = z.object({
  running: z.boolean(),
  url: z.string().nullable(),
  traffic: z
    .object({ agent: z.string(), dataset: z.string(), ratePerSecond: z.number(), sent: z.int(), failed: z.int() })
    .nullable(),
});
export type LocalRuntime = z.infer<typeof LocalRuntime>;

/** Targets (tokens in the key store), releases on a target, the local runtime. */
export const releaseContract = {
  targets: {
    list: query(z.object({}), z.array(TargetInfo)),
    /** The token goes to the key store; only whether it is set comes back. */
    save: method(
      z.object({
        name: TargetName,
        url: z.url('the URL of the runtime, http(s)://…'),
        label: LabelName.default('production'),
        token: z.string().min(1).max(10_000).optional(),
      }),
      TargetInfo,
    ),
    remove: method(z.object({ name: TargetName }), z.array(TargetInfo)),
  },
  release: {
    /** The agent's release on a target; the last known state (and the problem) when it cannot be reached. */
    view: method(z.object({ agent: AgentName, target: TargetRef }), ReleaseView),
    command: method(
      z.object({
        agent: AgentName,
        target: TargetRef,
        action: ReleaseAction,
        /**
         * Go ahead though the version breaks a dependency of a team live on the target: the agent is
         * recorded as leaving its team release (team status says so). A rollback is never held back.
         */
        leaveTeam: z.boolean().default(false),
      }),
      ReleaseView,
    ),
    setGuardrails: method(z.object({ agent: AgentName, target: TargetRef, guardrails: RuntimeGuardrails }), ReleaseView),
    /** The agent's saved plans, newest revision first. */
    plans: query(z.object({ agent: AgentName }), z.array(PlanRevision)),
    /** Saves the plan in the workspace as its next revision (audited) and pushes it, with the gate's evidence for the canary. */
    setPlan: method(
      z.object({
        agent: AgentName,
        target: TargetRef,
        plan: ReleasePlan,
        /** The version whose gate evidence goes with the plan (default: the canary's). */
        for: z.string().min(1).max(200).optional(),
      }),
      ReleaseView,
    ),
    metrics: query(
      z.object({ agent: AgentName, target: TargetRef, minutes: z.int().min(1).max(1440).default(15) }),
      ReleaseMetrics,
    ),
    events: query(z.object({ agent: AgentName, target: TargetRef }), ReleaseEvents),
    /** Each gate suite's latest run on a version, before it is deployed or canaried. */
    gate: query(z.object({ agent: AgentName, ref: z.string().min(1).max(200) }), GateCheck),
    /** Where and when the agent's versions were released, from the audit. */
    deployments: query(z.object({ agent: AgentName }), z.array(Deployment)),
    samplesToDataset: method(z.object({ agent: AgentName, target: TargetRef, name: DatasetName }), DatasetDetail),
  },
  local: {
    status: query(z.object({}), LocalRuntime),
    /** Starts a reference runtime on 127.0.0.1 (data in the workspace folder) as the target "local". */
    start: method(z.object({}), LocalRuntime),
    stop: method(z.object({}), LocalRuntime),
    /** Replays a dataset against the local runtime at a rate (0 stops it). */
    traffic: method(
      z.object({ agent: AgentName, dataset: DatasetName, ratePerSecond: z.number().min(0).max(200) }),
      LocalRuntime,
    ),
  },
} as const;
