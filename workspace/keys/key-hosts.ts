import { z } from 'zod';
import type { Workspace } from '../workspace';
import { readSetting, writeSetting } from '../settings/values';
import type { SecretVault } from './secret-vault';

/**
 * Which hosts each provider key may be sent to, kept in the workspace (names and hosts only,
 * never values). A binding here wins over SLIPWAY_KEY_HOSTS_<NAME>; a key bound nowhere is sent
 * wherever a trusted version says.
 */
const KeyHosts = z.record(z.string(), z.array(z.string()));

export function keyHosts(ws: Workspace): Record<string, string[]> {
  return readSetting(ws, 'key-hosts', KeyHosts) ?? {};
}

export function bindKeyHosts(ws: Workspace, name: string, hosts: string[]): void {
  const { [name]: _replaced, ...others } = keyHosts(ws);
  writeSetting(ws, 'key-hosts', hosts.length === 0 ? others : { ...others, [name]: hosts });
}

/** The vault with the workspace's bindings: what every run of this workspace sends keys through. */
export function boundVault(vault: SecretVault, ws: Workspace): SecretVault {
  return { ...vault, hostsFor: (name) => keyHosts(ws)[name] ?? vault.hostsFor?.(name) ?? null };
}
