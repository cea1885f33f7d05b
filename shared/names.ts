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

export const AgentName = nameSchema('agent');
export const LabelName = nameSchema('label');

export const SEMVER_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
export const Semver = z.string().regex(SEMVER_PATTERN, 'version must be MAJOR.MINOR.PATCH, for example 1.2.0');

/** The content hash of a version: the sha256 of its manifest, 64 lower-case hex digits. */
export const Hash = z.string().regex(/^[0-9a-f]{64}$/, 'a version hash is 64 lower-case hex digits (sha256)');
