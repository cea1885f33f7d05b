import { z } from 'zod';
import {
  Capture,
  Command,
  CommandAnswer,
  ErrorBody,
  Guardrails,
  InvokeRequest,
  InvokeResponse,
  MetricsBucket,
  ReleasePlan,
  ReleaseState,
  RuntimeEvent,
  Sample,
  TeamAnswer,
  TeamReleaseCommand,
  TeamRollbackCommand,
  TeamState,
  TokenRequest,
  VersionUpload,
  Webhook,
} from './protocol';

type Schema = Record<string, unknown>;

const json = (schema: z.ZodType): Schema => ({
  content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } },
});
const ok = (description: string, schema: z.ZodType) => ({ description, ...json(schema) });
const errors = {
  '400': ok('The body or a parameter is invalid; the message says which', ErrorBody),
  '401': ok('No token, or an unknown one', ErrorBody),
  '403': ok("The token's role may not do this", ErrorBody),
};
const agent = { name: 'agent', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' } };
const team = { name: 'team', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' } };

function operation(
  summary: string,
  roles: string,
  responses: Record<string, unknown>,
  body?: z.ZodType,
  parameters: unknown[] = [agent],
): Schema {
  return {
    summary,
    description: `Roles: ${roles}.`,
    parameters,
    ...(body ? { requestBody: { required: true, ...json(body) } } : {}),
    responses: { ...responses, ...errors },
  };
}

/** The runtime protocol as an OpenAPI 3.1 document, generated from the zod schemas it is checked with. */
export function runtimeOpenApi(): Schema {
  const conflict = {
    description: 'The release is at another generation (or the eval gate refuses); the current state comes back',
    ...json(ErrorBody.extend({ state: ReleaseState.optional() })),
  };
  const teamConflict = {
    description: 'The team is at another generation; its current state comes back',
    ...json(ErrorBody.extend({ state: TeamState.optional() })),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Slipway runtime protocol',
      version: '1',
      description:
        'HTTP + JSON between Slipway and an agent runtime. Every request carries `Authorization: Bearer <token>`; tokens have roles: invoker (traffic only), viewer (read), deployer (commands), admin (tokens, plans, guardrails, capture, webhooks).',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: {
      '/v1/agents/{agent}/versions/{hash}': {
        put: operation(
          'Upload a version; the runtime recomputes the hash and refuses a mismatch; re-uploading is a no-op',
          'deployer, admin',
          {
            '201': ok('Stored', z.object({ hash: z.string(), semver: z.string(), created: z.boolean() })),
            '200': ok('Already there', z.object({ hash: z.string(), semver: z.string(), created: z.boolean() })),
          },
          VersionUpload,
          [agent, { name: 'hash', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } }],
        ),
      },
      '/v1/agents/{agent}/release': {
        get: operation(
          'The release state: stable, canary and weight, shadow and share, paused, plan position, generation',
          'viewer, deployer, admin',
          { '200': ok('The state', ReleaseState) },
        ),
      },
      '/v1/agents/{agent}/commands': {
        post: operation(
          'Apply a command (deploy, canary, set-weight, pause, resume, promote, rollback, shadow, shadow-off); a retried idempotency key answers as before',
          'deployer, admin',
          { '200': ok('Applied (or replayed: applied false)', CommandAnswer), '409': conflict },
          Command,
        ),
      },
      '/v1/agents/{agent}/plan': {
        get: operation('The release plan', 'viewer, deployer, admin', {
          '200': ok('The plan or null', z.object({ plan: ReleasePlan.nullable() })),
        }),
        put: operation(
          'Set the release plan (eval gate with attestations, shadow phase, steps, auto-advance)',
          'admin',
          { '200': ok('Stored', z.object({ plan: ReleasePlan })) },
          ReleasePlan,
        ),
      },
      '/v1/agents/{agent}/guardrails': {
        get: operation('The guardrails', 'viewer, deployer, admin', {
          '200': ok('The guardrails or null', z.object({ guardrails: Guardrails.nullable() })),
        }),
        put: operation(
          'Set the guardrails a canary is judged by',
          'admin',
          { '200': ok('Stored', z.object({ guardrails: Guardrails })) },
          Guardrails,
        ),
      },
      '/v1/agents/{agent}/capture': {
        put: operation(
          'Set the retention and redaction of captured shadow samples',
          'admin',
          { '200': ok('Stored', z.object({ capture: Capture })) },
          Capture,
        ),
      },
      '/v1/agents/{agent}/webhooks': {
        put: operation(
          'Set the webhooks for guardrail trips, rollbacks, promotions and steps',
          'admin',
          { '200': ok('Stored', z.object({ webhooks: z.object({ hooks: z.array(Webhook) }) })) },
          z.object({ hooks: z.array(Webhook) }),
        ),
      },
      '/v1/agents/{agent}/metrics': {
        get: operation(
          'Per version and time bucket: requests, errors, latency p50/p95/p99, tokens, cost, tool calls, live assertion failures',
          'viewer, deployer, admin',
          { '200': ok('Buckets', z.object({ agent: z.string(), buckets: z.array(MetricsBucket) })) },
          undefined,
          [
            agent,
            { name: 'since', in: 'query', schema: { type: 'string', format: 'date-time' } },
            { name: 'bucketMs', in: 'query', schema: { type: 'integer' } },
          ],
        ),
      },
      '/v1/agents/{agent}/samples': {
        get: operation(
          'Captured shadow samples, oldest first after a cursor',
          'viewer, deployer, admin',
          { '200': ok('Samples', z.object({ samples: z.array(Sample) })) },
          undefined,
          [
            agent,
            { name: 'after', in: 'query', schema: { type: 'integer' } },
            { name: 'limit', in: 'query', schema: { type: 'integer' } },
          ],
        ),
      },
      '/v1/agents/{agent}/invoke': {
        post: operation(
          'Serve a request: routed by a sticky weighted hash of x-slipway-routing-key (else random)',
          'invoker, admin',
          { '200': ok('The answer and the version that served it', InvokeResponse) },
          InvokeRequest,
          [agent, { name: 'x-slipway-routing-key', in: 'header', schema: { type: 'string' } }],
        ),
      },
      '/v1/teams/{team}': {
        get: operation(
          "A team's release: the version each member serves, the team releases before, generation",
          'viewer, deployer, admin',
          { '200': ok('The team state', TeamState) },
          undefined,
          [team],
        ),
      },
      '/v1/teams/{team}/release': {
        post: operation(
          'Switch every member to its version as its stable, in one generation of the team and of each member (one transaction); any canary or shadow of a member ends',
          'deployer, admin',
          { '200': ok('Applied (or replayed: applied false)', TeamAnswer), '409': teamConflict },
          TeamReleaseCommand,
          [team],
        ),
      },
      '/v1/teams/{team}/rollback': {
        post: operation(
          'Restore the previous team release in one step',
          'deployer, admin',
          { '200': ok('Applied (or replayed: applied false)', TeamAnswer), '409': teamConflict },
          TeamRollbackCommand,
          [team],
        ),
      },
      '/v1/chat/completions': {
        post: {
          summary: 'OpenAI-compatible chat completions (stream too); model names the agent',
          description:
            'Roles: invoker, admin. The served version’s system prompt and examples come before the messages; its model and parameters are used.',
          responses: {
            '200': { description: 'A chat.completion, or server-sent chat.completion.chunk events with stream: true' },
            ...errors,
          },
        },
      },
      '/v1/events': {
        get: {
          summary: 'Events as server-sent events (id = cursor; resume with Last-Event-ID or ?after=), or JSON with ?stream=false',
          description: 'Roles: viewer, deployer, admin.',
          parameters: [
            { name: 'after', in: 'query', schema: { type: 'integer' } },
            { name: 'agent', in: 'query', schema: { type: 'string' } },
            { name: 'stream', in: 'query', schema: { type: 'boolean' } },
          ],
          responses: { '200': ok('Events', z.object({ events: z.array(RuntimeEvent) })), ...errors },
        },
      },
      '/v1/tokens': {
        post: {
          summary: 'Make a token of a role; its value is shown once',
          description: 'Roles: admin.',
          requestBody: { required: true, ...json(TokenRequest) },
          responses: { '201': ok('The token', z.object({ token: z.string(), role: z.string() })), ...errors },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus text format, OpenTelemetry GenAI names (gen_ai_request_model, gen_ai_system, gen_ai_token_type)',
          description: 'Roles: viewer, deployer, admin.',
          responses: { '200': { description: 'text/plain; version=0.0.4' }, ...errors },
        },
      },
      '/health': { get: { summary: 'Liveness', security: [], responses: { '200': { description: '{ "ok": true }' } } } },
    },
  };
}
