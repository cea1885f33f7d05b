import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliSandbox } from '../test-support/cli';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

async function sandbox() {
  const made = cliSandbox();
  cleanups.push(made.cleanup);
  await made.run('init', '--sample');
  return made;
}

const outages = [
  'ticket,ticket_id,tier,name,subject,body,internal',
  ...Array.from(
    { length: 30 },
    (_, index) =>
      `O-${index},T-${index},enterprise,Customer ${index},API returns 502,Production is down since ${index}:00,note ${index}`,
  ),
].join('\n');
const priorityP1 =
  'name: priority\ndefaults:\n  assert:\n    - { type: json-path, path: $.priority, value: p1 }\ncases:\n  - id: placeholder\n    vars: {}\n';

describe('slipway dataset and slipway compare', () => {
  it('imports a mapped CSV, compares two sample versions, writes the reports and fails on a significant regression', async () => {
    const { dir, run } = await sandbox();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'outages.csv'), outages);
    writeFileSync(join(dir, 'priority.yaml'), priorityP1);
    const imported = await run(
      'dataset',
      'import',
      'outages.csv',
      '--agent',
      'ticket-triage',
      '--map',
      'ticket=id',
      '--map',
      'tier=var:customer_tier',
      '--map',
      'name=var:customer_name',
      '--map',
      'internal=ignore',
      '-m',
      'thirty outages',
    );
    expect(imported).toMatchObject({ code: 0, stdout: 'Imported 30 items (csv) as ticket-triage/outages revision 1\n' });
    expect((await run('dataset', 'show', 'ticket-triage', 'outages')).stdout).toContain(
      'O-0  {"ticket_id":"T-0","customer_tier":"enterprise","customer_name":"Customer 0","subject":"API returns 502","body":"Production is down since 0:00"}',
    );
    expect(await run('suite', 'import', 'priority.yaml', '--agent', 'ticket-triage')).toMatchObject({ code: 0 });

    // A report folder that does not exist is said before anything runs: no comparison is stored for nothing.
    const nowhere = await run(
      'compare',
      'ticket-triage@production',
      'ticket-triage@staging',
      '--dataset',
      'outages',
      '--out',
      'missing/report.json',
    );
    expect(nowhere).toMatchObject({ code: 2, stderr: expect.stringContaining('--out missing/report.json: the folder') });
    expect(nowhere.stderr).toContain('does not exist (create it first)');
    expect(JSON.parse((await run('--json', 'audit', 'list', '--action', 'comparison.finish')).stdout)).toEqual([]);

    const compared = await run(
      'compare',
      'ticket-triage@production',
      'ticket-triage@staging',
      '--dataset',
      'outages',
      '--suite',
      'priority',
      '--seed',
      '9',
      '--report',
      'report.html',
      '--out',
      'report.json',
      '--fail-on-regression',
    );
    expect(compared.code).toBe(1);
    expect(compared.stdout).toMatch(
      /^ticket-triage@1\.1\.1 passes 100\.0 points less than ticket-triage@1\.1\.0 \(95% CI −100\.0 to −83\.9, p < 0\.001; over 30 cases\), costs the same, (same p95 latency|p95 latency [+−]\d+ ms)\.$/m,
    );
    expect(compared.stdout).toContain('ticket-triage@1.1.1: 0 improved, 30 regressed, 0 same, 0 changed');
    expect(compared.stdout).toContain('significant regression: ticket-triage@1.1.1');
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('passes 100.0 points less');
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { seed: number; cases: unknown[][] };
    expect(json.seed).toBe(9);
    expect(json.cases[0]).toHaveLength(30);

    const same = await run(
      '--json',
      'compare',
      'ticket-triage@production',
      'ticket-triage@1.1.0',
      '--dataset',
      'outages',
      '--fail-on-regression',
    );
    expect(same.code).toBe(0);
    expect((JSON.parse(same.stdout) as { regressions: string[] }).regressions).toEqual([]);
    // With no suite nothing is checked: no pass rate is claimed for either side.
    const unchecked = await run('compare', 'ticket-triage@production', 'ticket-triage@1.1.0', '--dataset', 'outages');
    expect(unchecked.stdout).toContain('ticket-triage@1.1.0: pass rates not measured (no case has checks: compare with --suite)');
  });

  it('refuses what it cannot compare with one clear line and exit 2', async () => {
    const { dir, run } = await sandbox();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'bad.jsonl'), '{"id": "a", "vars": {"body": "x"}}\n{"id": "b", "vars": "nope"}\n');
    expect(await run('dataset', 'import', 'bad.jsonl', '--agent', 'ticket-triage')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('line 2: vars') as unknown as string,
    });
    expect((await run('dataset', 'list', 'ticket-triage')).stdout).toContain('No datasets yet');
    expect(await run('compare', 'ticket-triage@production', 'refund-approval@production', '--dataset', 'x')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('refs of one agent') as unknown as string,
    });
    expect(await run('compare', 'ticket-triage@production', 'ticket-triage@staging', '--dataset', 'missing')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('has no dataset "missing"') as unknown as string,
    });
    expect(await run('dataset', 'import', 'bad.jsonl', '--agent', 'ticket-triage', '--map', 'oops')).toMatchObject({ code: 2 });
  });
});
