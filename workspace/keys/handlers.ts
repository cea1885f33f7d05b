import type { Handlers } from '../../shared/contract/contract';
import type { KeyState } from '../../shared/contract/keys';
import { SlipwayError } from '../../shared/errors';
import { writeTransaction } from '../../shared/node/sqlite';
import { listAgents } from '../agents/agents';
import { draftFiles } from '../agents/drafts';
import { appendAudit } from '../audit/audit-log';
import { highestVersion, requireAgent, versionFiles } from '../lookup';
import { listSuites } from '../testing/suites';
import type { Workspace } from '../workspace';
import { bindKeyHosts } from './key-hosts';
import type { SecretVault } from './secret-vault';

const API_KEY_LINE = /^\s*api_key:\s*["']?([A-Z][A-Z0-9_]*)["']?\s*$/gm;

/** The key names each agent's draft and latest version mention (config.yaml, suites' judges). */
function keysInUse(ws: Workspace): Map<string, Set<string>> {
  const uses = new Map<string, Set<string>>();
  const note = (text: string | undefined, agent: string) => {
    for (const match of (text ?? '').matchAll(API_KEY_LINE)) {
      const name = match[1] as string;
      uses.set(name, (uses.get(name) ?? new Set()).add(agent));
    }
  };
  for (const agent of listAgents(ws, false)) {
    const row = requireAgent(ws, agent.name);
    note(draftFiles(ws, row.id)['config.yaml'], agent.name);
    const latest = highestVersion(ws, row.id);
    if (latest) note(versionFiles(ws, latest.id)['config.yaml'], agent.name);
    for (const suite of listSuites(ws, agent.name)) note(suite.content, agent.name);
  }
  return uses;
}

/** The contract's keys domain: names, where each is kept and who uses it; values go only into the vault. */
export function createKeyHandlers(ws: Workspace, vault: SecretVault): Pick<Handlers, 'keys'> {
  const keyState = (name: string, uses = keysInUse(ws)): KeyState => {
    const entry = vault.names().find((candidate) => candidate.name === name);
    return {
      name,
      set: entry !== undefined,
      source: entry?.source ?? null,
      usedBy: [...(uses.get(name) ?? [])].sort(),
      hosts: [...(vault.hostsFor?.(name) ?? [])],
    };
  };
  const auditKey = (action: 'key.set' | 'key.remove', name: string, change: () => void) =>
    writeTransaction(ws.db, () => {
      // The name only: a key's value never reaches the database.
      appendAudit(ws, { action, agentId: null, subject: name, before: null, after: { storage: vault.storage.kind } });
      change();
    });

  return {
    keys: {
      list: () => {
        const uses = keysInUse(ws);
        const names = new Set([...vault.names().map((entry) => entry.name), ...uses.keys()]);
        return [...names].sort().map((name) => keyState(name, uses));
      },
      storage: () => vault.storage,
      set: ({ name, value }) => {
        auditKey('key.set', name, () => vault.set(name, value));
        return keyState(name);
      },
      bind: ({ name, hosts }) => {
        writeTransaction(ws.db, () => {
          appendAudit(ws, { action: 'key.bind', agentId: null, subject: name, before: null, after: { hosts } });
          bindKeyHosts(ws, name, hosts);
        });
        return keyState(name);
      },
      remove: ({ name }) => {
        if (!vault.names().some((entry) => entry.name === name)) throw new SlipwayError('not_found', `no key named ${name}`);
        auditKey('key.remove', name, () => vault.remove(name));
        return keyState(name);
      },
    },
  };
}
