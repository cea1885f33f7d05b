import type { AgentConfig, ToolDefinition } from './agent-files';
import { keyName, providerUrl } from './release/policy';
import { caseAssertions, type Assertion, type Suite } from './suite';

/**
 * What running a version (with a suite) reaches outside Slipway: programs it starts, keys it
 * sends and hosts it calls. A version from elsewhere may not do these unasked (the trust of
 * bundles, workspace/bundles/trust.ts).
 */
export interface RunNeed {
  kind: 'command' | 'key' | 'host';
  /** The program line, the key's name, or host[:port]. */
  what: string;
  /** Who needs it, in words: "config.yaml", "the suite's judge". */
  by: string;
}

/** The hosts every Slipway user reaches with the providers' own defaults: never "new". */
export const PROVIDER_HOSTS: readonly string[] = ['api.openai.com', 'api.anthropic.com'];

interface Caller {
  provider: AgentConfig['provider'];
  base_url?: string | undefined;
  api_key?: string | undefined;
  command?: string[] | undefined;
}

function callerNeeds(config: Caller, by: string): RunNeed[] {
  const needs: RunNeed[] = [];
  if (config.provider === 'command') needs.push({ kind: 'command', what: (config.command ?? []).join(' '), by });
  const url = providerUrl(config as AgentConfig);
  const key = keyName(config as AgentConfig);
  if (key) needs.push({ kind: 'key', what: url ? `${key} → ${url.host}` : key, by });
  if (url) needs.push({ kind: 'host', what: url.host, by });
  return needs;
}

/** How much javascript and python a suite runs: its code assertions (inside sets too) and transforms. */
function codeIn(suite: Partial<Pick<Suite, 'cases' | 'defaults'>>): Record<'javascript' | 'python', number> {
  const counts = { javascript: 0, python: 0 };
  const count = (assertions: readonly Assertion[]) => {
    for (const assertion of assertions) {
      if (assertion.transform) counts.javascript += 1;
      if (assertion.type === 'javascript' || assertion.type === 'python') counts[assertion.type] += 1;
      if (assertion.type === 'assert-set') count(assertion.assert);
    }
  };
  count(suite.defaults?.assert ?? []);
  for (const testCase of suite.cases ?? []) {
    if (testCase.transform) counts.javascript += 1;
    count(caseAssertions(testCase));
  }
  return counts;
}

export function runNeeds(
  config: AgentConfig,
  tools: readonly ToolDefinition[],
  suite?: Partial<Pick<Suite, 'judge' | 'simulator' | 'embedding' | 'tools_mode' | 'cases' | 'defaults'>>,
): RunNeed[] {
  const needs = callerNeeds(config, 'config.yaml');
  if (suite)
    for (const [language, count] of Object.entries(codeIn(suite)))
      if (count > 0)
        needs.push({
          kind: 'command',
          what: `${language === 'python' ? 'python3' : 'node'}: the suite's ${language} (${count} ${count === 1 ? 'assertion or transform' : 'assertions and transforms'})`,
          by: "the suite's code",
        });
  if (suite?.judge) needs.push(...callerNeeds(suite.judge, "the suite's judge"));
  if (suite?.simulator) needs.push(...callerNeeds(suite.simulator, "the suite's simulated user"));
  if (suite?.embedding) needs.push(...callerNeeds(suite.embedding, "the suite's embedding model"));
  if (suite?.tools_mode === 'live')
    for (const tool of tools)
      if (tool.endpoint) needs.push({ kind: 'host', what: new URL(tool.endpoint).host, by: `tool ${tool.name} (live)` });
  return needs;
}

/** The hosts a set of configs calls: what "used before" means for a host. */
export function hostsOf(configs: readonly AgentConfig[]): Set<string> {
  return new Set([
    ...PROVIDER_HOSTS,
    ...configs.flatMap((config) => {
      const url = providerUrl(config);
      return url ? [url.host] : [];
    }),
  ]);
}
