import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../shared/contract/client';
import { createDispatch } from '../../shared/contract/dispatch';
import { parseAgentFiles, validateAgentFiles } from '../../shared/validate-files';
import { mockAgent } from '../../test-support/runtime-process';
import { tempWorkspace, type TestWorkspace } from '../../test-support/workspace';
import { sessionVault } from '../keys/secret-vault';
import { createServices, type Services } from '../services';

let t: TestWorkspace;
let services: Services;
afterEach(async () => {
  await services?.close();
  t.cleanup();
});

function client() {
  t = tempWorkspace();
  services = createServices(t.ws, { vault: sessionVault({}), emit: () => undefined });
  return createClient(createDispatch(services.handlers));
}

const TOOLS = JSON.stringify([{ name: 'lookup', description: 'Finds a thing', parameters: { type: 'object' } }]);

describe('contract.yaml at snapshot', () => {
  it('refuses each rule it breaks, at its file, line and column, and stores nothing', async () => {
    const api = client();
    await api.agents.create({ name: 'handler' });
    const snapshot = (contract: string) =>
      api.versions.snapshot({
        agent: 'handler',
        message: 'contract',
        files: { ...mockAgent('ok', { 'tools.json': TOOLS }).files, 'contract.yaml': contract },
      });
    await expect(snapshot('requires:\n  intake:\n    range: "not a range"\n')).rejects.toThrow(
      'contract.yaml:3:12: requires.intake.range: "not a range" is not a semver range: write one such as ^1.2.0, ~1.4 or >=1.0.0 <2.0.0',
    );
    await expect(snapshot('offers:\n  output_schema:\n    type: objekt\n    required: 5\n')).rejects.toThrow(
      'contract.yaml:4:15: offers.output_schema.required: not a valid JSON Schema: required must be array\ncontract.yaml:3:11: offers.output_schema.type: not a valid JSON Schema: type must be equal to one of the allowed values',
    );
    await expect(snapshot('offers:\n  tools: [lookup, refund]\n')).rejects.toThrow(
      'contract.yaml:2:19: offers.tools[1]: offers tool "refund", which tools.json does not define (it defines lookup)',
    );
    await expect(snapshot('requires:\n  handler:\n    range: ^1.0.0\n')).rejects.toThrow(
      'contract.yaml:3:5: requires.handler: handler requires itself: an agent depends only on others',
    );
    await expect(
      snapshot('requires:\n  intake:\n    schema:\n      type: object\n      properties:\n        id: { type: 3 }\n'),
    ).rejects.toThrow(
      'contract.yaml:6:21: requires.intake.schema.properties.id.type: not a valid JSON Schema: type must be equal',
    );
    await expect(
      snapshot('offers:\n  output_schema: { $schema: "http://json-schema.org/draft-04/schema#", type: object }\n'),
    ).rejects.toThrow(
      'offers.output_schema.$schema: "http://json-schema.org/draft-04/schema#" is a meta-schema Slipway cannot check',
    );
    expect(await api.versions.list({ agent: 'handler' })).toEqual([]);
    // A schema of a later draft is checked by its own meta-schema.
    await snapshot(
      'offers:\n  output_schema: { $schema: "https://json-schema.org/draft/2020-12/schema", type: array, prefixItems: [{ type: string }] }\n',
    );
    const good = await snapshot('offers:\n  tools: [lookup]\nrequires:\n  intake:\n    range: ">=1.0.0 <2.0.0"\n');
    expect(good.semver).toBe('2.0.0');
  });

  it('says the same in the editor’s check of the draft', async () => {
    const api = client();
    await api.agents.create({ name: 'handler' });
    await api.drafts.replace({
      agent: 'handler',
      files: { ...mockAgent('ok').files, 'contract.yaml': 'requires:\n  handler: {}\n' },
    });
    expect(await api.drafts.validate({ agent: 'handler' })).toEqual([
      expect.objectContaining({
        file: 'contract.yaml',
        line: 2,
        message: 'requires.handler: handler requires itself: an agent depends only on others',
      }),
    ]);
  });
});

describe('a version stored before a rule', () => {
  it('still reads as it was stored: only what is made now is held to the new rules', () => {
    const files = {
      ...mockAgent('ok').files,
      'contract.yaml': 'offers:\n  tools: [ghost]\nrequires:\n  intake: { range: soon }\n',
    };
    expect(validateAgentFiles(files)).toEqual([]);
    expect(parseAgentFiles(files).contract?.requires?.intake?.range).toBe('soon');
    expect(validateAgentFiles(files, { agent: 'handler' }).map((diagnostic) => diagnostic.path)).toEqual([
      'offers.tools[0]',
      'requires.intake.range',
    ]);
  });
});
