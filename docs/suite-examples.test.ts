import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Suite } from '../shared/suite';

const root = join(import.meta.dirname, '..');
const text = readFileSync(join(root, 'docs', 'suites.md'), 'utf8');
const schema = JSON.parse(readFileSync(join(root, 'resources', 'schemas', 'suite.schema.json'), 'utf8')) as object;

/** The YAML fences of docs/suites.md between two headings. */
function yamlFences(from: string, to: string): string[] {
  const section = text.slice(text.indexOf(from), text.indexOf(to));
  return [...section.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
}

describe('the trajectory and conversation examples of docs/suites.md', () => {
  const fences = yamlFences('## Trajectories', '## Runs');

  it('are suites Slipway reads, and its JSON schema agrees', () => {
    expect(fences.length).toBeGreaterThanOrEqual(3);
    const validate = new Ajv({ strict: false }).compile(schema);
    for (const fence of fences) {
      const value = parse(fence) as Record<string, unknown>;
      // An `assert:` fragment is shown as a case's assertions.
      const suite = 'name' in value ? value : { name: 'example', cases: [{ id: 'example', vars: {}, ...value }] };
      const parsed = Suite.safeParse(suite);
      expect(parsed.error?.message, fence).toBeUndefined();
      expect(validate(suite), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('show a script with turns and a simulated user', () => {
    const suites = fences.map((fence) => parse(fence) as Record<string, unknown>).filter((value) => 'name' in value);
    const cases = suites.flatMap((suite) => Suite.parse(suite).cases);
    expect(cases.some((testCase) => (testCase.turns?.length ?? 0) >= 2)).toBe(true);
    expect(cases.some((testCase) => testCase.simulate)).toBe(true);
  });
});
