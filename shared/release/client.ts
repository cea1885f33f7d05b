import { z } from 'zod';
import { SlipwayError } from '../errors';
import {
  CommandAnswer,
  Guardrails,
  MetricsBucket,
  ReleasePlan,
  ReleaseState,
  RuntimeEvent,
  Sample,
  TeamAnswer,
  TeamState,
  type CommandAction,
} from './protocol';

/** A runtime's refusal, with the HTTP status and the state it sent back (409). */
export class RuntimeRefusal extends SlipwayError {
  constructor(
    readonly status: number,
    message: string,
    readonly state: ReleaseState | null,
  ) {
    super('refused', message);
  }
}

const Refusal = z.object({ error: z.object({ code: z.string(), message: z.string() }), state: ReleaseState.optional() });

/** The runtime protocol from Slipway's side: every answer checked with its schema. */
export function runtimeClient(base: string, token: string, fetcher: typeof fetch = fetch) {
  const call = async <T>(schema: z.ZodType<T>, method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetcher(`${base.replace(/\/$/, '')}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new SlipwayError(
        'unavailable',
        `cannot reach the runtime at ${base}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const text = await response.text();
    let value: unknown;
    try {
      value = text ? JSON.parse(text) : {};
    } catch {
      throw new SlipwayError(
        'incompatible',
        `the runtime at ${base} answered ${response.status} with something that is not JSON`,
      );
    }
    if (!response.ok) {
      const refusal = Refusal.safeParse(value);
      throw new RuntimeRefusal(
        response.status,
        refusal.success ? refusal.data.error.message : `the runtime answered ${response.status}`,
        refusal.success ? (refusal.data.state ?? null) : null,
      );
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      throw new SlipwayError(
        'incompatible',
        `the runtime at ${base} answered in an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    return parsed.data;
  };
  const state = (agent: string) => call(ReleaseState, 'GET', `/v1/agents/${encodeURIComponent(agent)}/release`);
  return {
    state,
    upload: (agent: string, hash: string, semver: string, files: Record<string, string>) =>
      call(
        z.object({ hash: z.string(), semver: z.string(), created: z.boolean() }),
        'PUT',
        `/v1/agents/${encodeURIComponent(agent)}/versions/${hash}`,
        { semver, files },
      ),
    /** A command at the generation the runtime is at now (or the one given), with a fresh idempotency key. */
    command: async (agent: string, action: CommandAction, options: { expectedGeneration?: number; actor?: string } = {}) =>
      call(CommandAnswer, 'POST', `/v1/agents/${encodeURIComponent(agent)}/commands`, {
        idempotencyKey: crypto.randomUUID(),
        expectedGeneration: options.expectedGeneration ?? (await state(agent)).generation,
        action,
        ...(options.actor ? { actor: options.actor } : {}),
      }),
    team: (team: string) => call(TeamState, 'GET', `/v1/teams/${encodeURIComponent(team)}`),
    /** Every member to its version in one step, at the team's generation now (or the one given). */
    teamRelease: async (
      team: string,
      members: Record<string, string>,
      options: { release?: string; actor?: string; expectedGeneration?: number } = {},
    ) =>
      call(TeamAnswer, 'POST', `/v1/teams/${encodeURIComponent(team)}/release`, {
        idempotencyKey: crypto.randomUUID(),
        expectedGeneration:
          options.expectedGeneration ?? (await call(TeamState, 'GET', `/v1/teams/${encodeURIComponent(team)}`)).generation,
        members,
        ...(options.release ? { release: options.release } : {}),
        ...(options.actor ? { actor: options.actor } : {}),
      }),
    teamRollback: async (team: string, reason: string, options: { actor?: string; expectedGeneration?: number } = {}) =>
      call(TeamAnswer, 'POST', `/v1/teams/${encodeURIComponent(team)}/rollback`, {
        idempotencyKey: crypto.randomUUID(),
        expectedGeneration:
          options.expectedGeneration ?? (await call(TeamState, 'GET', `/v1/teams/${encodeURIComponent(team)}`)).generation,
        reason,
        ...(options.actor ? { actor: options.actor } : {}),
      }),
    setPlan: (agent: string, plan: ReleasePlan) =>
      call(z.object({ plan: ReleasePlan }), 'PUT', `/v1/agents/${encodeURIComponent(agent)}/plan`, plan),
    setGuardrails: (agent: string, guardrails: Guardrails) =>
      call(z.object({ guardrails: Guardrails }), 'PUT', `/v1/agents/${encodeURIComponent(agent)}/guardrails`, guardrails),
    guardrails: (agent: string) =>
      call(z.object({ guardrails: Guardrails.nullable() }), 'GET', `/v1/agents/${encodeURIComponent(agent)}/guardrails`),
    plan: (agent: string) =>
      call(z.object({ plan: ReleasePlan.nullable() }), 'GET', `/v1/agents/${encodeURIComponent(agent)}/plan`),
    events: (after: number, agent?: string) =>
      call(
        z.object({ events: z.array(RuntimeEvent) }),
        'GET',
        `/v1/events?stream=false&after=${after}${agent ? `&agent=${encodeURIComponent(agent)}` : ''}`,
      ),
    samples: (agent: string, after = 0) =>
      call(
        z.object({ samples: z.array(Sample) }),
        'GET',
        `/v1/agents/${encodeURIComponent(agent)}/samples?after=${after}&limit=1000`,
      ),
    invoke: (agent: string, vars: Record<string, unknown>, routingKey: string) =>
      call(z.object({ output: z.string() }).loose(), 'POST', `/v1/agents/${encodeURIComponent(agent)}/invoke`, { vars }).then(
        (value) => ({ ...value, routingKey }),
      ),
    metrics: (agent: string, sinceIso: string) =>
      call(
        z.object({ agent: z.string(), buckets: z.array(MetricsBucket) }),
        'GET',
        `/v1/agents/${encodeURIComponent(agent)}/metrics?since=${encodeURIComponent(sinceIso)}`,
      ),
  };
}

export type RuntimeClient = ReturnType<typeof runtimeClient>;
