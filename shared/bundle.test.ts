import { describe, expect, it } from 'vitest';
import { parentsFirst } from './bundle';

const v = (semver: string, parent: string | null, agent = 'a') => ({ agent, semver, parent });
const order = (versions: Array<ReturnType<typeof v>> | null) =>
  versions?.map((version) => `${version.agent}@${version.semver}`) ?? null;

describe('parentsFirst', () => {
  it('puts every version after its parent, across branches and agents, whatever the input order', () => {
    const sorted = order(
      parentsFirst([
        v('1.2.0', '1.1.0'),
        v('2.0.0', '1.0.0'),
        v('1.1.0', '1.0.0'),
        v('1.0.0', null),
        v('1.0.0', null, 'b'),
        v('1.0.1', '1.0.0', 'b'),
      ]),
    );
    expect(sorted).toHaveLength(6);
    const at = (name: string) => sorted?.indexOf(name) ?? -1;
    expect(at('a@1.0.0')).toBeLessThan(at('a@1.1.0'));
    expect(at('a@1.1.0')).toBeLessThan(at('a@1.2.0'));
    expect(at('a@1.0.0')).toBeLessThan(at('a@2.0.0'));
    expect(at('b@1.0.0')).toBeLessThan(at('b@1.0.1'));
  });

  it('takes a version whose parent is not among them as a root, and says null for a cycle', () => {
    expect(order(parentsFirst([v('1.2.0', '1.1.0'), v('1.1.0', '1.0.0')]))).toEqual(['a@1.1.0', 'a@1.2.0']);
    expect(parentsFirst([v('1.0.0', '1.1.0'), v('1.1.0', '1.0.0')])).toBeNull();
    expect(parentsFirst([])).toEqual([]);
  });
});
