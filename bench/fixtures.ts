/** A realistic agent of five files, about 20 KB, with one line that changes with each revision. */
export function realisticAgent(revision: number): Record<string, string> {
  const policy = Array.from(
    { length: 160 },
    (_, i) => `${i + 1}. When a ticket mentions topic ${i} route it to queue ${i % 7} and explain why in one sentence.`,
  );
  policy[80] = `81. Revision ${revision}: escalate anything that mentions a chargeback to the billing lead.`;
  const examples = Array.from(
    { length: 24 },
    (_, i) => `- role: ${i % 2 === 0 ? 'user' : 'assistant'}\n  content: "Example ${i}: ${'customer text '.repeat(12)}"`,
  );
  const tools = Array.from({ length: 4 }, (_, i) => ({
    name: `tool_${i}`,
    description: `Looks up record type ${i} by id and returns its fields.`,
    parameters: {
      type: 'object',
      properties: { id: { type: 'string', description: 'record id' }, verbose: { type: 'boolean' } },
      required: ['id'],
    },
    version: '1.0.0',
  }));
  return {
    'prompt.md': `You are the triage desk.\n\n${policy.join('\n')}\n`,
    'user.md': `Ticket {{id}} from {{customer}} ({{tier}}):\n\nSubject: {{subject}}\n\n{{body}}\n${'Context: {{context}}\n'.repeat(20)}`,
    'examples.yaml': `${examples.join('\n')}\n`,
    'config.yaml':
      'provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\ntemperature: 0.2\nmax_tokens: 512\ntimeout_ms: 20000\nretries: 2\n',
    'tools.json': `${JSON.stringify(tools, null, 2)}\n`,
  };
}
