import { describe, expect, it } from 'vitest';
import type { AgentConfig } from '../agent-files';
import { CLOSED_POLICY, hostMatches, isPrivateAddress, keyName, policyProblems, urlProblem } from './policy';

const config = (fields: Partial<AgentConfig>): AgentConfig => ({
  provider: 'openai-compatible',
  model: 'gpt-4o-mini-2024-07-18',
  ...fields,
});

describe("the runtime operator's egress policy", () => {
  it('knows loopback, private, link-local and CGNAT addresses in every spelling', () => {
    for (const host of [
      '127.0.0.1',
      '10.2.3.4',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      'localhost',
      'api.localhost',
      '[::1]',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
    ])
      expect(isPrivateAddress(host), host).toBe(true);
    for (const host of [
      '8.8.8.8',
      '172.32.0.1',
      '100.128.0.1',
      'api.openai.com',
      '2606:4700::1',
      '::ffff:808:808',
      '64:ff9b::808:808',
      '2002:808:808::1',
    ])
      expect(isPrivateAddress(host), host).toBe(false);
  });

  it('matches hosts by name, port and wildcard', () => {
    const url = new URL('https://api.example.com/v1');
    expect(hostMatches(url, ['api.example.com'])).toBe(true);
    expect(hostMatches(url, ['api.example.com:443'])).toBe(true);
    expect(hostMatches(url, ['api.example.com:8443'])).toBe(false);
    expect(hostMatches(url, ['*.example.com'])).toBe(true);
    expect(hostMatches(new URL('https://example.com'), ['*.example.com'])).toBe(false);
    expect(hostMatches(new URL('https://evil-example.com'), ['*.example.com'])).toBe(false);
    expect(hostMatches(url, ['*'])).toBe(true);
    expect(hostMatches(new URL('http://[::1]:8080'), ['[::1]:8080'])).toBe(true);
  });

  it('refuses what the operator did not allow, each rule by name, and nothing else', () => {
    expect(policyProblems(config({ provider: 'mock', mock: { rules: [{ reply: 'x' }] } }), CLOSED_POLICY)).toEqual([]);
    expect(
      policyProblems(
        config({
          provider: 'mock',
          mock: {
            rules: [
              { match: 'billing|refund', reply: 'x' },
              { match: '^user: (a+)+$', reply: 'y' },
            ],
          },
        }),
        CLOSED_POLICY,
      ),
    ).toEqual([expect.stringMatching(/mock rule match \/\^user: \(a\+\)\+\$\/ nests repetition/)]);
    expect(policyProblems(config({}), CLOSED_POLICY)).toEqual([
      expect.stringMatching(/^base_url https:\/\/api\.openai\.com: host api\.openai\.com:443 is not allowed/),
    ]);
    expect(policyProblems(config({ provider: 'anthropic' }), { ...CLOSED_POLICY, hosts: ['api.anthropic.com'] })).toEqual([
      expect.stringMatching(/key ANTHROPIC is bound to no host/),
    ]);
    expect(keyName(config({ provider: 'http', base_url: 'https://agents.internal' }))).toBeNull();
    const allowed = { ...CLOSED_POLICY, hosts: ['api.openai.com'], keys: { OPENAI: ['api.openai.com'] } };
    expect(policyProblems(config({ api_key: 'OPENAI' }), allowed)).toEqual([]);
    expect(
      policyProblems(config({ api_key: 'OPENAI', base_url: 'https://api.openai.com.evil.io/v1' }), { ...allowed, hosts: ['*'] }),
    ).toEqual([expect.stringMatching(/key OPENAI may be sent only to api\.openai\.com, not to api\.openai\.com\.evil\.io:443/)]);
    expect(policyProblems(config({ provider: 'command', command: ['/usr/bin/python3', 'agent.py'] }), CLOSED_POLICY)).toEqual([
      expect.stringMatching(/the command provider is not allowed on this runtime/),
    ]);
    expect(
      policyProblems(config({ provider: 'command', command: ['/usr/bin/python3'] }), {
        ...CLOSED_POLICY,
        commands: ['/usr/bin/python3'],
      }),
    ).toEqual([]);
    expect(urlProblem(new URL('file:///etc/passwd'), { ...CLOSED_POLICY, hosts: ['*'] })).toMatch(/file: URLs are never called/);
    expect(urlProblem(new URL('http://169.254.169.254/latest'), { ...CLOSED_POLICY, hosts: ['*'] })).toMatch(
      /loopback or private/,
    );
  });
});
