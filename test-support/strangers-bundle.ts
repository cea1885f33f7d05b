import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { exportBundle } from '../workspace/bundles/bundles';
import { agentFiles, tempWorkspace } from './workspace';

const AGENT = join(import.meta.dirname, 'command-agent.mjs');

/** A version that runs a program with a key: what a stranger's bundle should not do unasked. */
export const COMMAND_CONFIG = `provider: command\nmodel: local\napi_key: AGENT\nretries: 0\ncommand: [${JSON.stringify(process.execPath)}, ${JSON.stringify(AGENT)}]\n`;
export const SMOKE_SUITE = 'name: smoke\ncases:\n  - id: c1\n    vars: {body: hi}\n    assert: [{type: contains, value: saw}]\n';

/** A bundle of `agent@1.0.0` with this config (and a suite as evidence), made in another workspace, optionally signed. */
export async function strangersBundle(
  config: string,
  sign?: KeyObject,
  suite = SMOKE_SUITE,
  files: Record<string, string> = {},
): Promise<Buffer> {
  const source = tempWorkspace();
  try {
    await source.client.agents.create({ name: 'agent' });
    await source.client.versions.snapshot({
      agent: 'agent',
      message: 'theirs',
      files: agentFiles({ 'config.yaml': config, 'user.md': '{{body}}\n', ...files }),
    });
    await source.client.suites.save({ agent: 'agent', yaml: suite, message: 'their suite' });
    return (await exportBundle(source.ws, ['agent@1.0.0'], { evidence: true, ...(sign ? { signWith: sign } : {}) })).data;
  } finally {
    source.cleanup();
  }
}
