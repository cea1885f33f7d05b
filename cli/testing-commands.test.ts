import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../test-support/fake-llm';
import { cliSandbox } from '../test-support/cli';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function sandbox(extraEnv: Record<string, string> = {}) {
  const made = cliSandbox(extraEnv);
  cleanups.push(made.cleanup);
  return made;
}

describe('slipway test', () => {
  it('runs a sample suite offline: exit 1 naming the regressed case, exit 0 with a lower pass rate, reports on disk', async () => {
    const { run, dir } = sandbox();
    await run('init', '--sample');
    const failing = await run(
      'test',
      'ticket-triage@staging',
      '--suite',
      'triage-basics',
      '--junit',
      'report.xml',
      '--out',
      'run.json',
    );
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain('✗ api-outage: json-path: $.priority is "p2", expected "p1"');
    expect(failing.stdout).toContain('2/3 passed (66.7%), cost $0.0000 — gate FAILED (every result must pass)');
    const junit = readFileSync(join(dir, 'report.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite name="triage-basics" tests="3" failures="1" errors="0"/);
    expect(junit).toContain('<failure message="json-path: $.priority is &quot;p2&quot;, expected &quot;p1&quot;"');
    const report = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as {
      attestation: Record<string, unknown>;
      results: unknown[];
    };
    expect(report.attestation).toMatchObject({
      suite: 'triage-basics',
      passed: false,
      total: 3,
      passRate: 2 / 3,
      minPassRate: null,
      runId: 1,
    });
    expect(report.results).toHaveLength(3);
    expect(await run('test', 'ticket-triage@staging', '--suite', 'triage-basics', '--min-pass-rate', '0.6')).toMatchObject({
      code: 0,
    });
    expect(await run('test', 'ticket-triage@production', '--suite', 'triage-basics')).toMatchObject({ code: 0 });
    const compared = JSON.parse((await run('--json', 'runs', 'compare', '3', '1')).stdout) as { newFailures: string[] };
    expect(compared.newFailures).toEqual(['api-outage']);
    expect((await run('runs', 'list', 'ticket-triage')).stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect((await run('runs', 'show', '1')).stdout).toContain('✗ api-outage');
    expect(await run('runs', 'export', '1', '--junit', 'again.xml')).toMatchObject({ code: 0 });
    expect(readFileSync(join(dir, 'again.xml'), 'utf8')).toBe(junit);
    const json = JSON.parse((await run('--json', 'test', 'refund-approval@latest', '--suite', 'refund-policy')).stdout) as {
      attestation: { passed: boolean; versionHash: string };
    };
    expect(json.attestation.passed).toBe(true);
    expect(json.attestation.versionHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tests a folder against a suite file with no workspace, over a real OpenAI-compatible server, and reuses answers with --cache', async () => {
    const fake: FakeLlm = await startFakeLlm(() => ({ kind: 'reply', text: '{"queue": "billing"}' }));
    cleanups.push(() => fake.close());
    const { run, write, dir } = sandbox({ SLIPWAY_KEY_OPENAI: 'sk-from-env-123456' });
    write('agent/prompt.md', 'Route tickets.\n');
    write('agent/user.md', '{{body}}\n');
    write('agent/tools.json', '[]\n');
    write(
      'agent/config.yaml',
      `provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\nbase_url: ${fake.url}/v1\napi_key: OPENAI\n`,
    );
    write(
      'suite.yaml',
      'name: smoke\ncases:\n  - id: one\n    vars: { body: charged twice }\n    assert: [{ type: json-path, path: $.queue, value: billing }]\n',
    );
    const result = await run('test', '--from', 'agent', '--suite', 'suite.yaml');
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('1/1 passed') });
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-from-env-123456');
    expect(() => readFileSync(join(dir, 'ws', 'slipway.db'))).toThrow();

    await run('init');
    await run('agent', 'create', 'router');
    await run('snapshot', 'router', '--from', 'agent', '-m', 'first');
    await run('suite', 'import', 'suite.yaml', '--agent', 'router');
    await run('test', 'router@1.0.0', '--suite', 'smoke', '--cache');
    const calls = fake.requests.length;
    expect(await run('test', 'router@1.0.0', '--suite', 'smoke', '--cache')).toMatchObject({ code: 0 });
    expect(fake.requests.length).toBe(calls);
  });

  it('fails a run with a case that has no checks, says so by that word, and exits 0 with --allow-unchecked while the stored gate stays shut', async () => {
    const { run, write, dir } = sandbox();
    await run('init', '--sample');
    const vars = '{ ticket_id: T-1, customer_tier: pro, customer_name: Ada, subject: Charged twice, body: "charged twice" }';
    write(
      'checks.yaml',
      [
        'name: checks',
        'cases:',
        `  - id: checked`,
        `    vars: ${vars}`,
        '    assert: [{ type: is-json }]',
        `  - id: bare`,
        `    vars: ${vars}`,
        '',
      ].join('\n'),
    );
    await run('suite', 'import', 'checks.yaml', '--agent', 'ticket-triage');
    const failing = await run('test', 'ticket-triage@staging', '--suite', 'checks', '--junit', 'checks.xml');
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain('? bare: no checks: the case has no assertions');
    expect(failing.stdout).toContain(
      '1/2 passed (50.0%), 1 with no checks, cost $0.0000 — gate FAILED (1 result has no checks; every result must pass)',
    );
    expect(readFileSync(join(dir, 'checks.xml'), 'utf8')).toMatch(/<testcase name="bare"[^>]*>\s*<skipped message="no checks/);
    const allowed = await run(
      'test',
      'ticket-triage@staging',
      '--suite',
      'checks',
      '--min-pass-rate',
      '0.5',
      '--allow-unchecked',
    );
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('exit 0: --allow-unchecked');
    const stored = JSON.parse((await run('--json', 'runs', 'show', '2')).stdout) as {
      run: { gatePassed: boolean; unchecked: number; attestation: { passed: boolean } };
    };
    expect(stored.run).toMatchObject({ gatePassed: false, unchecked: 1, attestation: { passed: false } });
  });

  it('answers usage and configuration errors with exit 2 and one clear line', async () => {
    const { run } = sandbox();
    await run('init', '--sample');
    const cases: Array<[string[], RegExp]> = [
      [['test', 'ticket-triage@1.1.0'], /say which suite/],
      [['test', 'ticket-triage@1.1.0', '--suite', 'nope'], /has no suite "nope" \(suites: triage-basics\)/],
      [
        ['test', 'ticket-triage@1.1.0', '--suite', 'triage-basics', '--repeat', '0'],
        /--repeat must be a whole number from 1 to 100/,
      ],
      [
        ['test', 'ticket-triage@1.1.0', '--suite', 'triage-basics', '--min-pass-rate', '1.5'],
        /--min-pass-rate must be a number from 0 to 1/,
      ],
      [['test', 'ghost@1.0.0', '--suite', 'x'], /no agent named "ghost"/],
    ];
    for (const [argv, message] of cases) {
      const result = await run(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr, argv.join(' ')).toMatch(message);
    }
  });
});

describe('slipway suite', () => {
  it('imports a promptfoo config with the files it names, runs its javascript, and errors the case it could not import', async () => {
    const { run, write } = sandbox();
    await run('init', '--sample');
    const vars = '{ ticket_id: T-9, customer_tier: pro, customer_name: Bo, subject: Down, body: "API down with 502" }';
    write(
      'evals/promptfooconfig.yaml',
      [
        'prompts: [file://prompt.txt]',
        'providers: [openai:gpt-4o-mini]',
        'defaultTest:',
        '  assert: [{ type: is-json }]',
        'tests:',
        '  - file://cases/*.yaml',
        '  - description: Outage is urgent',
        `    vars: ${vars}`,
        '    threshold: 0.5',
        '    assert:',
        '      - { type: icontains, value: TECHNICAL, weight: 2 }',
        '      - { type: not-contains, value: billing }',
        '      - { type: javascript, value: "JSON.parse(output).queue === \'technical\'" }',
        '  - description: Needs SQL',
        `    vars: ${vars}`,
        '    assert: [{ type: is-sql }]',
      ].join('\n'),
    );
    write(
      'evals/cases/billing.yaml',
      [
        '- description: Billing by list',
        '  vars: { ticket_id: T-10, customer_tier: pro, customer_name: Al, subject: Bill, body: "charged twice" }',
        '  assert: [{ type: contains-any, value: [billing, payments] }]',
      ].join('\n'),
    );
    const imported = await run('suite', 'import', 'evals/promptfooconfig.yaml', '--agent', 'ticket-triage', '--name', 'imported');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Imported 3 cases (promptfoo) as ticket-triage/imported revision 1');
    expect(imported.stdout).toContain(
      'not supported: promptfooconfig.yaml tests[2].assert[0]: assertion type "is-sql"; check the SQL with a javascript or python assertion, or a regex',
    );
    expect(imported.stdout).toContain('note: prompts are not imported');
    const shown = JSON.parse((await run('--json', 'suite', 'show', 'ticket-triage', 'imported')).stdout) as {
      suite: { cases: Array<{ id: string; threshold?: number; assert: unknown[] }>; defaults: { assert: unknown[] } };
    };
    expect(shown.suite.cases.map((testCase) => testCase.id)).toEqual(['billing-by-list', 'outage-is-urgent', 'needs-sql']);
    expect(shown.suite.cases[1]).toMatchObject({
      threshold: 0.5,
      assert: [
        { type: 'icontains', value: 'TECHNICAL', weight: 2 },
        { type: 'contains', value: 'billing', not: true },
        { type: 'javascript', code: "JSON.parse(output).queue === 'technical'" },
      ],
    });
    expect(shown.suite.defaults.assert).toEqual([{ type: 'is-json' }]);
    // The javascript runs outside Slipway and passes; what could not be imported is never a silent pass.
    const result = await run('test', 'ticket-triage@1.1.0', '--suite', 'imported');
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('outage-is-urgent');
    expect(result.stderr).toContain(
      '! needs-sql: assertion: is-sql: Slipway cannot evaluate "is-sql" (from promptfooconfig.yaml tests[2].assert[0]): check the SQL',
    );
    expect(result.stdout).toContain('2/3 passed');
    expect(result.stdout).toContain('1 result has an assertion that could not be evaluated');
  });

  it('imports JSONL and CSV, names the bad line of a broken file and imports nothing from it', async () => {
    const { run, write } = sandbox();
    await run('init', '--sample');
    write('cases.jsonl', '{"id": "a", "vars": {"body": "x"}}\n{"vars": {"body": "y"}}\n');
    expect((await run('suite', 'import', 'cases.jsonl', '--agent', 'ticket-triage', '--name', 'lines')).stdout).toContain(
      'Imported 2 cases (jsonl)',
    );
    write('cases.csv', 'id,body,__expected\nc1,charged twice,contains: billing\nc2,"API down, 502",icontains: TECHNICAL\n');
    expect((await run('suite', 'import', 'cases.csv', '--agent', 'ticket-triage', '--name', 'table')).stdout).toContain(
      'Imported 2 cases (csv)',
    );
    write('broken.jsonl', '{"id": "a", "vars": {}}\n{not json\n');
    const broken = await run('suite', 'import', 'broken.jsonl', '--agent', 'ticket-triage', '--name', 'broken');
    expect(broken).toMatchObject({ code: 2, stderr: expect.stringContaining('line 2: not JSON') });
    expect((await run('suite', 'list', 'ticket-triage')).stdout).not.toContain('broken');
    expect((await run('suite', 'show', 'ticket-triage', 'lines', '--history')).stdout).toMatch(/#1 .* imported/);
  });
});

describe('cancelling slipway test', () => {
  it('stops in-flight calls on Ctrl+C and stores the run as cancelled with what finished', async () => {
    const fake: FakeLlm = await startFakeLlm((request) =>
      JSON.stringify(request.body.messages).includes('slow') ? { kind: 'hang' } : { kind: 'reply', text: 'billing' },
    );
    cleanups.push(() => fake.close());
    const { run, write, dir } = sandbox();
    write('agent/prompt.md', 'Route tickets.\n');
    write('agent/user.md', '{{body}}\n');
    write('agent/tools.json', '[]\n');
    write(
      'agent/config.yaml',
      `provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\nbase_url: ${fake.url}/v1\ntimeout_ms: 60000\n`,
    );
    write(
      'suite.yaml',
      'name: smoke\ncases:\n  - id: quick\n    vars: { body: fast }\n    assert: [{ type: contains, value: billing }]\n  - id: slow\n    vars: { body: slow }\n',
    );
    await run('init');
    await run('agent', 'create', 'router');
    await run('snapshot', 'router', '--from', 'agent', '-m', 'first');
    await run('suite', 'import', 'suite.yaml', '--agent', 'router');
    const bin = join(import.meta.dirname, '..', 'bin', 'slipway.js');
    const child = spawn(process.execPath, [bin, '--workspace', join(dir, 'ws'), 'test', 'router@1.0.0', '--suite', 'smoke'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    // Interrupt once the slow call is in flight and the quick one's result is committed.
    await fake.received(2);
    const committed = async () =>
      (JSON.parse((await run('--json', 'runs', 'show', '1')).stdout) as { results: unknown[] }).results.length;
    while ((await committed()) < 1) await new Promise((resolve) => setImmediate(resolve));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stdout).toContain('run cancelled');
    const runs = JSON.parse((await run('--json', 'runs', 'list', 'router')).stdout) as Array<{
      status: string;
      passed: number;
      total: number;
    }>;
    expect(runs[0]).toMatchObject({ status: 'cancelled', passed: 1, total: 2 });
  });

  it('keeps a key a program echoes out of everything stored or printed: the database, reports, runs show, errors', async () => {
    const key = 'sk-live-9f8e7d6c5b4a3210';
    const { run, write, dir } = sandbox({ SLIPWAY_KEY_AGENT: key });
    await run('init');
    await run('agent', 'create', 'leaky');
    write('leaky/prompt.md', 'You answer.\n');
    write('leaky/user.md', '{{ask}}\n');
    write('leaky/tools.json', '[]\n');
    write(
      'leaky/config.yaml',
      `provider: command\nmodel: local\napi_key: AGENT\nretries: 0\ncommand: [${JSON.stringify(process.execPath)}, ${JSON.stringify(join(process.cwd(), 'test-support/command-agent.mjs'))}, leak]\n`,
    );
    expect((await run('snapshot', 'leaky', '--from', join(dir, 'leaky'), '-m', 'first')).code).toBe(0);
    write(
      'leak.yaml',
      'name: leak\ncases:\n  - id: echo\n    vars: {ask: hello}\n    assert: [{type: contains, value: key}]\n  - id: stderr\n    vars: {ask: please fail}\n    assert: [{type: contains, value: key}]\n',
    );
    expect((await run('suite', 'import', join(dir, 'leak.yaml'), '--agent', 'leaky')).code).toBe(0);
    const tested = await run('test', 'leaky@latest', '--suite', 'leak', '--junit', 'leak.xml', '--out', 'leak.json');
    expect(tested.code).toBe(1);
    const shown = await run('runs', 'show', '1');
    const shownJson = await run('--json', 'runs', 'show', '1');
    const exported = await run('runs', 'export', '1', '--junit', 'again.xml', '--out', 'again.json');
    expect(exported.code).toBe(0);
    const database = ['slipway.db', 'slipway.db-wal']
      .map((name) => join(dir, 'ws', name))
      .flatMap((path) => {
        try {
          return [readFileSync(path).toString('latin1')];
        } catch {
          return [];
        }
      });
    expect(database.length).toBeGreaterThan(0);
    expect(database.join('')).toContain('auth failed with key [redacted]');
    const everything = [
      tested.stdout,
      tested.stderr,
      shown.stdout,
      shownJson.stdout,
      ...['leak.xml', 'leak.json', 'again.xml', 'again.json'].map((file) => readFileSync(join(dir, file), 'utf8')),
      ...database,
    ];
    for (const text of everything) expect(text).not.toContain(key);
    // The program did echo it: what was stored says where, redacted.
    const report = readFileSync(join(dir, 'again.json'), 'utf8');
    expect(report).toContain('my key is [redacted]');
    expect(report).toContain('auth failed with key [redacted]');
  });
});
