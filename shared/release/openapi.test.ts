import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runtimeOpenApi } from './openapi';

describe('the runtime API document', () => {
  it('in docs/runtime-api.json is what the protocol schemas generate (run `npm run schemas` after changing them)', () => {
    expect(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'runtime-api.json'), 'utf8'))).toEqual(
      runtimeOpenApi(),
    );
  });

  it('documents every command and the roles of each endpoint', () => {
    const document = runtimeOpenApi() as {
      paths: Record<string, Record<string, { description?: string; requestBody?: unknown }>>;
    };
    const command = JSON.stringify(document.paths['/v1/agents/{agent}/commands']?.post?.requestBody);
    for (const type of ['deploy', 'canary', 'set-weight', 'pause', 'resume', 'promote', 'rollback', 'shadow', 'shadow-off'])
      expect(command).toContain(`"${type}"`);
    expect(document.paths['/v1/agents/{agent}/commands']?.post?.description).toBe('Roles: deployer, admin.');
  });
});
