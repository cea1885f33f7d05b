import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BODY_LIMITS, DEFAULT_HELD_BODIES_LIMIT } from '../runtime/server';
import { LIMITS, MAX_APP_BUNDLE_BYTES, MAX_BUNDLE_BYTES } from '../shared/bundle';
import { MAX_ANSWER_BYTES, MAX_PROGRAM_STDOUT } from '../shared/engine/types';
import { INPUT_LIMITS } from '../shared/limits';
import { packageRoot } from '../shared/node/package-root';
import { CODE_LIMITS } from '../shared/node/code-runner';

describe('docs/limits.md', () => {
  it('lists every limit with the number the code holds', () => {
    const rows = [...readFileSync(join(packageRoot(), 'docs', 'limits.md'), 'utf8').matchAll(/^\| `(\w+)` \| ([\d,]+) \|/gm)];
    const documented = Object.fromEntries(rows.map((row) => [row[1], Number((row[2] ?? '').replaceAll(',', ''))]));
    expect(documented).toEqual({
      ...INPUT_LIMITS,
      ...LIMITS,
      MAX_BUNDLE_BYTES,
      MAX_APP_BUNDLE_BYTES,
      MAX_PROGRAM_STDOUT,
      MAX_ANSWER_BYTES,
      ...DEFAULT_BODY_LIMITS,
      heldBodies: DEFAULT_HELD_BODIES_LIMIT,
      ...CODE_LIMITS,
    });
  });
});
