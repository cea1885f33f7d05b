import { afterEach, describe, expect, it } from 'vitest';
import { startFakeLlm } from '../test-support/fake-llm';
import { tempWorkspace } from '../test-support/workspace';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('a connection', () => {
  it('keeps one set of keys: a key set through the workspace is the one a run of files sends', async () => {
    const fake = await startFakeLlm(() => ({ kind: 'reply', text: '{"queue": "billing"}' }));
    cleanups.push(() => fake.close());
    const t = tempWorkspace();
    cleanups.push(t.cleanup);
    await t.client.keys.set({ name: 'OPENAI', value: 'sk-set-in-the-app-123456' });
    const tested = await t.client.runs.testFiles({
      name: 'router',
      files: {
        'prompt.md': 'Route tickets.\n',
        'user.md': '{{body}}\n',
        'tools.json': '[]\n',
        'config.yaml': `provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\nbase_url: ${fake.url}/v1\napi_key: OPENAI\n`,
      },
      suite: {
        fileName: 'smoke.yaml',
        content:
          'name: smoke\ncases:\n  - id: one\n    vars: { body: charged twice }\n    assert: [{ type: json-path, path: $.queue, value: billing }]\n',
      },
    });
    expect(tested.run).toMatchObject({ status: 'finished', passed: 1, total: 1 });
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-set-in-the-app-123456');
  });
});
