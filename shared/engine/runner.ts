import type { Suite } from '../suite';
import { secretScrubber } from './secrets';
import type { ParsedAgent } from '../validate-files';
import { evaluate, gradeOutput, type Graders, type Judge, type Verdict } from './assertions';
import { simulatorFor } from './simulated-user';
import { suiteModel } from './suite-model';
import {
  executeCase,
  observationOf,
  rateGate,
  tokensOf,
  type ConversationDriver,
  type ConversationRecord,
  type ToolTrace,
} from './execute';
import { priceOf, type PriceTable } from './prices';
import { providerFor } from './providers';
import { EngineError, type ChatMessage, type FailureKind, type Platform } from './types';
import { parseJudge } from './judge';
import { caseInput, renderConversation, renderPrelude, renderTemplate } from './render';

export interface CaseResult {
  caseId: string;
  repeat: number;
  /** `unchecked`: the case has no assertions, so nothing says it is right. */
  status: 'passed' | 'failed' | 'errored' | 'unchecked';
  output: string;
  messages: ChatMessage[];
  toolCalls: ToolTrace[];
  latencyMs: number;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  retries: number;
  error: { kind: FailureKind; message: string } | null;
  verdicts: Verdict[];
  cached: boolean;
  /** A conversation case: where each turn began in `messages`, and how a simulated one ended. */
  conversation?: ConversationRecord;
}

export interface RunSettings {
  concurrency: number;
  repeat: number;
  /** Stops starting calls once the run has spent this much (US dollars). */
  maxCostUsd?: number | undefined;
}

/**
 * Model answers already known for (version hash, case id, repeat), so a re-run costs nothing.
 * Only the answer is reused: assertions are evaluated again on every run.
 */
export interface ResultCache {
  get(versionHash: string, caseId: string, repeat: number): CaseResult | undefined;
}

export type RunStatus = 'finished' | 'cancelled' | 'stopped_budget';

export interface RunProgress {
  done: number;
  total: number;
  passed: number;
  failed: number;
  errored: number;
  unchecked: number;
  costUsd: number;
  last: CaseResult;
}

export interface RunInput {
  agent: ParsedAgent;
  versionHash: string;
  suite: Suite;
  settings: RunSettings;
  platform: Platform;
  prices: PriceTable;
  signal?: AbortSignal;
  cache?: ResultCache;
  /** Told before the first call: how many calls, and the most they may cost. */
  onStart?: (plan: { total: number; estimateUsd: number | null }) => void;
  onProgress?: (progress: RunProgress) => void;
}

export interface RunOutcome {
  status: RunStatus;
  results: CaseResult[];
  costUsd: number;
  /** Whether every call had a known price; otherwise costUsd is a lower bound. */
  costKnown: boolean;
}

/** Roughly four characters a token: an estimate for the cost guard, not a bill. */
function estimateTokens(messages: ChatMessage[]): number {
  return Math.ceil(messages.reduce((sum, message) => sum + message.content.length, 0) / 4);
}

/** The most a run may cost, before it starts: every case, every repeat, at max_tokens out. Null when the model has no price. */
export function estimateCost(
  agent: ParsedAgent,
  suite: Suite,
  settings: Pick<RunSettings, 'repeat'>,
  prices: PriceTable,
): number | null {
  if (agent.config.provider === 'mock') return 0;
  const price = priceOf(prices, agent.config);
  if (!price) return null;
  const outTokens = agent.config.max_tokens ?? 1024;
  let total = 0;
  for (const testCase of suite.cases) {
    let inTokens = 0;
    // A conversation sends the whole conversation again on each of its turns.
    const turns = testCase.turns?.length ?? testCase.simulate?.max_turns ?? 1;
    try {
      const opening =
        testCase.turns || testCase.simulate
          ? renderPrelude(agent, testCase.vars ?? {})
          : renderConversation(agent, caseInput(testCase));
      const said = (testCase.turns ?? []).map((turn) => turn.user).join('\n');
      inTokens = estimateTokens(opening) + Math.ceil(said.length / 4) + outTokens * (turns - 1);
    } catch {
      inTokens = 0;
    }
    total +=
      ((inTokens * turns * price.input_per_mtok + outTokens * turns * price.output_per_mtok) / 1_000_000) * settings.repeat;
  }
  return total;
}

