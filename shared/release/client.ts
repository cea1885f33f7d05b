import { z } from 'zod';
import { SlipwayError } from '../errors';
import { ReleaseState, type CommandAction, type Guardrails, type ReleasePlan } from './protocol';
import { PROTOCOL_HEADER, PROTOCOL_VERSION, pathOf, routes, type ParamsOf, type Route } from './routes';
import { describeIssues } from '../issues';

/** A runtime's refusal (a 4xx answer), with the HTTP status and the state it sent back (409). */
export class RuntimeRefusal extends SlipwayError {
  constructor(
    readonly status: number,
    message: string,
    readonly state: ReleaseState | null,
  ) {
    super('refused', message);
  }
}

const Refusal = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
  state: ReleaseState.optional(),
});

type Input<P extends string, B extends z.ZodType | null, Q extends z.ZodObject | null> = {
  params: ParamsOf<P>;
} & (B extends z.ZodType ? { body: z.input<B> } : { body?: never }) &
  (Q extends z.ZodObject ? { query?: z.input<Q> } : { query?: never });

/**
 * The runtime protocol from Slipway's side, every call made from the route table: its path and
 * method, its body checked before it leaves, its answer parsed with the route's schema, and the
 * runtime's protocol version checked first, so a runtime this Slipway cannot speak to is refused
 * by name instead of failing on a missing field.
 */
export function runtimeClient(base: string, token: string, fetcher: typeof fetch = fetch) {
  const root = base.replace(/\/$/, '');
  const call = async <P extends string, B extends z.ZodType | null, A extends z.ZodType, Q extends z.ZodObject | null>(
    route: Route<P, B, A, Q>,
    input: Input<P, B, Q>,
  ): Promise<z.output<A>> => {
    const query = input.query
      ? `?${new URLSearchParams(
          Object.entries(input.query as Record<string, unknown>).flatMap(([key, value]) =>
            value === undefined ? [] : [[key, String(value)]],
          ),
        ).toString()}`
      : '';
    if (route.body && input.body !== undefined) {
      const checked = route.body.safeParse(input.body);
      if (!checked.success)
        throw new SlipwayError(
          'invalid_input',
          `${route.method} ${route.path}: ${describeIssues(checked.error, { root: 'body' })}`,
        );
    }
    let response: Response;
    try {
      response = await fetcher(`${root}${pathOf(route, input.params)}${query}`, {
        method: route.method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(input.body === undefined ? {} : { body: JSON.stringify(input.body) }),
      });
    } catch (error) {
      throw new SlipwayError(
        'unavailable',
        `cannot reach the runtime at ${base}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const spoken = response.headers.get(PROTOCOL_HEADER);
    // A proxy or load balancer in front of a runtime that is down answers 502/503 without the header.
    if (spoken === null && response.status >= 500) {
      await response.body?.cancel();
      throw new SlipwayError(
        'unavailable',
        `the runtime at ${base} is not answering (HTTP ${response.status} from in front of it)`,
      );
    }
    if (spoken !== String(PROTOCOL_VERSION)) {
      await response.body?.cancel();
      throw new SlipwayError(
        'incompatible',
        spoken === null
          ? `the runtime at ${base} does not say which protocol it speaks (no ${PROTOCOL_HEADER} header); this Slipway speaks protocol ${PROTOCOL_VERSION}`
          : `the runtime at ${base} speaks protocol ${spoken}; this Slipway speaks protocol ${PROTOCOL_VERSION}: upgrade the older one`,
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
      if (response.status >= 500)
        throw new SlipwayError(
          'unavailable',
          `the runtime at ${base} failed (HTTP ${response.status})${refusal.success ? `: ${refusal.data.error.message}` : ''}`,
        );
      throw new RuntimeRefusal(
        response.status,
        refusal.success ? refusal.data.error.message : `the runtime answered ${response.status}`,
        refusal.success ? (refusal.data.state ?? null) : null,
      );
    }
    const parsed = route.answer.safeParse(value);
    if (!parsed.success)
      throw new SlipwayError(
        'incompatible',
        `the runtime at ${base} answered ${route.method} ${route.path} in an unexpected shape: ${describeIssues(parsed.error, { most: 1 })}`,
      );
    return parsed.data;
  };

  const state = (agent: string) => call(routes.state, { params: { agent } });
  const team = (name: string) => call(routes.team, { params: { team: name } });
  return {
    health: () => call(routes.health, { params: {} }),
    state,
    upload: (agent: string, hash: string, semver: string, files: Record<string, string>) =>
      call(routes.upload, { params: { agent, hash }, body: { semver, files } }),
    /** A command at the generation the runtime is at now (or the one given), with a fresh idempotency key. */
    command: async (agent: string, action: CommandAction, options: { expectedGeneration?: number } = {}) =>
      call(routes.command, {
        params: { agent },
        body: {
          idempotencyKey: crypto.randomUUID(),
          expectedGeneration: options.expectedGeneration ?? (await state(agent)).generation,
          action,
        },
      }),
    team,
    /** Every member to its version in one step, at the team's generation now (or the one given). */
    teamRelease: async (
      name: string,
      members: Record<string, string>,
      options: { release?: string; expectedGeneration?: number; idempotencyKey?: string } = {},
    ) =>
      call(routes.teamRelease, {
        params: { team: name },
        body: {
          idempotencyKey: options.idempotencyKey ?? crypto.randomUUID(),
          expectedGeneration: options.expectedGeneration ?? (await team(name)).generation,
          members,
          ...(options.release ? { release: options.release } : {}),
        },
      }),
    teamRollback: async (name: string, reason: string, options: { expectedGeneration?: number } = {}) =>
      call(routes.teamRollback, {
        params: { team: name },
        body: {
          idempotencyKey: crypto.randomUUID(),
          expectedGeneration: options.expectedGeneration ?? (await team(name)).generation,
          reason,
        },
      }),
    setPlan: (agent: string, plan: ReleasePlan) => call(routes.setPlan, { params: { agent }, body: plan }),
    setGuardrails: (agent: string, guardrails: Guardrails) => call(routes.setGuardrails, { params: { agent }, body: guardrails }),
    guardrails: (agent: string) => call(routes.guardrails, { params: { agent } }),
    plan: (agent: string) => call(routes.plan, { params: { agent } }),
    events: (after: number, agent?: string) =>
      call(routes.events, { params: {}, query: { stream: 'false', after: String(after), ...(agent ? { agent } : {}) } }),
    samples: (agent: string, after = 0) =>
      call(routes.samples, { params: { agent }, query: { after: String(after), limit: '1000' } }),
    invoke: (agent: string, vars: Record<string, unknown>) => call(routes.invoke, { params: { agent }, body: { vars } }),
    metrics: (agent: string, sinceIso: string) => call(routes.metrics, { params: { agent }, query: { since: sinceIso } }),
  };
}

export type RuntimeClient = ReturnType<typeof runtimeClient>;
