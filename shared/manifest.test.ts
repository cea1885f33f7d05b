import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalManifest } from './manifest';

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('content hash', () => {
  it('is the sha256 of sha256sum-style lines sorted by file name', () => {
    const files = { 'tools.json': '[]\n', 'prompt.md': 'Hi ✓\n', 'config.yaml': 'provider: mock\nmodel: m1\n' };
    const expected = ['config.yaml', 'prompt.md', 'tools.json']
      .map((name) => `${sha(files[name as keyof typeof files])}  ${name}\n`)
      .join('');
    expect(canonicalManifest(files).text).toBe(expected);
    expect(canonicalManifest(files).hash).toBe(sha(expected));
  });

  it('gives the same hash for the same files whatever their order, and another for any byte changed', () => {
    const a = canonicalManifest({ 'a.md': 'x', 'b.md': 'y' }).hash;
    expect(canonicalManifest({ 'b.md': 'y', 'a.md': 'x' }).hash).toBe(a);
    expect(canonicalManifest({ 'a.md': 'x ', 'b.md': 'y' }).hash).not.toBe(a);
    expect(canonicalManifest({ 'a.md': 'y', 'b.md': 'x' }).hash).not.toBe(a);
  });
});
