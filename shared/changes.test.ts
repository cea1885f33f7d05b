import { describe, expect, it } from 'vitest';
import { agentFiles } from '../test-support/workspace';
import { describeChanges, suggestBump } from './changes';
import { parseAgentFiles } from './validate-files';

function suggestion(overrides: Record<string, string | undefined>) {
  const before = agentFiles();
  const after = agentFiles(overrides);
  return suggestBump(describeChanges(parseAgentFiles(before), parseAgentFiles(after), before, after));
}

const TOOL = {
  name: 'lookup_customer',
  description: 'Finds a customer by email.',
  parameters: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] },
};

describe('suggested bump', () => {
  it('is major when the provider or the model changes', () => {
    expect(
      suggestion({ 'config.yaml': 'provider: openai-compatible\nmodel: gpt-4o-2024-08-06\ntemperature: 0.2\nmax_tokens: 256\n' }),
    ).toMatchObject({
      bump: 'major',
      reason: 'model changed (gpt-4o-mini-2024-07-18 → gpt-4o-2024-08-06) → major',
    });
    expect(
      suggestion({ 'config.yaml': 'provider: anthropic\nmodel: gpt-4o-mini-2024-07-18\ntemperature: 0.2\nmax_tokens: 256\n' })
        ?.bump,
    ).toBe('major');
  });

  it('is major when a tool is added, removed, renamed or its parameters change', () => {
    const added = JSON.stringify([TOOL, { ...TOOL, name: 'refund', parameters: { type: 'object' } }]);
    expect(suggestion({ 'tools.json': added })).toMatchObject({ bump: 'major', reason: 'tool refund added → major' });
    expect(suggestion({ 'tools.json': '[]' })).toMatchObject({ bump: 'major', reason: 'tool lookup_customer removed → major' });
    expect(suggestion({ 'tools.json': JSON.stringify([{ ...TOOL, name: 'find_customer' }]) })).toMatchObject({
      bump: 'major',
      reason: 'tool lookup_customer renamed to find_customer → major',
    });
    const params = JSON.stringify([
      { ...TOOL, parameters: { type: 'object', properties: { email: { type: 'string' }, id: { type: 'string' } } } },
    ]);
    expect(suggestion({ 'tools.json': params })?.bump).toBe('major');
  });

  it('is minor when the prompt, the user template or the examples change', () => {
    expect(suggestion({ 'prompt.md': 'You sort tickets.\n' })).toMatchObject({ bump: 'minor', reason: 'prompt changed → minor' });
    expect(suggestion({ 'user.md': undefined })).toMatchObject({ bump: 'minor', reason: 'user template removed → minor' });
    expect(suggestion({ 'examples.yaml': '- role: user\n  content: hello\n' })).toMatchObject({
      bump: 'minor',
      reason: 'examples changed → minor',
    });
  });

  it('is patch when only configuration parameters change, naming old and new values', () => {
    expect(
      suggestion({
        'config.yaml': 'provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\ntemperature: 0.7\nmax_tokens: 256\n',
      }),
    ).toMatchObject({
      bump: 'patch',
      reason: 'temperature changed (0.2 → 0.7) → patch',
    });
  });

  it('is patch when only formatting or comments change', () => {
    const reformatted =
      '# tuned for triage\nprovider: openai-compatible\nmodel:   gpt-4o-mini-2024-07-18\nmax_tokens: 256\ntemperature: 0.2\n';
    expect(suggestion({ 'config.yaml': reformatted })).toMatchObject({
      bump: 'patch',
      reason: 'config.yaml formatting or comments changed → patch',
    });
    expect(suggestion({ 'tools.json': JSON.stringify([TOOL]) })).toMatchObject({ bump: 'patch' });
  });

  it('takes the largest bump and lists every change', () => {
    const result = suggestion({
      'prompt.md': 'New prompt\n',
      'config.yaml': 'provider: anthropic\nmodel: claude-3-5-haiku-20241022\n',
    });
    expect(result?.bump).toBe('major');
    expect(result?.changes.map((change) => change.kind).sort()).toEqual(['config', 'config', 'model', 'prompt', 'provider']);
  });

  it('finds nothing to say about identical files', () => {
    expect(suggestion({})).toBeNull();
  });
});
