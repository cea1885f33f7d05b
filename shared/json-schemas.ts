import { z } from 'zod';
import { FILE_SCHEMAS, type StructuredFileName } from './agent-files';

/** The JSON schema file written for each structured agent file (resources/schemas/<file>.schema.json). */
export function jsonSchemaFileName(file: StructuredFileName): string {
  return `${file}.schema.json`;
}

/** JSON schemas of the agent files, generated from the zod schemas so the editor and the store never disagree. */
export function agentFileJsonSchemas(): Record<string, unknown> {
  return Object.fromEntries(
    (Object.keys(FILE_SCHEMAS) as StructuredFileName[]).map((file) => [
      jsonSchemaFileName(file),
      { ...z.toJSONSchema(FILE_SCHEMAS[file], { target: 'draft-7', io: 'input' }), $id: `https://slipway.dev/schemas/${jsonSchemaFileName(file)}`, title: file },
    ]),
  );
}
