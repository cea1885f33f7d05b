import deepEqual from 'fast-deep-equal';
import { clip } from '../issues';
import type { LeafAssertion } from '../suite';
import type { ChatMessage } from './types';
import type { ToolTrace } from './execute';

/** One tool call as the trajectory holds it: where the model asked for it, and where its result went back. */
export interface TrajectoryCall {
  name: string;
  arguments: Record<string, unknown>;
  result: unknown;
  /** The index in the conversation of the model turn that made the call (null when only the calls are known). */
  at: number | null;
  /** The index of the tool message that answered it. */
  answeredAt: number | null;
}

/**
 * What the agent did, step by step: its model turns (indices into the conversation) and its tool
 * calls in order. `modelTurns` is null where only the calls are known (a runtime's live answer).
 */
export interface Trajectory {
  modelTurns: number[] | null;
  calls: TrajectoryCall[];
  /** The index of the final reply, if there is one. */
  reply: number | null;
}

/** The trajectory of messages[from..to): every assistant turn is a model turn, and its calls are paired with the tool messages answering them. */
export function trajectoryOf(messages: readonly ChatMessage[], from: number, to = messages.length): Trajectory {
  const modelTurns: number[] = [];
  const calls: TrajectoryCall[] = [];
  let reply: number | null = null;
  for (let index = from; index < to; index += 1) {
    const message = messages[index];
    if (message?.role !== 'assistant') continue;
    modelTurns.push(index);
    if (!message.toolCalls?.length) reply = index;
    // A call is answered by the tool messages right after its turn: providers reuse ids across turns.
    const answers = new Map<string, number>();
    for (let next = index + 1; next < to && messages[next]?.role === 'tool'; next += 1) {
      const id = messages[next]?.toolCallId;
      if (id !== undefined && !answers.has(id)) answers.set(id, next);
    }
    for (const call of message.toolCalls ?? []) {
      const answeredAt = answers.get(call.id) ?? null;
      const answer = answeredAt === null ? undefined : messages[answeredAt]?.content;
      calls.push({ name: call.name, arguments: call.arguments, result: readResult(answer), at: index, answeredAt });
    }
  }
  return { modelTurns, calls, reply };
}

function readResult(content: string | undefined): unknown {
  if (content === undefined) return undefined;
  try {
    return JSON.parse(content) as unknown;
  } catch {
    return content;
  }
}

/** The trajectory's calls as the engine records them (name, arguments, result). */
export function callTraces(trajectory: Trajectory): ToolTrace[] {
  return trajectory.calls.map(({ name, arguments: args, result }) => ({ name, arguments: args, result }));
}

/** A trajectory where only the calls are known: no model turns, no places in a conversation. */
export function callsOnly(toolCalls: readonly ToolTrace[]): Trajectory {
  return {
    modelTurns: null,
    calls: toolCalls.map((call) => ({ ...call, at: null, answeredAt: null })),
    reply: null,
  };
}

/** The first message of the agent's own work: after the last user message the case gave (or the first user turn of a conversation). */
export function ownStart(messages: readonly ChatMessage[]): number {
  return messages.map((message) => message.role).lastIndexOf('user') + 1;
}

/** What a trajectory verdict says: pass, why (step by step), and the conversation indices it looked at. */
export interface TrajectoryJudgement {
  pass: boolean;
  reason: string;
  steps: number[];
  /** It could not be judged (no model turns are known, a broken schema). */
  error?: true;
}

const json = (value: unknown) => clip(JSON.stringify(value) ?? 'undefined', 120);

function shown(call: TrajectoryCall, index: number): string {
  return `${index + 1}. ${call.name}(${json(call.arguments)})`;
}

function steps(calls: readonly TrajectoryCall[]): number[] {
  return calls.flatMap((call) => (call.at === null ? [] : [call.at]));
}

/** Why a call's arguments do not match, or null when they do. */
export function argumentsProblem(
  actual: Record<string, unknown>,
  expected: Record<string, unknown>,
  match: 'subset' | 'exact' | 'regex',
): string | null {
  const problems: string[] = [];
  for (const [key, want] of Object.entries(expected)) {
    const got = actual[key];
    if (match === 'regex') {
      const text = typeof got === 'string' ? got : JSON.stringify(got);
      if (got === undefined) problems.push(`${key} is missing`);
      else if (!new RegExp(String(want)).test(text ?? '')) problems.push(`${key} ${json(got)} does not match /${String(want)}/`);
    } else if (!deepEqual(got, want))
      problems.push(`${key} is ${got === undefined ? 'missing' : json(got)}, expected ${json(want)}`);
  }
  if (match === 'exact')
    for (const key of Object.keys(actual)) if (!(key in expected)) problems.push(`${key} (${json(actual[key])}) is not expected`);
  return problems.length ? problems.join('; ') : null;
}

