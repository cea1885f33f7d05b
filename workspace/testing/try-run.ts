import type { TryResult } from '../../shared/contract/testing';
import type { RunAllow } from '../../shared/contract/bundles';
import { requireTrustedRun } from '../bundles/trust';
import { scrubSecrets } from '../../shared/engine/secrets';
import { executeCase, rateGate } from '../../shared/engine/execute';
import type { PriceTable } from '../../shared/engine/prices';
import { providerFor } from '../../shared/engine/providers';
import { EngineError, type Platform } from '../../shared/engine/types';
import { SlipwayError } from '../../shared/errors';
import { SuiteCase } from '../../shared/suite';
import { requireKeys } from './run-manager';
import { getSuite } from './suites';
import { resolveAgentRef } from '../versions/agent-ref';
import type { Workspace } from '../workspace';

export interface TryInput {
  agent: string;
  ref: string;
  case?: { suite: string; id: string } | undefined;
  vars: Record<string, string>;
  message?: string | undefined;
  allow: RunAllow;
}

/** What to do about each kind of failure, in the words of the Try panel. */
function hintFor(error: EngineError, baseUrl: string | undefined): string {
  switch (error.kind) {
    case 'config':
      if (/has no value|key/.test(error.message)) return 'Add the key in Settings ▸ Keys, then run again.';
      if (/\{\{/.test(error.message)) return 'Fill in the variable above, or pick a suite case that gives it.';
      if (/no user\.md/.test(error.message))
        return 'Type a message above, or add user.md (+ file): the template of what the user sends.';
      return 'Fix config.yaml (or the files it names) and run again.';
    case 'network':
      return `Nothing answered at ${baseUrl ?? 'the provider'}: is it running, and is base_url in config.yaml right?`;
    case 'http':
      return error.status === 401 || error.status === 403
        ? 'The provider refused the key: check it in Settings ▸ Keys.'
        : 'The provider answered with an error: see the message.';
    case 'timeout':
      return 'No answer in time: check the provider, or raise timeout_ms in config.yaml.';
    case 'rate_limited':
      return 'The provider is rate-limiting: wait a moment and run again.';
    case 'malformed':
      return 'The answer was not understood: check provider and base_url in config.yaml.';
    case 'tool':
      return 'Pick a suite case that stubs this tool (tools: in the case), or add one.';
    default:
      return 'Run again.';
  }
}

/**
 * Runs one input through a version (or the draft) once, for the Try panel: the input comes from
 * a suite case (with its tool stubs) or from typed variables. Engine failures come back as an
 * explained error on the result; a ref or case that does not exist is refused.
 */
export async function tryRef(
  ws: Workspace,
  input: TryInput,
  deps: { platform: Platform; prices: PriceTable },
): Promise<TryResult> {
  return scrubSecrets(await tryOnce(ws, input, deps), deps.platform.secrets);
}

async function tryOnce(ws: Workspace, input: TryInput, deps: { platform: Platform; prices: PriceTable }): Promise<TryResult> {
  const target = resolveAgentRef(ws, input.ref, input.agent);
  const fromSuite = input.case
    ? getSuite(ws, input.agent, input.case.suite).suite.cases.find((candidate) => candidate.id === input.case?.id)
    : undefined;
  if (input.case && !fromSuite) throw new SlipwayError('not_found', `suite ${input.case.suite} has no case ${input.case.id}`);
  if (fromSuite?.simulate)
    throw new SlipwayError(
      'invalid_input',
      `case ${fromSuite.id} talks with a simulated user: run its suite (Run, or slipway test) — Try runs what the case says, not a simulator`,
    );
  // A version with no user.md is tried with the message typed in Try as the user's turn.
  const typed = target.agent.user === null && input.message ? [{ role: 'user', content: input.message }] : null;
  const testCase = fromSuite ?? SuiteCase.parse(typed ? { id: 'try', messages: typed } : { id: 'try', vars: input.vars });
  requireTrustedRun(ws, target, input.allow);
  const started = deps.platform.now();
  const base = {
    ref: input.ref,
    version: target.label,
    messages: [],
    toolCalls: [],
    output: '',
    inputTokens: null,
    outputTokens: null,
    costUsd: null,
  };
  try {
    requireKeys(target.agent, deps.platform.secrets);
    const provider = await providerFor(target.agent.config, deps.platform);
    const context = { provider, platform: deps.platform, gate: rateGate(deps.platform), signal: new AbortController().signal };
    const execution = await executeCase(context, target.agent, testCase, { prices: deps.prices, liveTools: false });
    return {
      ...base,
      output: execution.output,
      messages: execution.messages,
      toolCalls: execution.toolCalls,
      inputTokens: execution.usage.inputTokens,
      outputTokens: execution.usage.outputTokens,
      costUsd: execution.costUsd,
      latencyMs: execution.latencyMs,
      error: null,
    };
  } catch (error) {
    const failure =
      error instanceof EngineError
        ? error
        : error instanceof SlipwayError
          ? new EngineError('config', error.message)
          : new EngineError('malformed', String((error as Error)?.message ?? error));
    return {
      ...base,
      latencyMs: deps.platform.now() - started,
      error: { kind: failure.kind, message: failure.message, hint: hintFor(failure, target.agent.config.base_url) },
    };
  }
}
