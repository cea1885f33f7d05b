import { describe, expect, it } from 'vitest';
import { nodePlatform } from '../node/platform';
import { countResults, gateAllowingUnchecked, gatePasses, toJUnit } from '../run-report';
import { Suite } from '../suite';
import { parseAgentFiles } from '../validate-files';
import { runSuite } from './runner';
import { memorySecrets } from './secrets';

/** An agent that echoes its conversation, or answers two fixed texts. */
const agent = parseAgentFiles({
  'prompt.md': 'Echo.\n',
  'user.md': '{{text}}',
  'tools.json': '[]\n',
  'config.yaml': [
    'provider: mock',
    'model: mock-1',
    'mock:',
    '  rules:',
    '    - { match: with-newline, reply: "Hello World\\n" }',
    '    - { match: with-space, reply: "Hello World " }',
    '    - echo: true',
    '',
  ].join('\n'),
});

async function run(cases: unknown[]) {
  return runSuite({
    agent,
    versionHash: 'h1',
    suite: Suite.parse({ name: 'gate', cases }),
    settings: { concurrency: 2, repeat: 1 },
    platform: nodePlatform(memorySecrets({})),
    prices: {},
  });
}

const REPORT = {
  id: 1,
  agent: 'echo',
  version: '1.0.0',
  versionHash: 'h1',
  suite: 'gate',
  suiteRevisionHash: 's1',
  status: 'finished',
  startedAt: '2026-12-02T00:00:00.000Z',
  finishedAt: '2026-12-02T00:00:01.000Z',
  passed: 1,
  total: 3,
  passRate: 1 / 3,
  gatePassed: false,
  costUsd: 0,
};

describe('nothing passes unchecked', () => {
  it('a case with no assertions is "unchecked", never passed, and keeps the gate shut whatever the minimum pass rate', async () => {
    const outcome = await run([
      { id: 'checked', vars: { text: 'billing' }, assert: [{ type: 'contains', value: 'billing' }] },
      { id: 'bare', vars: { text: 'anything at all' } },
    ]);
    const byId = Object.fromEntries(outcome.results.map((result) => [result.caseId, result]));
    expect(byId.checked?.status).toBe('passed');
    expect(byId.bare).toMatchObject({ status: 'unchecked', output: expect.stringContaining('anything at all'), error: null });
    const counts = countResults(outcome.results);
    expect(counts).toMatchObject({ passed: 1, unchecked: 1, unevaluated: 0 });
    const end = { status: 'finished', total: 2, minPassRate: 0, ...counts };
    expect(gatePasses(end)).toBe(false);
    // --allow-unchecked leaves the unchecked case out of the exit code, and only that.
    expect(gateAllowingUnchecked(end)).toBe(true);
    expect(gateAllowingUnchecked({ ...end, passed: 0, minPassRate: null })).toBe(false);
  });

  it('an unsupported assertion errors naming its original type and source, keeps the answer, and `not` cannot invert it', async () => {
    const unsupported = { type: 'unsupported', original: 'is-sql', from: 'promptfooconfig.yaml tests[3].assert[0]' };
    const outcome = await run([
      { id: 'sql', vars: { text: 'SELECT 1' }, assert: [{ type: 'contains', value: 'SELECT' }, unsupported] },
      { id: 'negated', vars: { text: 'SELECT 1' }, assert: [{ ...unsupported, not: true }] },
      { id: 'bad-pattern', vars: { text: 'x' }, assert: [{ type: 'regex', value: '(', not: true }] },
      { id: 'weighted', vars: { text: 'x' }, threshold: 0.1, assert: [{ type: 'contains', value: 'x' }, unsupported] },
    ]);
    for (const result of outcome.results) {
      expect(result.status, result.caseId).toBe('errored');
      expect(result.error?.kind, result.caseId).toBe('assertion');
    }
    const sql = outcome.results.find((result) => result.caseId === 'sql');
    expect(sql?.output).toContain('SELECT 1');
    expect(sql?.error?.message).toBe('is-sql: Slipway cannot evaluate "is-sql" (from promptfooconfig.yaml tests[3].assert[0])');
    expect(outcome.results.find((result) => result.caseId === 'bad-pattern')?.error?.message).toMatch(
      /^regex: \/\(\/ is not a valid regular expression/,
    );
    const counts = countResults(outcome.results);
    expect(counts).toMatchObject({ errored: 4, unevaluated: 4 });
    expect(gateAllowingUnchecked({ status: 'finished', total: 4, minPassRate: 0, ...counts })).toBe(false);
  });

  it('reasons show text as it was: a newline and a trailing space read differently', async () => {
    const outcome = await run([
      { id: 'newline', vars: { text: 'with-newline' }, assert: [{ type: 'equals', value: 'Hello World' }] },
      { id: 'space', vars: { text: 'with-space' }, assert: [{ type: 'equals', value: 'Hello World' }] },
    ]);
    const reasons = Object.fromEntries(outcome.results.map((result) => [result.caseId, result.verdicts[0]?.reason]));
    expect(reasons.newline).toBe('expected "Hello World", got "Hello World\\n"');
    expect(reasons.space).toBe('expected "Hello World", got "Hello World "');
  });

  it('JUnit marks a case with no checks <skipped> with the reason, an unevaluated one <error>', async () => {
    const outcome = await run([
      { id: 'checked', vars: { text: 'billing' }, assert: [{ type: 'contains', value: 'billing' }] },
      { id: 'bare', vars: { text: 'x' } },
      { id: 'sql', vars: { text: 'x' }, assert: [{ type: 'unsupported', original: 'is-sql', from: 'tests[0].assert[0]' }] },
    ]);
    const xml = await toJUnit(REPORT, outcome.results);
    expect(xml).toMatch(/<testsuite [^>]*skipped="1"/);
    expect(xml).toMatch(
      /<testcase name="bare"[^>]*>\s*<skipped message="no checks: the case has no assertions, so nothing says its answer is right"\/>/,
    );
    expect(xml).toMatch(/<testcase name="sql"[^>]*>\s*<error message="is-sql: Slipway cannot evaluate/);
    expect(xml).toMatch(/<testcase name="checked"[^>]*\/>/);
  });
});