type SchemaCheck = (
  schema: Record<string, unknown>,
  value: unknown,
) => Promise<{ ok: true } | { ok: false; error: string } | { broken: string }>;

export async function toolCalled(
  assertion: Extract<LeafAssertion, { type: 'tool-called' }>,
  trajectory: Trajectory,
  matchesSchema: SchemaCheck,
): Promise<TrajectoryJudgement> {
  const match = assertion.match ?? 'subset';
  const wanted = `${assertion.name}${assertion.args ? ` with ${json(assertion.args)}${match === 'subset' ? '' : ` (${match})`}` : ''}${assertion.schema ? ' matching its schema' : ''}`;
  const lines: string[] = [];
  for (const [index, call] of trajectory.calls.entries()) {
    if (call.name !== assertion.name) {
      lines.push(`${shown(call, index)}: another tool`);
      continue;
    }
    const problems: string[] = [];
    const args = assertion.args ? argumentsProblem(call.arguments, assertion.args, match) : null;
    if (args) problems.push(args);
    if (assertion.schema) {
      const checked = await matchesSchema(assertion.schema, call.arguments);
      if ('broken' in checked) return { pass: false, reason: checked.broken, steps: [], error: true };
      if (!checked.ok) problems.push(`schema: ${checked.error}`);
    }
    if (problems.length === 0)
      return { pass: true, reason: `called ${wanted}: step ${shown(call, index)}`, steps: call.at === null ? [] : [call.at] };
    lines.push(`${shown(call, index)}: ${problems.join('; ')}`);
  }
  const did = trajectory.calls.length === 0 ? 'the agent called no tool' : lines.join('\n');
  return {
    pass: false,
    reason: `expected a call of ${wanted}; ${trajectory.calls.length ? `the calls:\n${did}` : did}`,
    steps: steps(trajectory.calls),
  };
}

export function noToolCalled(
  assertion: Extract<LeafAssertion, { type: 'no-tool-called' }>,
  trajectory: Trajectory,
): TrajectoryJudgement {
  const forbidden = assertion.names ? new Set(assertion.names) : null;
  const offending = trajectory.calls.filter((call) => !forbidden || forbidden.has(call.name));
  const what = forbidden ? `none of ${[...forbidden].join(', ')}` : 'no tool';
  if (offending.length === 0)
    return {
      pass: true,
      reason: `called ${what}${trajectory.calls.length ? ` (called: ${trajectory.calls.map((call) => call.name).join(' → ')})` : ''}`,
      steps: [],
    };
  return {
    pass: false,
    reason: `expected ${what} to be called; the agent called:\n${trajectory.calls
      .map((call, index) => `${shown(call, index)}${offending.includes(call) ? ' ✗' : ''}`)
      .join('\n')}`,
    steps: steps(offending),
  };
}

function counts(names: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const name of names) map.set(name, (map.get(name) ?? 0) + 1);
  return map;
}

/** Calls of `have` beyond what `want` allows, as "refund ×2". */
function beyond(have: Map<string, number>, want: Map<string, number>): string[] {
  return [...have].flatMap(([name, count]) => {
    const extra = count - (want.get(name) ?? 0);
    return extra > 0 ? [extra > 1 ? `${name} ×${extra}` : name] : [];
  });
}

export function toolSequence(
  assertion: Extract<LeafAssertion, { type: 'tool-sequence' }>,
  trajectory: Trajectory,
): TrajectoryJudgement {
  const mode = assertion.mode ?? 'strict';
  const names = trajectory.calls.map((call) => call.name);
  const expected = assertion.names;
  const called = names.length ? names.join(' → ') : 'no tool';
  const all = steps(trajectory.calls);
  if (mode === 'strict') {
    const pass = deepEqual(names, expected);
    if (pass) return { pass, reason: `called ${called}`, steps: all };
    const lines = Array.from({ length: Math.max(names.length, expected.length) }, (_, index) => {
      const got = names[index];
      const want = expected[index];
      if (got === want) return `${index + 1}. ${got} ✓`;
      if (got === undefined) return `${index + 1}. (no call) ✗ expected ${want}`;
      return `${index + 1}. ${got} ✗ ${want === undefined ? 'not expected' : `expected ${want}`}`;
    });
    return { pass, reason: `expected ${expected.join(' → ')} in this order; the agent called:\n${lines.join('\n')}`, steps: all };
  }
  const have = counts(names);
  const want = counts(expected);
  const missing = beyond(want, have);
  const extra = beyond(have, want);
  const problems = [
    ...(mode !== 'subset' && missing.length ? [`missing ${missing.join(', ')}`] : []),
    ...(mode !== 'superset' && extra.length ? [`not expected: ${extra.join(', ')}`] : []),
  ];
  const rule = {
    unordered: `${expected.join(', ')} in any order`,
    subset: `only calls among ${expected.join(', ')}`,
    superset: `at least ${expected.join(', ')}`,
  }[mode];
  const pass = problems.length === 0;
  return {
    pass,
    reason: pass ? `called ${called} (${rule})` : `expected ${rule}; the agent called ${called}: ${problems.join('; ')}`,
    steps: all,
  };
}

