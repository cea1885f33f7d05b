import { z } from 'zod';
import { ErrorBody } from './protocol';
import { PATH_PARAMS, PROTOCOL_HEADER, PROTOCOL_VERSION, REQUEST_ID_HEADER, VERSION_HEADER, routes, type Route } from './routes';

type Schema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
const json = (schema: z.ZodType): Schema => ({ content: { 'application/json': { schema: jsonSchema(schema) } } });
const ok = (description: string, schema: z.ZodType) => ({ description, ...json(schema) });
const errors = {
  '400': ok('The body or a parameter is invalid; the message says which', ErrorBody),
  '401': ok('No token, or an unknown, revoked or expired one', ErrorBody),
  '403': ok("The token's role may not do this, or the operator's policy does not let the version run", ErrorBody),
};
/** What a route with a body may also answer: a body past its limit. */
const bodyErrors = { '413': ok("The body is over this route's limit (refused before it is read)", ErrorBody) };
/** What a route that serves traffic may also answer: the upstream's own failures. */
const trafficErrors = {
  '429': ok("The upstream is rate limiting (after the version's own retries); Retry-After says when to try again", ErrorBody),
  '502': ok(`The upstream failed; ${VERSION_HEADER} says which version served`, ErrorBody),
  '504': ok("The upstream did not answer within the version's timeout_ms", ErrorBody),
};

function parametersOf(spec: Route): unknown[] {
  const path = [...spec.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: jsonSchema(PATH_PARAMS[name as keyof typeof PATH_PARAMS]),
  }));
  const query = spec.query
    ? Object.entries(spec.query.shape).map(([name, schema]) => ({ name, in: 'query', schema: jsonSchema(schema as z.ZodType) }))
    : [];
  const headers = (spec.headers ?? []).map((header) => ({ ...header, in: 'header', schema: { type: 'string' } }));
  return [...path, ...query, ...headers];
}

function operationOf(spec: Route): Schema {
  const parameters = parametersOf(spec);
  return {
    summary: spec.summary,
    description: [spec.roles ? `Roles: ${spec.roles.join(', ')}.` : 'No token needed.', spec.description ?? ''].join(' ').trim(),
    ...(spec.roles ? {} : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: true, ...json(spec.body) } } : {}),
    responses: {
      [String(spec.status ?? 200)]: spec.answer ? ok(spec.summary, spec.answer) : { description: spec.summary },
      ...Object.fromEntries(
        Object.entries(spec.also ?? {}).map(([status, answer]) => [status, ok(answer.description, answer.schema)]),
      ),
      ...(spec.roles ? errors : {}),
      ...(spec.body ? bodyErrors : {}),
      ...(spec.limit === 'traffic' ? trafficErrors : {}),
    },
  };
}

/** The runtime protocol as an OpenAPI 3.1 document, made from the route table (shared/release/routes.ts). */
export function runtimeOpenApi(): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const spec of Object.values(routes) as Route[]) (paths[spec.path] ??= {})[spec.method.toLowerCase()] = operationOf(spec);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Slipway runtime protocol',
      version: String(PROTOCOL_VERSION),
      description: `HTTP + JSON between Slipway and an agent runtime. Every request carries \`Authorization: Bearer <token>\`; tokens have roles: invoker (traffic only), viewer (read), deployer (commands), admin (tokens, plans, guardrails, capture, webhooks); a token may expire and be revoked. Every answer carries \`${PROTOCOL_HEADER}: ${PROTOCOL_VERSION}\`, the protocol version the runtime speaks (also in \`/health\`; a client refuses a runtime that speaks another), and \`${REQUEST_ID_HEADER}\`, the request's id (a chat completion's \`id\` too); a served answer, errors included, carries \`${VERSION_HEADER}\`. Errors are OpenAI-shaped: \`{error: {message, type, code}}\`. What a command records as its actor is the token's name, never a field of the body.`,
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
