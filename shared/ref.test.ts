import { describe, expect, it } from 'vitest';
import { SlipwayError } from './errors';
import { formatRef, parseRef, parseRefIn } from './ref';

describe('refs', () => {
  it('parses every selector kind of the ref grammar', () => {
    expect(parseRef('triage@1.2.3')).toEqual({ agent: 'triage', selector: { kind: 'semver', semver: '1.2.3' } });
    expect(parseRef('triage@production')).toEqual({ agent: 'triage', selector: { kind: 'label', label: 'production' } });
    expect(parseRef('triage@draft').selector).toEqual({ kind: 'draft' });
    expect(parseRef('triage@latest').selector).toEqual({ kind: 'latest' });
    expect(parseRef('triage@sha256:ABCDEF12').selector).toEqual({ kind: 'hash', prefix: 'abcdef12' });
  });

  it('reads a bare agent name as AGENT@latest', () => {
    expect(parseRef('triage')).toEqual({ agent: 'triage', selector: { kind: 'latest' } });
  });

  it('refuses malformed refs with a message naming the ref', () => {
    for (const bad of [
      'Triage@1.0.0',
      'triage@1.0',
      'triage@sha256:xyz',
      'triage@sha256:ab',
      '@1.0.0',
      'triage@Prod',
      'triage@01.0.0',
    ]) {
      expect(() => parseRef(bad), bad).toThrowError(SlipwayError);
      try {
        parseRef(bad);
      } catch (error) {
        expect((error as SlipwayError).message).toContain(bad.slice(bad.indexOf('@') + 1) || bad);
      }
    }
  });

  it('accepts a selector alone where the agent is known, and refuses another agent', () => {
    expect(parseRefIn('triage', '1.0.0')).toEqual({ agent: 'triage', selector: { kind: 'semver', semver: '1.0.0' } });
    expect(() => parseRefIn('triage', 'refunds@1.0.0')).toThrowError(
      /"refunds@1.0.0" is not a version of triage: it names agent refunds/,
    );
  });

  it('formats a ref back to its text', () => {
    for (const text of ['a@1.0.0', 'a@production', 'a@draft', 'a@latest', 'a@sha256:abcd'])
      expect(formatRef(parseRef(text))).toBe(text);
  });
});
