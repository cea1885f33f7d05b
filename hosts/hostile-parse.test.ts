import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../test-support/browser-host';
import { cliSandbox, type CliSandbox } from '../test-support/cli';

/** Nested and aliased documents at and past the limits, sent through every entry point that parses them. */

const ALIAS_BOMB = [
  'name: bomb',
  'a: &a [x, x, x, x, x, x, x, x, x, x]',
  ...'bcdefghij'.split('').map((name, index) => `${name}: &${name} [${Array(10).fill(`*${'abcdefghij'[index]}`).join(', ')}]`),
  'cases: []',
].join('\n');
const HOSTILE: Array<[string, string, RegExp]> = [
  ['5 MB of [', '['.repeat(5_000_000), /nested deeper than 64 levels/],
  ['2.5 million compact dashes', `${'- '.repeat(2_500_000)}x\n`, /nested deeper than 64 levels/],
  ['an alias bomb', ALIAS_BOMB, /resolves aliases past the limit of 100/],
  // Shallow but wide: 2.5 million nodes that are not a suite (a positional parser would take gigabytes).
  ['a 5 MB flat list', `[${'0,'.repeat(2_500_000)}0]`, /neither a Slipway suite|expected object|Invalid input/],
];
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

let host: TestHost | null = null;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  await host?.close();
  host = null;
  cleanups.splice(0).forEach((cleanup) => cleanup());
});

function sandbox(): CliSandbox {
  const made = cliSandbox();
  cleanups.push(made.cleanup);
  return made;
}

/** Runs `act` and says how far the heap grew past where it started (after a collection when exposed). */
async function heapGrowth(act: () => Promise<void>): Promise<number> {
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  try {
    await act();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, process.memoryUsage().heapUsed) - before;
}

describe('parsers under limits at every entry point', () => {
  it('the CLI refuses hostile suite files naming the limit, in bounded memory, and takes one at the limit', async () => {
    const cli = sandbox();
    await cli.run('init', '--sample');
    for (const [name, text, reason] of HOSTILE) {
      const file = cli.write(`hostile-${name.length}.yaml`, text);
      let answer = { code: 0, stdout: '', stderr: '' };
      const growth = await heapGrowth(async () => {
        answer = await cli.run('suite', 'import', file, '--agent', 'ticket-triage');
      });
      expect(answer.code, name).toBe(2);
      expect(answer.stderr, name).toMatch(reason);
      expect(answer.stderr.length, name).toBeLessThan(400);
      expect(growth, name).toBeLessThan(400 * 1024 * 1024);
    }
    const deepest = cli.write(
      'deep.yaml',
      `name: deep\ncases:\n  - id: c1\n    vars: ${nested(60)}\n    assert: [{type: contains, value: x}]\n`,
    );
    expect((await cli.run('suite', 'import', deepest, '--agent', 'ticket-triage')).code).toBe(0);
    const deeper = cli.write('deeper.yaml', `name: deeper\ncases:\n  - id: c1\n    vars: ${nested(70)}\n`);
    expect(await cli.run('suite', 'import', deeper, '--agent', 'ticket-triage')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/deeper\.yaml is nested deeper than 64 levels/) as unknown as string,
    });
  }, 120_000);

  it('the CLI holds `snapshot --from` to the contract’s file limit: a 20 MB prompt is refused, not stored', async () => {
    const cli = sandbox();
    await cli.run('init', '--sample');
    const folder = join(cli.dir, 'agent');
    mkdirSync(folder);
    writeFileSync(join(folder, 'prompt.md'), 'x'.repeat(20_000_000));
    writeFileSync(join(folder, 'config.yaml'), 'provider: mock\nmodel: m\nmock:\n  rules:\n    - reply: x\n');
    writeFileSync(join(folder, 'tools.json'), '[]\n');
    const answer = await cli.run('snapshot', 'ticket-triage', '--from', folder, '-m', 'huge');
    expect(answer.code).toBe(2);
    expect(answer.stderr).toMatch(/prompt\.md is 20,000,000 characters; the limit is 5,000,000/);
    expect((await cli.run('--json', 'log', 'ticket-triage')).stdout).not.toContain('huge');
  });

  it('the browser host answers hostile bodies and documents with 400s and refusals, and keeps serving', async () => {
    host = await startTestHost();
    const call = (method: string, body: string) =>
      fetch(`${host?.host.url}api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    for (const [name, text, reason] of HOSTILE) {
      const growth = await heapGrowth(async () => {
        await expect(host?.client.suites.previewImport({ fileName: 'x.yaml', content: text }), name).rejects.toThrow(reason);
      });
      expect(growth, name).toBeLessThan(400 * 1024 * 1024);
    }
    const deepBody = await call('agents.list', `{"x": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    expect(deepBody.status).toBe(400);
    expect(((await deepBody.json()) as { error: { message: string } }).error.message).toBe(
      'the request body is nested deeper than 64 levels',
    );
    const hugeCase = await call('runs.result', JSON.stringify({ runId: 1, caseId: 'c'.repeat(10_000_000), repeat: 0 }));
    const hugeAnswer = await hugeCase.text();
    expect(hugeAnswer.length).toBeLessThan(1000);
    expect(hugeAnswer).toContain('a case id is at most 128 characters');
    expect((await host.client.agents.list({})).length).toBeGreaterThanOrEqual(0);
  }, 120_000);
});
