import { describe, expect, it } from 'vitest';
import { agentFiles } from '../test-support/workspace';
import { SlipwayError } from './errors';
import { parseAgentFiles, validateAgentFiles } from './validate-files';

describe('agent file validation', () => {
  it('accepts a complete, valid agent', () => {
    expect(validateAgentFiles(agentFiles())).toEqual([]);
  });

  it('points at the line of an unknown key, a wrong type and a missing model', () => {
    const diagnostics = validateAgentFiles(
      agentFiles({ 'config.yaml': 'provider: anthropic\ntemperature: hot\ncolour: blue\n' }),
    );
    expect(diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: 'config.yaml',
          path: 'temperature',
          line: 2,
          message: expect.stringContaining('temperature'),
        }),
        expect.objectContaining({ file: 'config.yaml', line: 3, message: 'unknown key "colour"' }),
        expect.objectContaining({ file: 'config.yaml', path: 'model', message: expect.stringContaining('model is required') }),
      ]),
    );
  });

  it('refuses an unpinned model', () => {
    for (const model of ['latest', 'gpt-4o-latest', 'llama3:latest']) {
      const diagnostics = validateAgentFiles(agentFiles({ 'config.yaml': `provider: openai-compatible\nmodel: ${model}\n` }));
      expect(
        diagnostics.map((d) => d.message),
        model,
      ).toEqual([expect.stringContaining('pinned')]);
    }
  });

  it('names files that are not agent files and lists the allowed ones', () => {
    const [diagnostic] = validateAgentFiles(agentFiles({ 'notes.txt': 'hi' }));
    expect(diagnostic?.message).toBe(
      '"notes.txt" is not an agent file: allowed files are prompt.md, user.md, examples.yaml, config.yaml, tools.json, contract.yaml',
    );
  });

  it('reports missing required files and an empty prompt', () => {
    const diagnostics = validateAgentFiles({ 'prompt.md': '  \n' });
    expect(diagnostics.map((d) => d.message)).toEqual([
      'config.yaml is missing',
      'tools.json is missing',
      'prompt.md is empty: write the system prompt',
    ]);
  });

  it('locates JSON and YAML syntax errors', () => {
    const json = validateAgentFiles(agentFiles({ 'tools.json': '[\n  {"name": "a",\n  oops\n]' }));
    expect(json).toEqual([
      expect.objectContaining({ file: 'tools.json', line: 3, message: expect.stringContaining('not valid JSON') }),
    ]);
    const yaml = validateAgentFiles(agentFiles({ 'examples.yaml': '- role: user\n  content: [unclosed\n' }));
    expect(yaml[0]).toEqual(
      expect.objectContaining({ file: 'examples.yaml', message: expect.stringContaining('not valid YAML') }),
    );
  });

  it('puts a YAML syntax error once, at its line and column: a tab indent, an unclosed quote', () => {
    const tab = validateAgentFiles(
      agentFiles({ 'config.yaml': 'provider: mock\nmodel: m\nmock:\n\tlatency_ms: 40\n  rules:\n    - reply: x\n' }),
    );
    expect(tab).toEqual([
      { file: 'config.yaml', path: '', message: 'not valid YAML: Tabs are not allowed as indentation', line: 4, column: 1 },
    ]);
    const quote = validateAgentFiles(agentFiles({ 'config.yaml': 'provider: mock\nmodel: "mock-1\ntemperature: 1\n' }));
    expect(quote).toEqual([
      { file: 'config.yaml', path: '', message: 'not valid YAML: Missing closing "quote', line: 2, column: 8 },
    ]);
    const single = validateAgentFiles(agentFiles({ 'config.yaml': "provider: mock\nmodel: 'it''s\n" }));
    expect(single[0]).toMatchObject({ line: 2, column: 8 });
  });

  it('catches duplicate tool names', () => {
    const tools = JSON.stringify([
      { name: 'a', description: 'x', parameters: { type: 'object' } },
      { name: 'a', description: 'y', parameters: { type: 'object' } },
    ]);
    expect(validateAgentFiles(agentFiles({ 'tools.json': tools }))).toEqual([
      expect.objectContaining({ file: 'tools.json', path: '[1].name', message: '[1].name: tool name "a" is declared twice' }),
    ]);
  });

  it('refuses tool parameters that are not an object schema', () => {
    const tools = JSON.stringify([{ name: 'a', description: 'y', parameters: { type: 'string' } }], null, 2);
    expect(validateAgentFiles(agentFiles({ 'tools.json': tools }))).toEqual([
      expect.objectContaining({ path: '[0].parameters.type', line: 6, message: expect.stringContaining('"type": "object"') }),
    ]);
  });

  it('parses valid files and throws every problem at once otherwise', () => {
    const parsed = parseAgentFiles(agentFiles());
    expect(parsed.config).toEqual({
      provider: 'openai-compatible',
      model: 'gpt-4o-mini-2024-07-18',
      temperature: 0.2,
      max_tokens: 256,
    });
    expect(parsed.tools.map((tool) => tool.name)).toEqual(['lookup_customer']);
    expect(parsed.examples).toHaveLength(2);
    expect(parsed.contract).toBeNull();
    const bad = () => parseAgentFiles(agentFiles({ 'config.yaml': 'provider: nope\nmodel: x\n', 'tools.json': '{}' }));
    expect(bad).toThrowError(SlipwayError);
    expect(bad).toThrowError(/config\.yaml:1:\d+: provider must be one of[\s\S]*tools\.json/);
  });
});
