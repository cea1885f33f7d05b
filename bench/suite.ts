// bench/suite: two suites of 1,000 cases against a loopback OpenAI-compatible server that answers
// at once, concurrency 8, each run by `slipway test --from` and by `promptfoo eval` on the same
// cases:
//  1. three deterministic assertions a case (contains, regex, not-contains), Slipway's own YAML;
//  2. a promptfoo config with a javascript assertion a case (and a contains), imported by
//     `slipway suite import` — Slipway runs the javascript in its worker processes.
//  3. 500 conversations of four scripted turns (the first with a tool call), judged per turn and
//     whole, against scenario 1 per model call and in memory.
// Wall time and peak memory: of the whole process tree, sampled from /proc every 20 ms (so
// Slipway's code workers count), beside /usr/bin/time's largest single process. promptfoo is
// measured as it ships (a disk cache of answers and a results database, in a fresh config folder
// as on a CI machine) and stripped to what `slipway test --from` does (--no-cache --no-write);
// the targets are judged on the first, the second is printed beside it.
// promptfoo needs Node 22: both are installed into bench/.peers on first run (bench/peers.ts).
// Run: npm run bench -- suite   (BENCH_CASES=N for a shorter run)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startFakeLlm } from '../test-support/fake-llm';
import { line as printLine } from './report';
import { ensurePeers, peerEnv, promptfooEval } from './peers';

const line = (label: string, value: string, target: string | null) => printLine(label, value, target, 62);

const CASES = Number(process.env.BENCH_CASES ?? 1000);
const CONCURRENCY = 8;
const ROOT = join(import.meta.dirname, '..');
const SLIPWAY = [process.execPath, join(ROOT, 'bin', 'slipway.js')];

interface Measured {
  wallS: number;
  /** The largest single process, as /usr/bin/time -v reports it. */
  processMiB: number;
  /** The process tree's resident memory summed, at its sampled peak. */
  treeMiB: number;
  exit: number | null;
  stderr: string;
}

const PAGE_KIB = 4;

