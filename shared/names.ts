import { z } from 'zod';

const NAME_PATTERN = /^[a-z][a-z0-9-]*$/;
export const RESERVED_SELECTORS = ['draft', 'latest'] as const;
const MAX_NAME_LENGTH = 64;

function nameSchema(what: string) {
  return z
    .string()
    .min(1, `${what} name is empty`)
    .max(MAX_NAME_LENGTH, `${what} name is longer than ${MAX_NAME_LENGTH} characters`)
    .regex(
      NAME_PATTERN,
      `${what} name must match ^[a-z][a-z0-9-]*$ (lower-case letters, digits and dashes, starting with a letter)`,
    )
    .refine((name) => !(RESERVED_SELECTORS as readonly string[]).includes(name), {
      message: `${what} name cannot be "draft" or "latest": those words are reserved in refs`,
    });
}

/**
 * A name of a thing refs never select (a suite, a dataset, a target, a team): the same rule as an
 * agent's, said in the same words, without the reserved selectors.
 */
export function plainName(what: string) {
  return z
    .string()
    .min(1, `a ${what} name is empty`)
    .max(MAX_NAME_LENGTH, `a ${what} name is longer than ${MAX_NAME_LENGTH} characters`)
    .regex(NAME_PATTERN, `a ${what} name is lower-case letters, digits and dashes, starting with a letter`);
}

export const AgentName = nameSchema('agent');
export const LabelName = nameSchema('label');

export const SEMVER_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
export const Semver = z.string().regex(SEMVER_PATTERN, 'version must be MAJOR.MINOR.PATCH, for example 1.2.0');

/** The content hash of a version: the sha256 of its manifest, 64 lower-case hex digits. */
export const Hash = z.string().regex(/^[0-9a-f]{64}$/, 'a version hash is 64 lower-case hex digits (sha256)');

/** What is wrong with a name by its schema, in the schema's own words; null when it is fine. Forms check as the user types. */
export function nameProblem(schema: z.ZodType<string>, name: string): string | null {
  const parsed = schema.safeParse(name);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'not a valid name');
}
