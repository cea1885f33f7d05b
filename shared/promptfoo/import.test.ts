import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runNeeds } from '../run-needs';
import { importSuite } from '../suite-import';

/** A config folder as promptfoo's documentation shapes one: tests in files, a defaultTest file, scenarios, a CSV. */
const FOLDER: Record<string, string> = {
  'tests/billing.yaml': stringify([
    {
      description: 'double charge',
      vars: { body: 'charged twice', queue: ['billing', 'payments'] },
      assert: [{ type: 'icontains', value: '{{queue}}' }],
    },
  ]),
  'tests/outage.json': JSON.stringify([{ vars: { body: 'API down', queue: 'technical' }, assert: [{ type: 'is-json' }] }]),
  'tests/more.jsonl': `${JSON.stringify({ description: 'jsonl line', vars: { body: 'x', queue: 'account' } })}\n`,
  'defaults.yaml': stringify({
    assert: [{ type: 'not-icontains', value: 'sorry {{queue}}' }],
    options: { transform: 'output.trim()' },
    vars: { team: 'support' },
  }),
  'docs/policy.txt': 'Refunds within 30 days.\n',
  'cases.csv': [
    'body,__expected1,__expected2,__description,__metadata:owner,__threshold,__prefix,__suffix',
    '"charged twice","contains: billing","not-contains: sorry",refund case,ana,0.5,"Ticket: "," (urgent)"',
    'API down,is-json,,outage,,,,',
  ].join('\n'),
};

function importConfig(config: unknown, files: Record<string, string> = FOLDER) {
  return importSuite('promptfooconfig.yaml', stringify(config), 'imported', files);
}