/** Resident memory of a process and all it started, in KiB, from /proc. */
function treeKiB(root: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the command (which may hold spaces) start after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(name);
    const parent = Number(fields[1]);
    rss.set(pid, Number(fields[21]) * PAGE_KIB);
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Runs a command under /usr/bin/time -v, sampling its process tree; asynchronous, as the fake server lives in this process. */
async function measure(command: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Measured> {
  const child = spawn('/usr/bin/time', ['-v', ...command], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let peakKiB = 0;
  const timeOwn = () => {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[21]) * PAGE_KIB;
  };
  const sampler = setInterval(() => {
    try {
      // /usr/bin/time itself is not what is measured.
      peakKiB = Math.max(peakKiB, treeKiB(child.pid ?? 0) - timeOwn());
    } catch {
      // The process ended between two reads.
    }
  }, 20);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const wallS = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  return { wallS, processMiB: rss ? Number(rss[1]) / 1024 : NaN, treeMiB: peakKiB / 1024, exit: status, stderr };
}

function report(label: string, measured: Measured, calls: number): void {
  line(`${label}: wall`, `${measured.wallS.toFixed(2)} s`, null);
  line(`${label}: peak memory, process tree`, `${measured.treeMiB.toFixed(0)} MiB`, null);
  line(`${label}: peak memory, largest process`, `${measured.processMiB.toFixed(0)} MiB`, null);
  line(`${label}: calls served`, String(calls), String(CASES));
}

const work = mkdtempSync(join(tmpdir(), 'slipway-bench-suite-'));
const REPLY = 'Queue: billing. Priority: p3. Summary: the customer was charged twice.';
/** Answers by rule: a conversation's first turn asks to look an invoice up, which is a tool call; all else is the reply. */
const fake = await startFakeLlm((request) => {
  const last = (request.body.messages as Array<{ role: string; content: string | null }>).at(-1);
  return last?.role === 'user' && last.content?.includes('look up invoice')
    ? { kind: 'reply', text: '', toolCalls: [{ name: 'lookup_invoice', arguments: { id: 1 } }] }
    : { kind: 'reply', text: REPLY };
});
let allMet = true;
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
  const peers = ensurePeers();
  if (!peers) console.log('promptfoo could not be installed: no comparison this run');

  const promptfooConfig = (assertions: unknown[]) => ({
    description: 'bench',
    prompts: [
      JSON.stringify([
        { role: 'system', content: 'You route support tickets to a queue.\n' },
        { role: 'user', content: 'Ticket {{id}}: {{body}}\n' },
      ]),
    ],
    providers: [{ id: 'openai:chat:gpt-4o-mini-2024-07-18', config: { apiBaseUrl: `${fake.url}/v1`, apiKey: 'bench' } }],
    tests: Array.from({ length: CASES }, (_, index) => ({ description: `case ${index}`, vars: vars(index), assert: assertions })),
  });

  /** One scenario: Slipway on its suite file, promptfoo on its config, and the two targets. */
  const scenario = async (
    title: string,
    suiteFile: string,
    config: string,
    targets: { speedup: number; memoryShare: number },
  ) => {
    console.log(`\n${title}`);
    const before = fake.requests.length;
    const slipway = await measure(
      [...SLIPWAY, 'test', '--from', agentDir, '--suite', suiteFile, '--concurrency', String(CONCURRENCY)],
      { ...process.env, CI: 'true' },
      work,
    );
    if (slipway.exit !== 0) throw new Error(`slipway test failed (exit ${slipway.exit}):\n${slipway.stderr.slice(-2000)}`);
    report('slipway test', slipway, fake.requests.length - before);
    if (!peers) return slipway;
    const promptfoo = async (label: string, flags: string[]) => {
      const env = { ...peerEnv(join(work, `promptfoo-home-${label}-${fake.requests.length}`)), OPENAI_API_KEY: 'bench' };
      const start = fake.requests.length;
      const measured = await measure(promptfooEval(config, ['-j', String(CONCURRENCY), ...flags]), env, work);
      report(`promptfoo eval ${label}`, measured, fake.requests.length - start);
      return measured;
    };
    const shipped = await promptfoo('as shipped', []);
    const stripped = await promptfoo('--no-cache --no-write', ['--no-cache', '--no-write']);
    const speedup = shipped.wallS / slipway.wallS;
    const share = slipway.treeMiB / shipped.treeMiB;
    line('speed: promptfoo wall / slipway wall', `${speedup.toFixed(1)}x`, `>= ${targets.speedup}x`);
    line('memory: slipway tree peak / promptfoo tree peak', share.toFixed(2), `<= ${targets.memoryShare.toFixed(2)}`);
    line('  against promptfoo stripped: speed', `${(stripped.wallS / slipway.wallS).toFixed(1)}x`, null);
    line('  against promptfoo stripped: memory', (slipway.treeMiB / stripped.treeMiB).toFixed(2), null);
    const met = speedup >= targets.speedup && share <= targets.memoryShare;
    allMet &&= met;
    console.log(`targets ${met ? 'met' : 'NOT met'}`);
    return slipway;
  };

  const deterministic = [
    { type: 'contains', value: 'billing' },
    { type: 'regex', value: 'Priority: p[1-3]' },
    { type: 'not-contains', value: 'sorry' },
  ];
  const cases = Array.from({ length: CASES }, (_, index) => ({ id: `case-${index}`, vars: vars(index), assert: deterministic }));
  writeFileSync(join(work, 'suite.yaml'), stringify({ name: 'bench', cases }, { aliasDuplicateObjects: false }));
  writeFileSync(join(work, 'promptfooconfig.yaml'), stringify(promptfooConfig(deterministic), { aliasDuplicateObjects: false }));
  console.log(`bench/suite: ${CASES} cases a suite, loopback OpenAI-compatible server, concurrency ${CONCURRENCY}`);
  const single = await scenario(
    '1. three deterministic assertions a case',
    join(work, 'suite.yaml'),
    join(work, 'promptfooconfig.yaml'),
    {
      speedup: 10,
      memoryShare: 1 / 3,
    },
  );

  // The same cases as a promptfoo config with javascript, imported as a promptfoo user would.
  const javascript = [
    { type: 'javascript', value: "output.includes('billing') && /Priority: p[1-3]/.test(output)" },
    { type: 'contains', value: 'billing' },
  ];
  const jsConfig = join(work, 'js', 'promptfooconfig.yaml');
  mkdirSync(join(work, 'js'));
  writeFileSync(jsConfig, stringify(promptfooConfig(javascript), { aliasDuplicateObjects: false }));
  const workspace = join(work, 'ws');
  const cli = (...args: string[]) => {
    const result = spawnSync(SLIPWAY[0] ?? '', [...SLIPWAY.slice(1), '--workspace', workspace, ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`slipway ${args.join(' ')} failed:\n${result.stderr}`);
    return result.stdout;
  };
  cli('init');
  cli('agent', 'create', 'bench');
  cli('suite', 'import', jsConfig, '--agent', 'bench', '--name', 'bench-js');
  cli('suite', 'export', 'bench', 'bench-js', '--to', join(work, 'bench-js.yaml'));
  await scenario('2. a promptfoo config with a javascript assertion a case, imported', join(work, 'bench-js.yaml'), jsConfig, {
    speedup: 5,
    memoryShare: 1 / 2,
  });

  // 3. Conversations: half as many cases, four scripted turns each (the first with a tool call),
  // judged per turn and as a whole: five model calls a case. Slipway only (promptfoo has no
  // scripted conversation with tool stubs); measured per model call against scenario 1.
  const conversationCases = Math.max(1, Math.round(CASES / 2));
  const conversationAgent = join(work, 'conversation-agent');
  mkdirSync(conversationAgent);
  for (const file of ['prompt.md', 'user.md', 'config.yaml'])
    writeFileSync(join(conversationAgent, file), readFileSync(join(agentDir, file)));
  writeFileSync(
    join(conversationAgent, 'tools.json'),
    JSON.stringify([
      {
        name: 'lookup_invoice',
        description: 'Finds an invoice',
        parameters: { type: 'object', properties: { id: { type: 'integer' } } },
      },
    ]),
  );
  const conversations = Array.from({ length: conversationCases }, (_, index) => ({
    id: `conversation-${index}`,
    tools: [{ name: 'lookup_invoice', result: { id: index, charges: 2 } }],
    turns: [
      {
        user: `Ticket T-${index}: please look up invoice ${index}, I was charged twice.`,
        assert: [
          { type: 'tool-called', name: 'lookup_invoice', args: { id: 1 }, match: 'exact' },
          { type: 'contains', value: 'billing' },
        ],
      },
      { user: 'Why was I charged twice?', assert: [{ type: 'contains', value: 'billing' }] },
      { user: 'Can you fix it?', assert: [{ type: 'not-contains', value: 'sorry' }] },
      { user: 'Thanks, that is all.', assert: [{ type: 'regex', value: 'Priority: p[1-3]' }] },
    ],
    assert: [
      { type: 'tool-sequence', names: ['lookup_invoice'] },
      { type: 'step-count', max_turns: 5, max_tool_calls: 1 },
    ],
  }));
  writeFileSync(
    join(work, 'conversations.yaml'),
    stringify({ name: 'bench-conversations', cases: conversations }, { aliasDuplicateObjects: false }),
  );
  console.log(`\n3. ${conversationCases} conversations of 4 turns (the first with a tool call)`);
  const before = fake.requests.length;
  const conversation = await measure(
    [
      ...SLIPWAY,
      'test',
      '--from',
      conversationAgent,
      '--suite',
      join(work, 'conversations.yaml'),
      '--concurrency',
      String(CONCURRENCY),
    ],
    { ...process.env, CI: 'true' },
    work,
  );
  if (conversation.exit !== 0)
    throw new Error(`slipway test (conversations) failed (exit ${conversation.exit}):\n${conversation.stderr.slice(-2000)}`);
  const calls = fake.requests.length - before;
  line('slipway test: wall', `${conversation.wallS.toFixed(2)} s`, null);
  line('slipway test: peak memory, process tree', `${conversation.treeMiB.toFixed(0)} MiB`, null);
  line('slipway test: model calls served', String(calls), String(conversationCases * 5));
  const perCall = (conversation.wallS / calls) * 1000;
  const singlePerCall = (single.wallS / CASES) * 1000;
  line('wall per model call: conversation / single-turn', `${perCall.toFixed(2)} ms / ${singlePerCall.toFixed(2)} ms`, null);
  const timeShare = perCall / singlePerCall;
  const memoryShare = conversation.treeMiB / single.treeMiB;
  line('  ratio (per call)', timeShare.toFixed(2), '<= 1.50');
  line('peak memory: conversation / single-turn', memoryShare.toFixed(2), '<= 1.50');
  const met = timeShare <= 1.5 && memoryShare <= 1.5 && calls === conversationCases * 5;
  allMet &&= met;
  console.log(`targets ${met ? 'met' : 'NOT met'}`);
  console.log(`\ntargets ${allMet ? 'met' : 'NOT met'}`);
} finally {
  await fake.close();
  rmSync(work, { recursive: true, force: true });
}
