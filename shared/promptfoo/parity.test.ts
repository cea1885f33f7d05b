import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS, corpusHash, type CorpusCase } from '../../test-support/promptfoo-corpus';
import type { ToolDefinition } from '../agent-files';
import { gradeOutput, type Observation } from '../engine/assertions';
import { nodeCodeRunner } from '../node/code-runner';
import { fromPromptfoo } from './config';

/**
 * Slipway's verdicts against promptfoo's on the same corpus: each case imported as a promptfoo
 * config would be, graded on the same output, must pass exactly when promptfoo passed it.
 * The verdicts were recorded by promptfoo 0.123.1 (scripts/grade-with-promptfoo.ts).
 */
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'test-support', 'promptfoo-verdicts.json'), 'utf8'),
) as {
  promptfoo: string;
  corpus: string;
  verdicts: Record<string, { pass: boolean; score: number; reason: string }>;
};
const code = nodeCodeRunner();
afterAll(() => code.close());

interface OpenAiCall {
  function: { name: string; arguments: string };
}

function toolsOf(entry: CorpusCase): ToolDefinition[] {
  return (
    (entry.tools ?? []) as Array<{ function: { name: string; description?: string; parameters: ToolDefinition['parameters'] } }>
  ).map((tool) => ({
    name: tool.function.name,
    description: tool.function.description ?? tool.function.name,
    parameters: tool.function.parameters,
  }));
}

function observe(entry: CorpusCase): Observation {
  const calls = Array.isArray(entry.output) ? (entry.output as OpenAiCall[]) : [];
  return {
    output: typeof entry.output === 'string' ? entry.output : '',
    toolCalls: calls.map((call) => ({
      name: call.function.name,
      arguments: JSON.parse(call.function.arguments) as Record<string, unknown>,
      result: null,
    })),
    latencyMs: entry.latencyMs ?? 0,
    tokens: 10,
    costUsd: entry.costUsd ?? null,
  };
}

async function slipwayPasses(entry: CorpusCase): Promise<{ pass: boolean; why: string }> {
  const { suite } = fromPromptfoo({ tests: [{ description: entry.id, ...entry.test }] }, 'parity');
  const testCase = suite.cases[0];
  if (!testCase) throw new Error(`${entry.id} imported no case`);
  const graded = await gradeOutput(testCase, [...testCase.assert, ...suite.defaults.assert], observe(entry), {
    judge: null,
    embed: null,
    code,
    tools: toolsOf(entry),
  });
  return {
    pass: graded.status === 'passed',
    why: `${graded.status}: ${graded.verdicts.map((verdict) => `${verdict.type}: ${verdict.reason}`).join('; ')}`,
  };
}

describe('parity with promptfoo', () => {
  it('grades the corpus promptfoo graded', () => {
    expect(fixture.corpus, 'the corpus changed: run npx tsx scripts/grade-with-promptfoo.ts').toBe(corpusHash());
    expect(Object.keys(fixture.verdicts)).toHaveLength(CORPUS.length);
  });

  it(`gives promptfoo's verdict on every case of the corpus`, async () => {
    const differ: string[] = [];
    for (const entry of CORPUS) {
      const expected = fixture.verdicts[entry.id];
      const got = await slipwayPasses(entry);
      if (got.pass !== expected?.pass)
        differ.push(
          `${entry.id} ${JSON.stringify(entry.test)} on ${JSON.stringify(entry.output)}: promptfoo ${expected?.pass} (${expected?.reason}), Slipway ${got.pass} (${got.why})`,
        );
    }
    expect(differ, differ.slice(0, 40).join('\n')).toEqual([]);
  }, 120_000);
});
