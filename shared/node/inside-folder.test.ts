import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/workspace';
import { writeAgentFolder } from './agent-folder';
import { writeFolder } from './bundle-archive';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
function sandbox() {
  const { dir, cleanup } = tempDir('slipway-inside-');
  cleanups.push(cleanup);
  const target = join(dir, 'checkout');
  writeFileSync(join(dir, 'precious.txt'), 'keep me');
  return { dir, target };
}

describe('writing stored files into a folder, whatever the database says', () => {
  it('refuses a checkout whose file names leave the folder, writing nothing at all', () => {
    for (const name of ['../precious.txt', '/tmp/slipway-absolute-x', 'sub/prompt.md', 'a/../../precious.txt', '..', '']) {
      const { dir, target } = sandbox();
      expect(() => writeAgentFolder(target, { 'prompt.md': 'fine\n', [name]: 'evil' }, true), name).toThrow(/would leave/);
      expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
      expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
    }
    expect(existsSync('/tmp/slipway-absolute-x')).toBe(false);
  });

  it('refuses to write through a link planted in the folder', () => {
    const { dir, target } = sandbox();
    mkdirSync(target);
    symlinkSync(join(dir, 'precious.txt'), join(target, 'prompt.md'));
    expect(() => writeAgentFolder(target, { 'prompt.md': 'overwritten' }, true)).toThrow(/is a link/);
    expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses a folder export with an entry outside it, and writes nested entries that stay inside', () => {
    const { dir, target } = sandbox();
    expect(() =>
      writeFolder(target, [
        ['versions/a/prompt.md', Buffer.from('fine')],
        ['versions/../../precious.txt', Buffer.from('evil')],
      ]),
    ).toThrow(/would leave/);
    expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(target)).toBe(false);
    writeFolder(target, [['versions/a/prompt.md', Buffer.from('fine')]]);
    expect(readFileSync(join(target, 'versions', 'a', 'prompt.md'), 'utf8')).toBe('fine');
  });
});