function bound(what: string, value: number, min: number | undefined, max: number | undefined): { ok: boolean; text: string } {
  const range =
    min !== undefined && max !== undefined ? `${min} to ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
  return { ok: (min === undefined || value >= min) && (max === undefined || value <= max), text: `${value} ${what} (${range})` };
}

export function stepCount(
  assertion: Extract<LeafAssertion, { type: 'step-count' }>,
  trajectory: Trajectory,
): TrajectoryJudgement {
  const checks: Array<{ ok: boolean; text: string }> = [];
  if (assertion.min_turns !== undefined || assertion.max_turns !== undefined) {
    if (trajectory.modelTurns === null)
      return {
        pass: false,
        reason: 'model turns are not known here (only the calls are): bound tool calls instead',
        steps: [],
        error: true,
      };
    checks.push(bound('model turns', trajectory.modelTurns.length, assertion.min_turns, assertion.max_turns));
  }
  if (assertion.min_tool_calls !== undefined || assertion.max_tool_calls !== undefined)
    checks.push(bound('tool calls', trajectory.calls.length, assertion.min_tool_calls, assertion.max_tool_calls));
  const pass = checks.every((check) => check.ok);
  const text = checks.map((check) => `${check.text}${pass || check.ok ? '' : ' ✗'}`).join(', ');
  const called = trajectory.calls.length ? `; called ${trajectory.calls.map((call) => call.name).join(' → ')}` : '';
  return { pass, reason: `${text}${called}`, steps: trajectory.modelTurns ?? steps(trajectory.calls) };
}

/** One step of a result's trajectory as the case drawer shows it. */
export interface StepView {
  /** The message's index in the conversation. */
  index: number;
  kind: 'user' | 'model' | 'tool';
  /** The turn of a conversation it belongs to (1-based); null in a single-turn case. */
  turn: number | null;
  /** The verdicts (indices) that looked at this step. */
  verdicts: number[];
}

/** Verdicts on a measure of the whole case: they look at no step. */
const WHOLE_CASE = new Set(['latency', 'tokens', 'cost', 'goal-reached', 'assert-set', 'transform', 'turn']);

/**
 * A result's conversation as steps, from the case's (last, or first scripted) user message on,
 * each with the verdicts that looked at it: a trajectory verdict names its steps; any other
 * judged the reply — of its turn, or the last one.
 */
export function trajectorySteps(
  messages: readonly ChatMessage[],
  turns: readonly number[] | undefined,
  verdicts: ReadonlyArray<{ type: string; steps?: number[] | undefined; turn?: number | undefined }>,
): { prelude: number; steps: StepView[] } {
  const prelude = turns?.[0] ?? Math.max(0, ownStart(messages) - 1);
  const turnOf = (index: number) => (turns ? turns.filter((start) => start <= index).length : null);
  const steps: StepView[] = [];
  for (let index = prelude; index < messages.length; index += 1) {
    const role = messages[index]?.role;
    if (role === 'system') continue;
    steps.push({ index, kind: role === 'user' ? 'user' : role === 'tool' ? 'tool' : 'model', turn: turnOf(index), verdicts: [] });
  }
  const replyOf = (turn: number | null) =>
    steps.findLast(
      (step) => step.kind === 'model' && (turn === null || step.turn === turn) && !messages[step.index]?.toolCalls?.length,
    );
  verdicts.forEach((verdict, at) => {
    const type = verdict.type.replace(/^not-/, '');
    const looked = verdict.steps ?? (WHOLE_CASE.has(type) ? [] : [replyOf(verdict.turn ?? null)?.index ?? -1]);
    for (const index of looked) steps.find((step) => step.index === index)?.verdicts.push(at);
  });
  return { prelude, steps };
}
