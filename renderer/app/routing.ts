import { TABS, type Tab } from '../features/ui/store';
import type { Place } from './stores';

/** The place in the hash, so a reload (or a link) comes back to the same agent and tab: #/a/<agent>/<tab>. */
export function parsePlace(hash: string): Place {
  const [, kind, agent, tab] = hash.replace(/^#/, '').split('/');
  const knownTab = TABS.find((candidate) => candidate === tab);
  if (kind !== 'a' || !agent) return { agent: null, tab: knownTab ?? 'editor' };
  return { agent: decodeURIComponent(agent), tab: knownTab ?? 'editor' };
}

export function formatPlace(place: { agent: string | null; tab: Tab }): string {
  return place.agent ? `#/a/${encodeURIComponent(place.agent)}/${place.tab}` : `#/${place.tab}`;
}
