// Writes resources/schemas/*.schema.json from the zod schemas of the agent files.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentFileJsonSchemas } from '../shared/json-schemas';

const dir = join(import.meta.dirname, '..', 'resources', 'schemas');
for (const [name, schema] of Object.entries(agentFileJsonSchemas())) {
  writeFileSync(join(dir, name), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote resources/schemas/${name}`);
}
