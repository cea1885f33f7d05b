import { z } from 'zod';

/**
 * The files that make an agent, their zod schemas (the single source of the JSON schemas in
 * resources/schemas/, written by `npm run schemas`), and the rules every version obeys.
 */
export const AGENT_FILES = ['prompt.md', 'user.md', 'examples.yaml', 'config.yaml', 'tools.json', 'contract.yaml'] as const;
export type AgentFileName = (typeof AGENT_FILES)[number];
export const REQUIRED_FILES: readonly AgentFileName[] = ['prompt.md', 'config.yaml', 'tools.json'];

export const PROVIDERS = ['openai-compatible', 'anthropic', 'http', 'command', 'mock'] as const;

export function isAgentFileName(name: string): name is AgentFileName {
  return (AGENT_FILES as readonly string[]).includes(name);
}

/** Stored bytes are the file's text with every line ending made LF. */
export function normalizeLineEndings(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

const PINNED_MODEL = /^(?!.*(?:^|[-:/@])latest$)\S+$/;

/** A secret is named, never held: SLIPWAY_KEY_<NAME> in the environment, or the app's key store. */
export const SecretName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*$/, 'a secret name is upper-case letters, digits and _, for example OPENAI');

export const MockToolCall = z.strictObject({ name: z.string().min(1), arguments: z.record(z.string(), z.unknown()).default({}) });

export const MockRule = z
  .strictObject({
    match: z
      .string()
      .min(1)
      .optional()
      .describe('A regular expression tested against the rendered conversation; no match = always.'),
    reply: z.string().optional().describe('Text to answer with.'),
    tool_calls: z.array(MockToolCall).optional().describe('Tools to call instead of (or before) answering.'),
    echo: z.boolean().optional().describe('Answer with the rendered conversation itself (template debugging).'),
  })
  .describe('One rule of the mock provider; the first that matches answers.');

export const MockSettings = z.strictObject({
  rules: z.array(MockRule).min(1, 'the mock provider needs at least one rule'),
  latency_ms: z.int().min(0).max(60_000).optional().describe('Simulated latency of each call.'),
  tokens_per_word: z.number().positive().max(10).optional().describe('Simulated tokens per word (default 1.3).'),
});
export type MockSettings = z.infer<typeof MockSettings>;

export const ConfigFile = z
  .strictObject({
    provider: z
      .enum(PROVIDERS, { error: `provider must be one of ${PROVIDERS.join(', ')}` })
      .describe('Which protocol runs this agent.'),
    model: z
      .string({ error: 'model is required: the exact model id, for example gpt-4o-mini-2024-07-18' })
      .regex(PINNED_MODEL, 'model must be pinned exactly (no spaces, never "latest")')
      .describe('The exact model id, pinned (never "latest").'),
    temperature: z.number().min(0).max(2).optional().describe('Sampling temperature, 0 to 2.'),
    max_tokens: z.int().positive().optional().describe('Upper bound on output tokens.'),
    top_p: z.number().min(0).max(1).optional().describe('Nucleus sampling, 0 to 1.'),
    timeout_ms: z.int().positive().max(600_000).optional().describe('Time limit of one call in milliseconds.'),
    retries: z.int().min(0).max(10).optional().describe('Retries of a failed call.'),
    cost_budget_usd: z.number().nonnegative().optional().describe('Most a single request may cost, in US dollars.'),
    base_url: z
      .url()
      .optional()
      .describe('Endpoint of the provider (openai-compatible, anthropic) or of the agent service (http).'),
    api_key: SecretName.optional().describe('Name of the secret holding the API key (SLIPWAY_KEY_<NAME>); never the key itself.'),
    command: z.array(z.string().min(1)).min(1).optional().describe('The program and its arguments (command provider).'),
    max_steps: z.int().min(1).max(50).optional().describe('Most model turns in one case when tools are called (default 8).'),
    mock: MockSettings.optional().describe('Rules of the mock provider.'),
  })
  .superRefine((config, ctx) => {
    const need = (key: 'command' | 'base_url' | 'mock', why: string) => {
      if (config[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is required ${why}` });
    };
    if (config.provider === 'command') need('command', 'for the command provider: the program and its arguments');
    if (config.provider === 'http') need('base_url', "for the http provider: your agent service's URL");
    if (config.provider === 'mock') need('mock', 'for the mock provider: its rules');
  })
  .describe('Slipway agent configuration (config.yaml).');
export type AgentConfig = z.infer<typeof ConfigFile>;

export const ToolDefinition = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'tool name must be 1-64 letters, digits, _ or -, starting with a letter or _')
    .describe('The name the model calls the tool by.'),
  description: z.string().min(1, 'tool description is empty').describe('What the tool does, for the model.'),
  parameters: z
    .looseObject({
      type: z.literal('object', { error: 'parameters must be a JSON schema with "type": "object"' }),
      properties: z.record(z.string(), z.unknown()).optional(),
      required: z.array(z.string()).optional(),
    })
    .describe('JSON schema of the arguments.'),
  endpoint: z.url().optional().describe('Where the real tool is served.'),
  version: z.string().min(1).optional().describe("The tool's own version."),
});
export type ToolDefinition = z.infer<typeof ToolDefinition>;

export const ToolsFile = z
  .array(ToolDefinition, { error: 'tools.json must be a JSON array of tool definitions' })
  .superRefine((tools, ctx) => {
    const seen = new Set<string>();
    tools.forEach((tool, index) => {
      if (seen.has(tool.name)) {
        ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `tool name "${tool.name}" is declared twice` });
      }
      seen.add(tool.name);
    });
  })
  .describe('Slipway tool definitions (tools.json).');

export const ExampleMessage = z.strictObject({
  role: z.enum(['user', 'assistant'], { error: 'role must be user or assistant' }),
  content: z.string().min(1, 'content is empty'),
});
export const ExamplesFile = z
  .array(ExampleMessage, { error: 'examples.yaml must be a list of messages (role, content)' })
  .describe('Few-shot messages (examples.yaml).');
export type ExampleMessage = z.infer<typeof ExampleMessage>;

const JsonSchemaDocument = z.record(z.string(), z.unknown());

export const ContractFile = z
  .strictObject({
    offers: z
      .strictObject({
        output_schema: JsonSchemaDocument.optional().describe('JSON schema of what this agent outputs.'),
        tools: z.array(z.string()).optional().describe('Tools this agent exposes to others.'),
      })
      .optional(),
    requires: z
      .record(
        z.string().regex(/^[a-z][a-z0-9-]*$/, 'required agent names match ^[a-z][a-z0-9-]*$'),
        z.strictObject({
          range: z.string().min(1).optional().describe('Semver range of the versions this agent works with.'),
          schema: JsonSchemaDocument.optional().describe('JSON schema this agent consumes from that one.'),
          tools: z.array(z.string()).optional().describe('Tools of that agent this one calls.'),
        }),
      )
      .optional(),
  })
  .describe('What this agent offers and requires of others (contract.yaml), for agent teams.');

/** The structured files each have a schema; the Markdown files are free text. */
export const FILE_SCHEMAS = {
  'config.yaml': ConfigFile,
  'tools.json': ToolsFile,
  'examples.yaml': ExamplesFile,
  'contract.yaml': ContractFile,
} as const;
export type StructuredFileName = keyof typeof FILE_SCHEMAS;
