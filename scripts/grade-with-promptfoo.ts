// Grades test-support/promptfoo-corpus.ts with promptfoo itself and writes its verdicts to
// test-support/promptfoo-verdicts.json, the fixture shared/promptfoo/parity.test.ts holds Slipway
// to. Each case is one promptfoo test answered by a provider that returns the case's output,
// cost and latency. Run again whenever the corpus changes: npx tsx scripts/grade-with-promptfoo.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ensurePeers, peerEnv, promptfooEval } from '../bench/peers';
import { CORPUS, corpusHash } from '../test-support/promptfoo-corpus';

const OUT = join(import.meta.dirname, '..', 'test-support', 'promptfoo-verdicts.json');

if (!ensurePeers()) throw new Error('promptfoo could not be installed into bench/.peers');
const work = mkdtempSync(join(tmpdir(), 'slipway-grade-'));
try {
  const answers = Object.fromEntries(
    CORPUS.map((entry) => [entry.id, { output: entry.output, cost: entry.costUsd, latencyMs: entry.latencyMs }]),
  );
  writeFileSync(join(work, 'answers.json'), JSON.stringify(answers));
  writeFileSync(
    join(work, 'provider.cjs'),
    [
      "const answers = require('./answers.json');",
      'module.exports = class Answers {',
      '  constructor(options) { this.config = (options && options.config) || {}; }',
      "  id() { return 'answers'; }",
      '  async callApi(prompt, context) {',
      '    const answer = answers[context.vars.__case];',
      '    return { output: answer.output, cost: answer.cost, latencyMs: answer.latencyMs };',
      '  }',
      '};',
      '',
    ].join('\n'),
  );
  const tools = CORPUS.find((entry) => entry.tools)?.tools;
  const config = {
    prompts: ['{{__case}}'],
    providers: [{ id: 'file://provider.cjs', config: { tools } }],
    tests: CORPUS.map((entry) => ({
      description: entry.id,
      ...entry.test,
      vars: { ...entry.test.vars, __case: entry.id },
    })),
  };
  writeFileSync(join(work, 'promptfooconfig.yaml'), stringify(config, { aliasDuplicateObjects: false }));
  const [node = '', ...args] = promptfooEval(join(work, 'promptfooconfig.yaml'), [
    '-o',
    join(work, 'out.json'),
    '--no-cache',
    '--no-write',
    '-j',
    '8',
  ]);
  const run = spawnSync(node, args, { cwd: work, env: peerEnv(join(work, 'home')), encoding: 'utf8', maxBuffer: 1 << 28 });
  const report = JSON.parse(readFileSync(join(work, 'out.json'), 'utf8')) as {
    results: {
      results: Array<{
        testCase: { description: string };
        success: boolean;
        score: number;
        error?: string;
        gradingResult: { reason?: string } | null;
      }>;
    };
  };
  const verdicts: Record<string, { pass: boolean; score: number; reason: string }> = {};
  for (const result of report.results.results)
    verdicts[result.testCase.description] = {
      pass: result.success,
      score: Math.round(result.score * 1e6) / 1e6,
      reason: (result.gradingResult?.reason ?? result.error ?? '').slice(0, 300),
    };
  const missing = CORPUS.filter((entry) => !(entry.id in verdicts)).map((entry) => entry.id);
  if (missing.length > 0)
    throw new Error(`promptfoo gave no verdict for ${missing.length} cases: ${missing.slice(0, 10).join(', ')}\n${run.stderr}`);
  writeFileSync(
    OUT,
    `${JSON.stringify({ promptfoo: '0.123.1', corpus: corpusHash(), cases: CORPUS.length, verdicts }, null, 1)}\n`,
  );
  const passed = Object.values(verdicts).filter((verdict) => verdict.pass).length;
  console.log(`graded ${CORPUS.length} cases with promptfoo 0.123.1: ${passed} pass, ${CORPUS.length - passed} fail → ${OUT}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
