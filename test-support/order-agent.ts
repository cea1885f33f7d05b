/**
 * An order agent on the mock provider, for conversation tests: "Where is order …" looks the order
 * up, "Refund it" calls `secondTool` (refund, or a wrong one), a shipped order is said to have
 * shipped, anything else is "Done.".
 */
export function orderAgentFiles(secondTool: string): Record<string, string> {
  const config = [
    'provider: mock',
    'model: mock-1',
    'mock:',
    '  rules:',
    '    - match: Where is order',
    '      tool_calls: [{ name: lookup_order, arguments: { id: 42 } }]',
    '    - match: Refund it',
    `      tool_calls: [{ name: ${secondTool}, arguments: { id: 42 } }]`,
    '    - match: shipped',
    '      reply: Order 42 has shipped.',
    '    - reply: Done.',
    '',
  ].join('\n');
  const tool = (name: string) => ({
    name,
    description: name,
    parameters: { type: 'object', properties: { id: { type: 'integer' } } },
  });
  return {
    'prompt.md': 'You help with orders.\n',
    'config.yaml': config,
    'tools.json': JSON.stringify(['lookup_order', 'refund', 'cancel_order'].map(tool)),
  };
}
