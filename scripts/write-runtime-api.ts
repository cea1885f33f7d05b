// Writes docs/runtime-api.json (OpenAPI 3.1) from the runtime protocol's zod schemas.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeOpenApi } from '../shared/release/openapi';

writeFileSync(join(import.meta.dirname, '..', 'docs', 'runtime-api.json'), `${JSON.stringify(runtimeOpenApi(), null, 2)}\n`);
console.log('wrote docs/runtime-api.json');
