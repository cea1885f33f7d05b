import { Ajv } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019';
import { Ajv2020 } from 'ajv/dist/2020';
import type { FileRules } from '../validate-files';

type Checker = Pick<Ajv, 'validateSchema' | 'errors'>;
const checkers = new Map<string, Checker>();

/** The ajv that knows the draft a schema names: draft-07 (and 06) unless it names 2019-09 or 2020-12. */
function checkerFor(schema: Record<string, unknown>): Checker {
  const draft =
    typeof schema.$schema === 'string' && /2020-12/.test(schema.$schema)
      ? '2020'
      : typeof schema.$schema === 'string' && /2019-09/.test(schema.$schema)
        ? '2019'
        : '07';
  let checker = checkers.get(draft);
  if (!checker) {
    const options = { strict: false, allErrors: true };
    checker = draft === '2020' ? new Ajv2020(options) : draft === '2019' ? new Ajv2019(options) : new Ajv(options);
    checkers.set(draft, checker);
  }
  return checker;
}

/** A JSON Schema's problems by its meta-schema (draft-07 unless it names 2019-09 or 2020-12), each at its path inside the schema. */
export function schemaProblems(schema: Record<string, unknown>): Array<{ path: string[]; message: string }> {
  const meta = checkerFor(schema);
  let valid: boolean;
  try {
    valid = meta.validateSchema(schema) === true;
  } catch {
    // A $schema ajv has no meta-schema for (draft-04, an address of one's own): said, never a crash.
    return [
      {
        path: ['$schema'],
        message: `${JSON.stringify(schema.$schema)} is a meta-schema Slipway cannot check: use draft-07, 2019-09 or 2020-12, or leave $schema out`,
      },
    ];
  }
  if (valid) return [];
  // One problem a place: the meta-schema's alternatives (a type is a name or a list of names) would each say theirs.
  const seen = new Set<string>();
  return (meta.errors ?? []).flatMap((error) => {
    if (seen.has(error.instancePath)) return [];
    seen.add(error.instancePath);
    const path = error.instancePath
      .split('/')
      .slice(1)
      .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
    return [{ path, message: `not a valid JSON Schema: ${path.at(-1) ?? 'the schema'} ${error.message ?? 'is invalid'}` }];
  });
}

/** The rules a snapshot or an import holds an agent's files to in Node: its name, and schemas by their meta-schema. */
export function snapshotRules(agent: string): FileRules {
  return { agent, schemaProblems };
}
