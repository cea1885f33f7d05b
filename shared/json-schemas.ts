import { z } from 'zod';
import { FILE_SCHEMAS, type StructuredFileName } from './agent-files';
import { Suite, SuiteCase } from './suite';

/** The JSON schema file written for each structured agent file (resources/schemas/<file>.schema.json). */
export function jsonSchemaFileName(file: StructuredFileName): string {
  return `${file}.schema.json`;
}

function document(name: string, title: string, schema: z.ZodType): [string, unknown] {
  return [
    name,
    { ...z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }), $id: `https://slipway.dev/schemas/${name}`, title },
  ];
}

/**
 * JSON schemas of the agent files and of suites, generated from the zod schemas so the editor
 * and the store never disagree.
 */
export function agentFileJsonSchemas(): Record<string, unknown> {
  return Object.fromEntries([
    ...(Object.keys(FILE_SCHEMAS) as StructuredFileName[]).map((file) =>
      document(jsonSchemaFileName(file), file, FILE_SCHEMAS[file]),
    ),
    document('suite.schema.json', 'Slipway suite', Suite),
    document('suite-case.schema.json', 'Slipway suite case: one input, a scripted conversation or a simulated user', SuiteCase),
  ]);
}