async function judgeFor(suite: Suite, platform: Platform, context: { signal: AbortSignal }): Promise<Judge | null> {
  if (!suite.judge) return null;
  const call = await suiteModel(suite.judge, platform, context.signal);
  return async (rubric, output) =>
    parseJudge(
      await call([
        {
          role: 'system',
          content:
            'You grade an AI assistant\'s output against a rubric. Answer with JSON only: {"score": number from 0 to 1, "pass": boolean, "reason": "one sentence"}.',
        },
        { role: 'user', content: `Rubric:\n${rubric}\n\nOutput:\n${output}` },
      ]),
    );
}

/**
 * Whether a stored answer can be graded again for this case: it holds an answer (not a failed
 * call, not a conversation cut short by a check that could not run), and a scripted conversation
 * said what the script says now. A simulated conversation is always held again: how it went
 * depends on its goal check and the simulator as they are today.
 */
function reusable(cached: CaseResult, testCase: Suite['cases'][number]): boolean {
  if (cached.status === 'errored' && (cached.error?.kind !== 'assertion' || cached.messages.length === 0)) return false;
  if (testCase.simulate) return false;
  const said = cached.conversation?.turns.map((start) => cached.messages[start]?.content) ?? null;
  if (!testCase.turns) return said === null;
  return (
    said !== null && said.length === testCase.turns.length && said.every((text, index) => text === renderedTurn(testCase, index))
  );
}

function renderedTurn(testCase: Suite['cases'][number], index: number): string | null {
  const turn = testCase.turns?.[index];
  if (!turn) return null;
  try {
    return renderTemplate(turn.user, testCase.vars ?? {}, 'a turn');
  } catch {
    return null;
  }
}

/**
 * Runs every case of a suite, `repeat` times, `concurrency` at a time. A failure of one case is
 * recorded on that case and never ends the run; cancellation stops in-flight calls and keeps
 * what finished; the cost guard stops starting calls once `maxCostUsd` is spent.
 */
