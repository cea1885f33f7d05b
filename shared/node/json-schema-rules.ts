import { Ajv } from 'ajv';
import type { FileRules } from '../validate-files';

let meta: Ajv | null = null;

/** A JSON Schema's problems by ajv's meta-schema (draft-07), each at its path inside the schema. */
export function schemaProblems(schema: Record<string, unknown>): Array<{ path: string[]; message: string }> {
  meta ??= new Ajv({ strict: false, allErrors: true });
  if (meta.validateSchema(schema) === true) return [];
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
