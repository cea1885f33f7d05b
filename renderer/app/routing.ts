import { TABS } from '../features/ui/store';
import type { Place } from './stores';

/**
 * The place in the hash, so a reload (or a link) comes back to the same agent and tab:
 * #/a/<agent>/<tab>, with ?version=1.2.0 (History selects it) or ?comparison=ID (Compare opens it).
 */
export function parsePlace(hash: string): Place {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const [, kind, agent, tab] = path.split('/');
  const knownTab = TABS.find((candidate) => candidate === tab);
  if (kind !== 'a' || !agent) return { agent: null, tab: knownTab ?? 'editor' };
  const params = new URLSearchParams(query);
  const comparison = Number(params.get('comparison'));
  return {
    agent: decodeURIComponent(agent),
    tab: knownTab ?? 'editor',
    ...(params.get('version') ? { version: params.get('version') ?? '' } : {}),
    ...(Number.isInteger(comparison) && comparison > 0 ? { comparison } : {}),
  };
}

export function formatPlace(place: { agent: string | null; tab: Place['tab'] }): string {
  return place.agent ? `#/a/${encodeURIComponent(place.agent)}/${place.tab}` : `#/${place.tab}`;
}
