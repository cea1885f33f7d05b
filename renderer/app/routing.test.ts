import { describe, expect, it } from 'vitest';
import { formatPlace, parsePlace } from './routing';

describe('the place in the URL', () => {
  it('round-trips an agent and a tab through the hash', () => {
    for (const place of [
      { agent: 'triage', tab: 'history' as const },
      { agent: 'refund-approval', tab: 'audit' as const },
      { agent: null, tab: 'editor' as const },
    ]) {
      expect(parsePlace(formatPlace(place))).toEqual(place);
    }
  });

  it('reads the version or the comparison a slipway:// link asks for', () => {
    expect(parsePlace('#/a/triage/history?version=1.1.0')).toEqual({ agent: 'triage', tab: 'history', version: '1.1.0' });
    expect(parsePlace('#/a/triage/compare?comparison=12')).toEqual({ agent: 'triage', tab: 'compare', comparison: 12 });
    expect(parsePlace('#/a/triage/compare?comparison=zero')).toEqual({ agent: 'triage', tab: 'compare' });
  });

  it('falls back to the editor for unknown or empty hashes', () => {
    expect(parsePlace('')).toEqual({ agent: null, tab: 'editor' });
    expect(parsePlace('#/a/triage/nonsense')).toEqual({ agent: 'triage', tab: 'editor' });
    expect(parsePlace('#/x/y')).toEqual({ agent: null, tab: 'editor' });
  });
});
