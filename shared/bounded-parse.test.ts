import { describe, expect, it } from 'vitest';
import { measureYaml, parseJsonWithin, parseYamlWithin, shapeProblem, yamlProblem } from './bounded-parse';
import { quoted } from './issues';
import { Suite } from './suite';
import { checkDocument, type Diagnostic } from './validate-files';
import { INPUT_LIMITS } from './limits';

const nestedJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const aliasBomb = [
  'a: &a [x, x, x, x, x, x, x, x, x, x]',
  ...'bcdefghij'.split('').map((name, index) => `${name}: &${name} [${Array(10).fill(`*${'abcdefghij'[index]}`).join(', ')}]`),
].join('\n');

describe('measureYaml', () => {
  it('bounds the nesting from indentation, compact items and brackets', () => {
    expect(measureYaml('a: 1\n').depth).toBe(1);
    expect(measureYaml('a:\n  b:\n    c: 1\n').depth).toBe(3);
    expect(measureYaml('- - - x\n').depth).toBe(4);
    expect(measureYaml('a: [1, {b: [2]}]\n').depth).toBe(4);
    // An upper bound: the line opens a level, and each bracket one more.
    expect(measureYaml(nestedJson(10)).depth).toBe(11);
  });

  it('does not count brackets inside quoted scalars, block scalars and comments', () => {
    expect(measureYaml('a: "[[[[[[[["\nb: \'{{{{{{\'\n').depth).toBe(1);
    expect(measureYaml('a: |\n  [[[[[[[[[[\n  - - - - - -\nb: 1 # [[[[[[\n').depth).toBe(1);
  });

  it('counts aliases', () => {
    expect(measureYaml('a: &x 1\nb: *x\nc: [*x, *x]\n').aliases).toBe(3);
    expect(measureYaml('a: "*x"\n').aliases).toBe(0);
  });
});

describe('parsing under limits', () => {
  it('refuses 5 MB of `[` and 2.5 million compact dashes without building them, in bounded memory', () => {
    const before = process.memoryUsage().heapUsed;
    expect(yamlProblem('['.repeat(5_000_000), INPUT_LIMITS.suiteChars, 'suite.yaml').problem).toBe(
      'suite.yaml is nested deeper than 64 levels',
    );
    expect(yamlProblem(`${'- '.repeat(2_500_000)}x\n`, INPUT_LIMITS.suiteChars, 'suite.yaml').problem).toMatch(/deeper than 64/);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('holds a parsed value to the depth limit exactly, and refuses __proto__', () => {
    expect(() => parseYamlWithin(nestedJson(64), 1e6, 'x.yaml')).not.toThrow();
    expect(() => parseYamlWithin(nestedJson(65), 1e6, 'x.yaml')).toThrow('x.yaml is nested deeper than 64 levels');
    expect(() => parseJsonWithin(nestedJson(65), 1e6, 'the body')).toThrow('the body is nested deeper than 64 levels');
    expect(() => parseJsonWithin(`[${'['.repeat(200_000)}${']'.repeat(200_000)}]`, 1e7, 'the body')).toThrow(/deeper than 64/);
    expect(() => parseJsonWithin('{"a": {"__proto__": {"admin": true}}}', 1e6, 'the body')).toThrow(
      'the body has a __proto__ key',
    );
    expect(shapeProblem({ a: [[1]] }, 'v')).toBeNull();
  });

  it('refuses an alias bomb naming the limit, and keeps ordinary anchors', () => {
    expect(() => parseYamlWithin(aliasBomb, 1e6, 'suite.yaml')).toThrow(
      'suite.yaml resolves aliases past the limit of 100 (an alias bomb?)',
    );
    expect(parseYamlWithin('base: &b {x: 1}\ncase: *b\n', 1e6, 'suite.yaml')).toEqual({ base: { x: 1 }, case: { x: 1 } });
  });

  it('refuses a text over its size before reading it, and quotes no more than a prefix of what it refuses', () => {
    expect(() => parseJsonWithin('"x"'.padEnd(101, ' '), 100, 'the body')).toThrow(
      'the body is 101 characters; the limit is 100',
    );
    const huge = 'y'.repeat(10_000_000);
    expect(quoted(huge).length).toBeLessThan(200);
    expect(quoted(huge)).toMatch(/^"y+…" \(10,000,000 characters\)$/);
    expect(quoted('short')).toBe('"short"');
    expect(() => parseJsonWithin(`{${huge}`, 2e7, 'the body')).toThrow(/not JSON/);
    expect(
      (() => {
        try {
          parseJsonWithin(`{${huge}`, 2e7, 'the body');
        } catch (error) {
          return (error as Error).message.length;
        }
        return 0;
      })(),
    ).toBeLessThan(300);
  });

  it('says what is wrong with a huge shallow document without building it with positions, in bounded memory', () => {
    const flat = `[${'0,'.repeat(2_500_000)}0]`;
    const before = process.memoryUsage().heapUsed;
    const diagnostics: Diagnostic[] = [];
    expect(checkDocument('suite.yaml', flat, Suite, diagnostics, { maxChars: INPUT_LIMITS.suiteChars })).toBeUndefined();
    expect(diagnostics[0]).toMatchObject({ file: 'suite.yaml', line: 1, column: 1 });
    const broken: Diagnostic[] = [];
    checkDocument('suite.yaml', `name: x\ncases: [${'0,'.repeat(2_500_000)}\n  : : bad`, Suite, broken, {
      maxChars: INPUT_LIMITS.suiteChars,
    });
    expect(broken[0]?.message).toMatch(/^not valid YAML: /);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(400 * 1024 * 1024);
    expect(() => parseYamlWithin(`a: &x 1\nb: [${'*x, '.repeat(300_000)}*x]`, 1e7, 'x.yaml')).toThrow(
      /more than 200,000 nodes|aliases past the limit/,
    );
  });
});