describe('promptfoo configs import whole', () => {
  it('reads tests from files and globs, a defaultTest file, list and file:// variables, transforms and {{vars}} in values', () => {
    const { suite, report } = importConfig({
      prompts: ['{{body}}'],
      defaultTest: 'file://defaults.yaml',
      tests: ['file://tests/*.yaml', 'file://tests/*.json', 'file://tests/more.jsonl'],
    });
    expect(report.format).toBe('promptfoo');
    // The list variable makes one case per item; each assertion value is rendered with its own case's vars.
    expect(suite.cases.map((testCase) => testCase.id)).toEqual(['double-charge', 'double-charge-2', 'test-3', 'jsonl-line']);
    const [billing, payments, outage] = suite.cases;
    expect(billing?.vars).toEqual({ team: 'support', body: 'charged twice', queue: 'billing' });
    expect(payments?.assert).toEqual([
      { type: 'icontains', value: 'payments' },
      { type: 'icontains', value: 'sorry payments', not: true },
    ]);
    expect(outage?.assert).toEqual([{ type: 'is-json' }, { type: 'icontains', value: 'sorry technical', not: true }]);
    expect(billing?.transform).toBe('output.trim()');
    expect(report.notes).toContain("prompts are not imported: the agent's prompt.md and user.md are its prompt");
  });

  it('multiplies scenarios by their tests, reads a file:// variable, and keeps CSV special columns out of the variables', () => {
    const scenarios = importConfig({
      scenarios: [
        {
          description: 'tiers',
          config: [{ vars: { tier: 'free' } }, { vars: { tier: 'pro' } }],
          tests: [
            {
              description: 'policy',
              vars: { policy: 'file://docs/policy.txt' },
              assert: [{ type: 'contains', value: '{{tier}}' }],
            },
          ],
        },
      ],
    });
    expect(scenarios.suite.cases.map((testCase) => [testCase.id, testCase.vars, testCase.assert])).toEqual([
      ['tiers-policy', { tier: 'free', policy: 'Refunds within 30 days.\n' }, [{ type: 'contains', value: 'free' }]],
      ['tiers-policy-2', { tier: 'pro', policy: 'Refunds within 30 days.\n' }, [{ type: 'contains', value: 'pro' }]],
    ]);

    const csv = importConfig({ tests: 'file://cases.csv' });
    const [refund, outage] = csv.suite.cases;
    expect(refund).toMatchObject({
      id: 'refund-case',
      vars: { body: 'charged twice' },
      assert: [
        { type: 'contains', value: 'billing' },
        { type: 'contains', value: 'sorry', not: true },
      ],
      threshold: 0.5,
      prefix: 'Ticket: ',
      suffix: ' (urgent)',
      metadata: { owner: 'ana' },
    });
    expect(outage).toMatchObject({ id: 'outage', vars: { body: 'API down' }, assert: [{ type: 'is-json' }] });
    expect(outage?.metadata).toEqual({ owner: '' });
  });

  it('reads code assertions inline and from files, and names what it cannot take with what to do instead', () => {
    const { suite, report } = importConfig(
      {
        tests: [
          {
            description: 'code',
            assert: [
              { type: 'javascript', value: 'file://checks/length.js' },
              { type: 'python', value: 'len(output) > {{min}}' },
              { type: 'is-sql' },
              { type: 'is-valid-openai-function-call' },
              {
                type: 'assert-set',
                threshold: 0.5,
                assert: [
                  { type: 'contains', value: 'a' },
                  { type: 'assert-set', assert: [] },
                ],
              },
              { type: 'javascript', value: 'file://checks/length.js:named' },
            ],
            vars: { min: 3 },
          },
        ],
      },
      { ...FOLDER, 'checks/length.js': 'module.exports = (output) => output.length > 3;\n' },
    );
    const assert = suite.cases[0]?.assert ?? [];
    expect(assert[0]).toMatchObject({
      type: 'javascript',
      code: expect.stringContaining('module.exports = (output) => output.length > 3;'),
    });
    expect(assert[1]).toEqual({ type: 'python', code: 'len(output) > 3' });
    expect(assert[2]).toMatchObject({ type: 'unsupported', original: 'is-sql', from: 'promptfooconfig.yaml tests[0].assert[2]' });
    expect(assert[3]).toEqual({ type: 'valid-tool-calls' });
    expect(assert[4]).toMatchObject({
      type: 'assert-set',
      assert: [{ type: 'contains' }, { type: 'unsupported', original: 'assert-set' }],
    });
    expect(assert[5]).toMatchObject({ type: 'unsupported', original: 'javascript' });
    expect(report.unsupported.join('\n')).toContain(
      'promptfooconfig.yaml tests[0].assert[2]: assertion type "is-sql"; check the SQL with a javascript or python assertion, or a regex',
    );
    expect(report.notes.join('\n')).toContain('checks the tools the model called against the version');
    // Code a suite runs is a program: a suite from an untrusted bundle is asked about before it runs.
    expect(runNeeds({ provider: 'mock', model: 'none' }, [], suite)).toEqual([
      expect.objectContaining({ kind: 'command', what: "node: the suite's javascript (1 assertion or transform)" }),
      expect.objectContaining({ kind: 'command', what: "python3: the suite's python (1 assertion or transform)" }),
    ]);
  });

  it('refuses a reference outside the config folder or a file not given, naming it, and imports nothing', () => {
    expect(() => importConfig({ tests: 'file://../secrets/tests.yaml' })).toThrow(
      "tests: file://../secrets/tests.yaml is outside the config's folder: only files beside promptfooconfig.yaml are read",
    );
    expect(() => importConfig({ tests: 'file://missing/*.yaml' })).toThrow(
      'tests: file://missing/*.yaml matches none of the files given',
    );
    expect(() =>
      importConfig({ tests: [{ vars: { doc: 'file:///etc/passwd' }, assert: [{ type: 'contains', value: 'x' }] }] }),
    ).toThrow("is outside the config's folder");
    expect(() => importConfig({ tests: [{ vars: { doc: 'file://make.py' } }] })).toThrow(
      'Slipway does not run scripts at import',
    );
  });
});