export async function runSuite(input: RunInput): Promise<RunOutcome> {
  const { agent, suite, settings, platform, prices } = input;
  const controller = new AbortController();
  const outer = input.signal;
  if (outer?.aborted) controller.abort(outer.reason);
  outer?.addEventListener('abort', () => controller.abort(outer.reason), { once: true });
  const provider = await providerFor(agent.config, platform);
  const context = { provider, platform, gate: rateGate(platform), signal: controller.signal };
  const graders: Graders = {
    judge: await judgeFor(suite, platform, context),
    embed: suite.embedding
      ? (await import('./providers/openai')).openAIEmbeddings(platform, suite.embedding, controller.signal)
      : null,
    code: platform.code ?? null,
    tools: agent.tools,
  };
  const driver: ConversationDriver = {
    simulator: await simulatorFor(suite, platform, context),
    holds: async (assertions, seen) => {
      const verdicts = await evaluate(assertions, seen, graders);
      const broken = verdicts.find((result) => result.error);
      if (broken) throw new EngineError('assertion', `the simulated user's check ${broken.type}: ${broken.reason}`);
      return verdicts.every((result) => result.pass);
    },
  };
  const jobs = suite.cases.flatMap((testCase) => Array.from({ length: settings.repeat }, (_, repeat) => ({ testCase, repeat })));
  input.onStart?.({ total: jobs.length, estimateUsd: estimateCost(agent, suite, settings, prices) });
  const results: CaseResult[] = new Array(jobs.length);
  let next = 0;
  let spent = 0;
  let costKnown = true;
  let stoppedForBudget = false;
  const counts = { passed: 0, failed: 0, errored: 0, unchecked: 0 };
  const scrub = secretScrubber(platform.secrets);

  const runJob = async (index: number): Promise<void> => {
    const job = jobs[index];
    if (!job) return;
    const { testCase, repeat } = job;
    const cached = input.cache?.get(input.versionHash, testCase.id, repeat);
    const assertions = [...testCase.assert, ...suite.defaults.assert];
    let result: CaseResult;
    const started = platform.now();
    try {
      if (cached && reusable(cached, testCase)) {
        // The model's answer is reused; the grading is always done again with today's assertions.
        const tokens =
          cached.inputTokens === null || cached.outputTokens === null ? null : cached.inputTokens + cached.outputTokens;
        const graded = await gradeOutput(testCase, assertions, observationOf({ ...cached, tokens }), graders);
        result = { ...cached, caseId: testCase.id, repeat, ...graded, costUsd: 0, cached: true };
      } else {
        const execution = await executeCase(context, agent, testCase, {
          prices,
          liveTools: suite.tools_mode === 'live',
          driver,
        });
        const graded = await gradeOutput(
          testCase,
          assertions,
          observationOf({ ...execution, tokens: tokensOf(execution.usage) }),
          graders,
        );
        result = {
          caseId: testCase.id,
          repeat,
          ...graded,
          output: execution.output,
          messages: execution.messages,
          toolCalls: execution.toolCalls,
          latencyMs: execution.latencyMs,
          inputTokens: execution.usage.inputTokens,
          outputTokens: execution.usage.outputTokens,
          costUsd: execution.costUsd,
          retries: execution.retries,
          cached: false,
          ...(execution.conversation ? { conversation: execution.conversation } : {}),
        };
      }
    } catch (error) {
      const failure =
        error instanceof EngineError ? error : new EngineError('malformed', String((error as Error)?.message ?? error));
      if (failure.kind === 'cancelled') return;
      result = {
        caseId: testCase.id,
        repeat,
        status: 'errored',
        output: '',
        messages: [],
        toolCalls: [],
        latencyMs: Math.max(0, platform.now() - started),
        inputTokens: null,
        outputTokens: null,
        costUsd: null,
        retries: failure.retries,
        error: { kind: failure.kind, message: failure.message },
        verdicts: [],
        cached: false,
      };
    }
    // Nothing that leaves the runner holds a key: not a model echoing one, not a program's stderr.
    result = scrub(result);
    results[index] = result;
    if (result.costUsd === null && result.status !== 'errored') costKnown = false;
    spent += result.costUsd ?? 0;
    counts[result.status] += 1;
    if (settings.maxCostUsd !== undefined && spent >= settings.maxCostUsd) stoppedForBudget = true;
    input.onProgress?.({
      done: counts.passed + counts.failed + counts.errored + counts.unchecked,
      total: jobs.length,
      ...counts,
      costUsd: spent,
      last: result,
    });
  };

  const worker = async () => {
    while (!controller.signal.aborted && !stoppedForBudget) {
      const index = next;
      next += 1;
      if (index >= jobs.length) return;
      await runJob(index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(settings.concurrency, jobs.length)) }, worker));
  const finished = results.filter((result): result is CaseResult => result !== undefined);
  const status: RunStatus = controller.signal.aborted
    ? 'cancelled'
    : stoppedForBudget && finished.length < jobs.length
      ? 'stopped_budget'
      : 'finished';
  return { status, results: finished, costUsd: spent, costKnown };
}

export interface CaseSummary {
  caseId: string;
  runs: number;
  passed: number;
  passRate: number;
  /** pass^k: every repeat passed. */
  passAll: boolean;
  /** Some repeats passed, some did not. */
  flaky: boolean;
}

/** Per case over its repeats; an errored repeat counts as failed. */
export function summarizeCases(results: CaseResult[]): CaseSummary[] {
  const byCase = new Map<string, CaseResult[]>();
  for (const result of results) byCase.set(result.caseId, [...(byCase.get(result.caseId) ?? []), result]);
  return [...byCase.entries()].map(([caseId, runs]) => {
    const passed = runs.filter((result) => result.status === 'passed').length;
    return {
      caseId,
      runs: runs.length,
      passed,
      passRate: passed / runs.length,
      passAll: passed === runs.length,
      flaky: passed > 0 && passed < runs.length,
    };
  });
}
