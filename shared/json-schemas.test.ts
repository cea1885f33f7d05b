import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentFileJsonSchemas } from './json-schemas';

const dir = join(import.meta.dirname, '..', 'resources', 'schemas');

describe('JSON schemas for the editor', () => {
  it('in resources/schemas are exactly what the zod schemas generate (run `npm run schemas` after changing them)', () => {
    const generated = agentFileJsonSchemas();
    expect(readdirSync(dir).sort()).toEqual(Object.keys(generated).sort());
    for (const [name, schema] of Object.entries(generated))
      expect(JSON.parse(readFileSync(join(dir, name), 'utf8')), name).toEqual(schema);
  });

  it('forbid unknown keys and require provider and model in config.yaml', () => {
    const config = agentFileJsonSchemas()['config.yaml.schema.json'] as { required: string[]; additionalProperties: boolean };
    expect(config.required).toEqual(['provider', 'model']);
    expect(config.additionalProperties).toBe(false);
  });
});
