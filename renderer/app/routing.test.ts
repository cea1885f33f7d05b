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

  it('falls back to the editor for unknown or empty hashes', () => {
    expect(parsePlace('')).toEqual({ agent: null, tab: 'editor' });
    expect(parsePlace('#/a/triage/nonsense')).toEqual({ agent: 'triage', tab: 'editor' });
    expect(parsePlace('#/x/y')).toEqual({ agent: null, tab: 'editor' });
  });
});
