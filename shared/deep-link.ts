import { AgentName, Semver } from './names';
import { SlipwayError } from './errors';
import { TABS } from './tabs';

/**
 * slipway:// links, as the OS hands them to the app, and the place in the window each opens:
 *   slipway://agent/NAME[/TAB]            an agent, on a tab (editor by default)
 *   slipway://version/AGENT@1.2.0         a version, selected in History
 *   slipway://comparison/AGENT/ID         a comparison, open in Compare
 */
export type DeepLink =
  | { kind: 'agent'; agent: string; tab: string }
  | { kind: 'version'; agent: string; semver: string }
  | { kind: 'comparison'; agent: string; id: number };

function refuse(url: string, why: string): SlipwayError {
  return new SlipwayError(
    'invalid_input',
    `${url} is not a Slipway link: ${why} (slipway://agent/NAME, slipway://version/AGENT@1.2.0, slipway://comparison/AGENT/ID)`,
  );
}

export function parseDeepLink(url: string): DeepLink {
  const match = /^slipway:\/\/([^/?#]+)\/([^?#]*)$/.exec(url.trim());
  if (!match) throw refuse(url, 'it does not start with slipway://KIND/');
  const [kind, rest] = [match[1], (match[2] ?? '').replace(/\/$/, '')];
  const parts = rest.split('/').map((part) => decodeURIComponent(part));
  const agentName = (name: string | undefined) => {
    const parsed = AgentName.safeParse(name);
    if (!parsed.success) throw refuse(url, `"${name ?? ''}" is not an agent name`);
    return parsed.data;
  };
  if (kind === 'agent' && parts.length <= 2) {
    const tab = parts[1] ?? 'editor';
    if (!(TABS as readonly string[]).includes(tab)) throw refuse(url, `"${tab}" is not a tab (${TABS.join(', ')})`);
    return { kind, agent: agentName(parts[0]), tab };
  }
  if (kind === 'version' && parts.length === 1) {
    const [agent, semver] = (parts[0] ?? '').split('@');
    if (!Semver.safeParse(semver).success) throw refuse(url, 'a version link names AGENT@MAJOR.MINOR.PATCH');
    return { kind, agent: agentName(agent), semver: semver ?? '' };
  }
  if (kind === 'comparison' && parts.length === 2) {
    const id = Number(parts[1]);
    if (!Number.isInteger(id) || id < 1) throw refuse(url, `"${parts[1] ?? ''}" is not a comparison id`);
    return { kind, agent: agentName(parts[0]), id };
  }
  throw refuse(
    url,
    `it names no ${kind === 'agent' || kind === 'version' || kind === 'comparison' ? `${kind} this way` : 'known kind'}`,
  );
}

/** The slipway:// URL of a place, to copy and share. */
export function formatDeepLink(link: DeepLink): string {
  const agent = encodeURIComponent(link.agent);
  if (link.kind === 'agent') return `slipway://agent/${agent}/${link.tab}`;
  if (link.kind === 'version') return `slipway://version/${agent}@${link.semver}`;
  return `slipway://comparison/${agent}/${link.id}`;
}

/** The window's hash for a link (the renderer's routing reads it). */
export function deepLinkHash(link: DeepLink): string {
  const agent = encodeURIComponent(link.agent);
  if (link.kind === 'agent') return `#/a/${agent}/${link.tab}`;
  if (link.kind === 'version') return `#/a/${agent}/history?version=${encodeURIComponent(link.semver)}`;
  return `#/a/${agent}/compare?comparison=${link.id}`;
}

/** The link in a command line (a second instance, or the OS starting the app for a link). */
export function deepLinkInArgv(argv: readonly string[]): string | null {
  return argv.find((arg) => arg.startsWith('slipway://')) ?? null;
}
