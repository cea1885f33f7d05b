import deepEqual from 'fast-deep-equal';
import type { ParsedAgent } from './validate-files';
import type { ToolDefinition } from './agent-files';
import { largerBump, type Bump } from './semver';

/** One meaningful difference between two versions of an agent, with the bump it calls for. */
export interface Change {
  kind:
    | 'provider'
    | 'model'
    | 'tool-added'
    | 'tool-removed'
    | 'tool-renamed'
    | 'tool-parameters'
    | 'tool-description'
    | 'tool-endpoint'
    | 'contract'
    | 'prompt'
    | 'user-template'
    | 'examples'
    | 'config'
    | 'formatting';
  file: string;
  summary: string;
  bump: Bump;
}

export interface BumpSuggestion {
  bump: Bump;
  reason: string;
  changes: Change[];
}

type Files = Readonly<Record<string, string>>;

function show(value: unknown): string {
  return value === undefined ? '(unset)' : JSON.stringify(value);
}

const SHORT = 40;

/** "temperature changed (0.2 → 0.7)", or just "mock changed" when the values are too long to read in a line. */
function changedSummary(key: string, old: unknown, now: unknown): string {
  const before = show(old);
  const after = show(now);
  return before.length + after.length > SHORT ? `${key} changed` : `${key} changed (${before} → ${after})`;
}

function toolChanges(before: ToolDefinition[], after: ToolDefinition[]): Change[] {
  const changes: Change[] = [];
  const beforeByName = new Map(before.map((tool) => [tool.name, tool]));
  const afterByName = new Map(after.map((tool) => [tool.name, tool]));
  const removed = before.filter((tool) => !afterByName.has(tool.name));
  const added = after.filter((tool) => !beforeByName.has(tool.name));
  for (const tool of [...removed]) {
    const twin = added.find((candidate) => deepEqual(candidate.parameters, tool.parameters));
    if (twin) {
      changes.push({
        kind: 'tool-renamed',
        file: 'tools.json',
        summary: `tool ${tool.name} renamed to ${twin.name}`,
        bump: 'major',
      });
      removed.splice(removed.indexOf(tool), 1);
      added.splice(added.indexOf(twin), 1);
    }
  }
  for (const tool of removed)
    changes.push({ kind: 'tool-removed', file: 'tools.json', summary: `tool ${tool.name} removed`, bump: 'major' });
  for (const tool of added)
    changes.push({ kind: 'tool-added', file: 'tools.json', summary: `tool ${tool.name} added`, bump: 'major' });
  for (const [name, old] of beforeByName) {
    const now = afterByName.get(name);
    if (!now) continue;
    if (!deepEqual(old.parameters, now.parameters)) {
      changes.push({
        kind: 'tool-parameters',
        file: 'tools.json',
        summary: `tool ${name} parameters schema changed`,
        bump: 'major',
      });
    }
    if (old.description !== now.description) {
      changes.push({ kind: 'tool-description', file: 'tools.json', summary: `tool ${name} description changed`, bump: 'minor' });
    }
    if (old.endpoint !== now.endpoint || old.version !== now.version) {
      changes.push({
        kind: 'tool-endpoint',
        file: 'tools.json',
        summary: `tool ${name} endpoint or version changed`,
        bump: 'patch',
      });
    }
  }
  return changes;
}

function configChanges(before: ParsedAgent['config'], after: ParsedAgent['config']): Change[] {
  const changes: Change[] = [];
  if (before.provider !== after.provider) {
    changes.push({
      kind: 'provider',
      file: 'config.yaml',
      summary: `provider changed (${before.provider} → ${after.provider})`,
      bump: 'major',
    });
  }
  if (before.model !== after.model) {
    changes.push({
      kind: 'model',
      file: 'config.yaml',
      summary: `model changed (${before.model} → ${after.model})`,
      bump: 'major',
    });
  }
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete('provider');
  keys.delete('model');
  for (const key of [...keys].sort()) {
    const old = (before as Record<string, unknown>)[key];
    const now = (after as Record<string, unknown>)[key];
    if (!deepEqual(old, now)) {
      changes.push({ kind: 'config', file: 'config.yaml', summary: changedSummary(key, old, now), bump: 'patch' });
    }
  }
  return changes;
}

function textChange(kind: Change['kind'], file: string, before: string | null, after: string | null, what: string): Change[] {
  if (before === after) return [];
  const verb = before === null ? 'added' : after === null ? 'removed' : 'changed';
  return [{ kind, file, summary: `${what} ${verb}`, bump: 'minor' }];
}

/**
 * The structured difference between two parsed versions. Files whose text differs but whose
 * meaning does not (YAML comments, JSON indentation) count as formatting.
 */
export function describeChanges(before: ParsedAgent, after: ParsedAgent, beforeFiles: Files, afterFiles: Files): Change[] {
  const changes: Change[] = [
    ...configChanges(before.config, after.config),
    ...toolChanges(before.tools, after.tools),
    ...textChange('prompt', 'prompt.md', before.prompt, after.prompt, 'prompt'),
    ...textChange('user-template', 'user.md', before.user, after.user, 'user template'),
  ];
  if (!deepEqual(before.examples, after.examples)) {
    const verb = before.examples === null ? 'added' : after.examples === null ? 'removed' : 'changed';
    changes.push({ kind: 'examples', file: 'examples.yaml', summary: `examples ${verb}`, bump: 'minor' });
  }
  if (!deepEqual(before.contract, after.contract)) {
    changes.push({ kind: 'contract', file: 'contract.yaml', summary: 'agent contract changed', bump: 'major' });
  }
  const meaningful = new Set(changes.map((change) => change.file));
  for (const file of ['config.yaml', 'tools.json', 'examples.yaml', 'contract.yaml']) {
    if (!meaningful.has(file) && beforeFiles[file] !== afterFiles[file]) {
      changes.push({ kind: 'formatting', file, summary: `${file} formatting or comments changed`, bump: 'patch' });
    }
  }
  return changes;
}

/** The bump a set of changes calls for, with a reason a person can read ("prompt changed → minor"). */
export function suggestBump(changes: Change[]): BumpSuggestion | null {
  if (changes.length === 0) return null;
  const bump = changes.map((change) => change.bump).reduce(largerBump);
  const decisive = changes.filter((change) => change.bump === bump).map((change) => change.summary);
  const shown = decisive.length > 3 ? [...decisive.slice(0, 3), `${decisive.length - 3} more`] : decisive;
  return { bump, reason: `${shown.join(', ')} → ${bump}`, changes };
}
