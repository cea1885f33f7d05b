import { describe, expect, it } from 'vitest';
import { deepLinkHash, deepLinkInArgv, formatDeepLink, parseDeepLink, type DeepLink } from './deep-link';

describe('slipway:// links', () => {
  it('open an agent on a tab, a version in History, a comparison in Compare', () => {
    expect(deepLinkHash(parseDeepLink('slipway://agent/ticket-triage'))).toBe('#/a/ticket-triage/editor');
    expect(deepLinkHash(parseDeepLink('slipway://agent/ticket-triage/release/'))).toBe('#/a/ticket-triage/release');
    expect(deepLinkHash(parseDeepLink('slipway://version/ticket-triage@1.1.0'))).toBe('#/a/ticket-triage/history?version=1.1.0');
    expect(deepLinkHash(parseDeepLink('slipway://comparison/ticket-triage/12'))).toBe('#/a/ticket-triage/compare?comparison=12');
  });

  it('refuse anything else with what a link looks like', () => {
    expect(() => parseDeepLink('https://example.com/agent/x')).toThrow(
      /is not a Slipway link: it does not start with slipway:\/\/KIND\//,
    );
    expect(() => parseDeepLink('slipway://agent/Bad Name')).toThrow(/"Bad Name" is not an agent name/);
    expect(() => parseDeepLink('slipway://agent/triage/settings')).toThrow(/"settings" is not a tab/);
    expect(() => parseDeepLink('slipway://version/triage@latest')).toThrow(/a version link names AGENT@MAJOR.MINOR.PATCH/);
    expect(() => parseDeepLink('slipway://comparison/triage/zero')).toThrow(/"zero" is not a comparison id/);
    expect(() => parseDeepLink('slipway://deploy/triage')).toThrow(/it names no known kind/);
  });

  it('are written the way they are read', () => {
    const links: DeepLink[] = [
      { kind: 'agent', agent: 'triage', tab: 'release' },
      { kind: 'version', agent: 'triage', semver: '2.0.1' },
      { kind: 'comparison', agent: 'triage', id: 7 },
    ];
    for (const link of links) expect(parseDeepLink(formatDeepLink(link))).toEqual(link);
  });

  it('are found in a command line', () => {
    expect(deepLinkInArgv(['/opt/Slipway/slipway-desktop', '--no-sandbox', 'slipway://agent/triage'])).toBe(
      'slipway://agent/triage',
    );
    expect(deepLinkInArgv(['/opt/Slipway/slipway-desktop'])).toBeNull();
  });
});
