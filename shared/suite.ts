import { z } from 'zod';
import { PROVIDERS, SecretName } from './agent-files';
import { plainName } from './names';

const text = z.string();
const common = {
  /** Inverts the verdict (promptfoo's `not-` prefix). */
  not: z.boolean().optional(),
  /** Weight in the case's score when the case sets a threshold (0: reported, never counted). */
  weight: z.number().nonnegative().optional(),
  /** A name the verdict's score is reported under. */
  metric: z.string().min(1).max(200).optional(),
  /** JavaScript that turns the output into what this assertion checks (`output.trim()`); run like a javascript assertion. */
  transform: z.string().min(1).optional(),
};

/** A score threshold: at least this to pass. */
const score = z.number().min(0).max(1);
/** JSON a value may be compared with: an object or a list (text is compared as text). */
const jsonValue = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown()), z.boolean(), z.number(), z.null()]);

export const ARGUMENT_MATCHES = ['subset', 'exact', 'regex'] as const;
export const SEQUENCE_MODES = ['strict', 'unordered', 'subset', 'superset'] as const;

/** Why a pattern is not a regular expression, or null. */
function patternProblem(pattern: string): string | null {
  try {
    new RegExp(pattern);
    return null;
  } catch (error) {
    return `/${pattern}/ is not a valid regular expression: ${(error as Error).message}`;
  }
}

const LEAVES = [
  z.strictObject({ type: z.literal('equals'), value: text, ...common }),
  z.strictObject({ type: z.literal('contains'), value: text, ...common }),
  z.strictObject({ type: z.literal('icontains'), value: text, ...common }),
  z.strictObject({ type: z.literal('not-contains'), value: text, ...common }),
  z.strictObject({ type: z.literal('starts-with'), value: text, ...common }),
  z.strictObject({
    type: z.literal('regex'),
    value: text,
    flags: z
      .string()
      .regex(/^[gimsuy]*$/)
      .optional(),
    ...common,
  }),
  z.strictObject({ type: z.literal('is-json'), ...common }),
  z.strictObject({ type: z.literal('json-schema'), value: z.record(z.string(), z.unknown()), ...common }),
  z.strictObject({ type: z.literal('json-path'), path: z.string().min(1), value: z.unknown(), ...common }),
  z.strictObject({ type: z.literal('similar'), value: text, threshold: z.number().min(0).max(1).optional(), ...common }),
  z.strictObject({ type: z.literal('rubric'), value: text, threshold: z.number().min(0).max(1).optional(), ...common }),
  z.strictObject({ type: z.literal('latency'), max_ms: z.number().positive(), ...common }),
  z.strictObject({ type: z.literal('tokens'), max: z.int().positive(), ...common }),
  z.strictObject({ type: z.literal('cost'), max_usd: z.number().nonnegative(), ...common }),
  z
    .strictObject({
      type: z.literal('tool-called'),
      name: z.string().min(1),
      args: z.record(z.string(), z.unknown()).optional(),
      /** How `args` is matched: `subset` (default: these keys, deeply equal), `exact` (these keys and no others), `regex` (each value a pattern over the argument as text). */
      match: z.enum(ARGUMENT_MATCHES).optional(),
      /** A JSON schema the call's arguments must match (with `args`, both must hold). */
      schema: z.record(z.string(), z.unknown()).optional(),
      ...common,
    })
    .superRefine((assertion, ctx) => {
      if (assertion.match && !assertion.args)
        ctx.addIssue({ code: 'custom', path: ['match'], message: `match: ${assertion.match} needs args to match` });
      if (assertion.match !== 'regex') return;
      for (const [key, pattern] of Object.entries(assertion.args ?? {})) {
        const problem =
          typeof pattern === 'string' ? patternProblem(pattern) : 'with match: regex each argument is a pattern (text)';
        if (problem) ctx.addIssue({ code: 'custom', path: ['args', key], message: problem });
      }
    }),
  /** No tool was called at all, or none of `names`. */
  z.strictObject({ type: z.literal('no-tool-called'), names: z.array(z.string().min(1)).min(1).optional(), ...common }),
  z.strictObject({
    type: z.literal('tool-sequence'),
    names: z.array(z.string().min(1)).min(1),
    /**
     * `strict` (default): exactly these calls in this order. `unordered`: the same calls, each as
     * many times, in any order. `subset`: every call is one of these (each at most as many times),
     * none other. `superset`: each of these was called (as many times), others may be too.
     */
    mode: z.enum(SEQUENCE_MODES).optional(),
    ...common,
  }),
  /** Bounds on the agent's steps: model turns (calls of the model) and tool calls, over the case or the turn. */
  z
    .strictObject({
      type: z.literal('step-count'),
      min_turns: z.int().nonnegative().optional(),
      max_turns: z.int().nonnegative().optional(),
      min_tool_calls: z.int().nonnegative().optional(),
      max_tool_calls: z.int().nonnegative().optional(),
      ...common,
    })
    .refine(
      (value) =>
        value.min_turns !== undefined ||
        value.max_turns !== undefined ||
        value.min_tool_calls !== undefined ||
        value.max_tool_calls !== undefined,
      { message: 'step-count needs a bound: min_turns, max_turns, min_tool_calls or max_tool_calls' },
    )
    .refine((value) => (value.min_turns ?? 0) <= (value.max_turns ?? Infinity), {
      message: 'min_turns is above max_turns: no conversation could pass',
    })
    .refine((value) => (value.min_tool_calls ?? 0) <= (value.max_tool_calls ?? Infinity), {
      message: 'min_tool_calls is above max_tool_calls: no conversation could pass',
    }),
  /** A simulated conversation ended because its goal was reached (not given up, not out of turns). */
  z.strictObject({ type: z.literal('goal-reached'), ...common }),
  /** promptfoo's equals with a JSON value: the output parsed as JSON and compared deeply. */
  z.strictObject({ type: z.literal('equals-json'), value: jsonValue, ...common }),
  z.strictObject({ type: z.literal('contains-any'), values: z.array(text), ...common }),
  z.strictObject({ type: z.literal('contains-all'), values: z.array(text), ...common }),
  z.strictObject({ type: z.literal('icontains-any'), values: z.array(text), ...common }),
  z.strictObject({ type: z.literal('icontains-all'), values: z.array(text), ...common }),
  /** JSON somewhere in the output (the first that parses, and matches the schema when given). */
  z.strictObject({ type: z.literal('contains-json'), schema: z.record(z.string(), z.unknown()).optional(), ...common }),
  /** At most `max` single-character edits (5 unless told) from the value. */
  z.strictObject({ type: z.literal('levenshtein'), value: text, max: z.number().nonnegative().optional(), ...common }),
  /** The output is one well-formed XML document, holding each element path (`analysis.summary`) when given. */
  z.strictObject({ type: z.literal('is-xml'), elements: z.array(z.string().min(1)).optional(), ...common }),
  /** Well-formed XML somewhere in the output, holding each element path when given. */
  z.strictObject({ type: z.literal('contains-xml'), elements: z.array(z.string().min(1)).optional(), ...common }),
  /** Every tool the model called exists in tools.json and was given arguments its parameters allow. */
  z.strictObject({ type: z.literal('valid-tool-calls'), ...common }),
  /**
   * JavaScript run outside Slipway's process with `output` and `context` ({ vars, test }): true
   * or false, a score (passes above 0, or at `threshold`), or { pass, score, reason }. One line is
   * an expression; more lines are a function body that returns.
   */
  z.strictObject({ type: z.literal('javascript'), code: z.string().min(1), threshold: z.number().optional(), ...common }),
  /** The same in Python (python3). */
  z.strictObject({ type: z.literal('python'), code: z.string().min(1), threshold: z.number().optional(), ...common }),
  /**
   * An assertion Slipway cannot evaluate (an imported type it has no equivalent for), kept so its
   * case never passes unchecked: it errors at run time naming the original type and its source.
   */
  z.strictObject({
    type: z.literal('unsupported'),
    /** The type as the source file named it, `is-sql`. */
    original: z.string().min(1),
    /** Where it came from, `promptfooconfig.yaml tests[3].assert[0]`. */
    from: z.string().min(1),
    /** What to do instead. */
    hint: z.string().optional(),
    ...common,
  }),
] as const;

/** Every assertion but a set: what a set holds. */
export const LeafAssertion = z.discriminatedUnion('type', LEAVES);
export type LeafAssertion = z.infer<typeof LeafAssertion>;

export const Assertion = z.discriminatedUnion('type', [
  ...LEAVES,
  /** Assertions judged as one: all pass, or `threshold` of their weighted score. Sets hold no sets. */
  z.strictObject({
    type: z.literal('assert-set'),
    assert: z.array(LeafAssertion).min(1),
    threshold: score.optional(),
    ...common,
  }),
]);
export type Assertion = z.infer<typeof Assertion>;

export const StubbedTool = z.strictObject({
  name: z.string().min(1),
  /** When given, this result answers only calls whose arguments include these. */
  args: z.record(z.string(), z.unknown()).optional(),
  result: z.unknown(),
});

/** One scripted turn of a conversation: what the user says, the tool results it may need, and what its answer must hold. */
export const ConversationTurn = z.strictObject({
  /** The user's message ({{variables}} are filled from the case's vars). */
  user: z.string().min(1),
  /** Tool results for this turn's calls, looked up before the case's own. */
  tools: z.array(StubbedTool).default([]),
  /** Judged on this turn: its reply, its tool calls, its steps. */
  assert: z.array(Assertion).default([]),
});
export type ConversationTurn = z.infer<typeof ConversationTurn>;

/** The most turns a conversation (scripted or simulated) may have. */
export const MAX_CONVERSATION_TURNS = 50;

/** A simulated user: the suite's `simulator` model plays this persona, with a goal, for up to max_turns. */
export const SimulatedUser = z.strictObject({
  /** Who the user is and how they speak. */
  persona: z.string().min(1),
  /** What the user wants, as the simulator is told it. */
  goal: z.string().min(1),
  /** The conversation ends once every one of these passes on the agent's latest reply (and its steps so far). */
  goal_check: z.array(Assertion).min(1, 'a simulated user needs a goal_check: the assertions that say the goal was reached'),
  /** The agent gave up when every one of these passes on its latest reply. */
  give_up: z.array(Assertion).optional(),
  /** The user's opening message; without it the simulator writes one. */
  first_message: z.string().min(1).optional(),
  max_turns: z.int().min(1).max(MAX_CONVERSATION_TURNS).default(6),
});
export type SimulatedUser = z.infer<typeof SimulatedUser>;

/** Assertions on a measure of the whole case: they cannot judge one turn. */
const WHOLE_CASE_ONLY = new Set(['latency', 'tokens', 'cost', 'goal-reached']);

function flat(assertions: readonly Assertion[]): LeafAssertion[] {
  return assertions.flatMap((assertion) => (assertion.type === 'assert-set' ? assertion.assert : [assertion]));
}

export const SuiteCase = z
  .strictObject({
    id: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
        'a case id is letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
      ),
    description: z.string().optional(),
    vars: z.record(z.string(), z.unknown()).optional(),
    messages: z
      .array(z.strictObject({ role: z.enum(['user', 'assistant']), content: z.string() }))
      .min(1)
      .optional(),
    assert: z.array(Assertion).default([]),
    tools: z.array(StubbedTool).default([]),
    /** Pass when the weighted score reaches this, instead of when every assertion passes. */
    threshold: z.number().min(0).max(1).optional(),
    /** JavaScript that turns the output into what every assertion of the case checks. */
    transform: z.string().min(1).optional(),
    /** Text put before and after the case's last user message (promptfoo's `__prefix` and `__suffix`). */
    prefix: z.string().optional(),
    suffix: z.string().optional(),
    /** Labels of the case that are not variables (promptfoo's `__metadata:*` columns). */
    metadata: z.record(z.string(), z.string()).optional(),
    /** A scripted conversation: each turn's user message, tool results and assertions, in order. */
    turns: z.array(ConversationTurn).min(1).max(MAX_CONVERSATION_TURNS).optional(),
    /** A conversation with a simulated user (the suite's `simulator` plays it). */
    simulate: SimulatedUser.optional(),
  })
  .superRefine((value, ctx) => {
    const problem = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (value.vars && value.messages) problem([], 'a case gives vars or messages, not both');
    const conversation = value.turns ? 'turns' : value.simulate ? 'simulate' : null;
    if (value.turns && value.simulate)
      problem(['simulate'], 'a case gives turns (a script) or simulate (a simulated user), not both');
    if (conversation && value.messages)
      problem(
        ['messages'],
        `a case with ${conversation} gives no messages: its conversation is the ${conversation === 'turns' ? 'script' : 'simulated user'}'s`,
      );
    if (conversation && (value.prefix !== undefined || value.suffix !== undefined))
      problem(
        [value.prefix !== undefined ? 'prefix' : 'suffix'],
        `prefix and suffix wrap a single message, not a conversation (${conversation})`,
      );
    value.turns?.forEach((turn, index) =>
      flat(turn.assert).forEach((assertion, at) => {
        if (WHOLE_CASE_ONLY.has(assertion.type))
          problem(
            ['turns', index, 'assert', at],
            `${assertion.type} measures the whole conversation: put it in the case's assert, not a turn's`,
          );
      }),
    );
    if (value.simulate)
      for (const key of ['goal_check', 'give_up'] as const)
        flat(value.simulate[key] ?? []).forEach((assertion, at) => {
          if (assertion.type === 'goal-reached')
            problem(['simulate', key, at], `goal-reached says how the conversation ended: it cannot be what ends it (${key})`);
        });
    if (!value.simulate)
      flat(value.assert).forEach((assertion, at) => {
        if (assertion.type === 'goal-reached')
          problem(['assert', at], 'goal-reached judges a simulated conversation: give the case simulate, or remove it');
      });
  });
export type SuiteCase = z.infer<typeof SuiteCase>;

/** Every assertion a case holds: its own, each scripted turn's, and its simulated user's goal and give-up checks. */
export function caseAssertions(testCase: Pick<SuiteCase, 'assert' | 'turns' | 'simulate'>): Assertion[] {
  return [
    ...testCase.assert,
    ...(testCase.turns ?? []).flatMap((turn) => turn.assert),
    ...(testCase.simulate ? [...testCase.simulate.goal_check, ...(testCase.simulate.give_up ?? [])] : []),
  ];
}

export const JudgeConfig = z.strictObject({
  provider: z.enum(PROVIDERS),
  model: z.string().min(1),
  base_url: z.url().optional(),
  api_key: SecretName.optional(),
  mock: z.unknown().optional(),
});

/** An OpenAI-compatible embeddings endpoint (OpenAI, Ollama, vLLM…) for `similar` assertions. */
export const EmbeddingConfig = z.strictObject({
  provider: z.literal('openai-compatible'),
  model: z.string().min(1),
  base_url: z.url().optional(),
  api_key: SecretName.optional(),
});
export type EmbeddingConfig = z.infer<typeof EmbeddingConfig>;

export const Suite = z
  .strictObject({
    name: plainName('suite'),
    description: z.string().optional(),
    defaults: z.strictObject({ assert: z.array(Assertion).default([]) }).default({ assert: [] }),
    /** The model that grades rubric assertions. */
    judge: JudgeConfig.optional(),
    /** The model that plays the simulated users of cases with `simulate`. */
    simulator: JudgeConfig.optional(),
    /** Embeddings for `similar`; without them a local word metric is used. */
    embedding: EmbeddingConfig.optional(),
    /** `stub` (default): tools answer from the case. `live`: tools with an endpoint are really called. */
    tools_mode: z.enum(['stub', 'live']).default('stub'),
    cases: z.array(SuiteCase).min(1, 'a suite needs at least one case'),
  })
  .superRefine((suite, ctx) => {
    const seen = new Set<string>();
    suite.cases.forEach((testCase, index) => {
      if (seen.has(testCase.id))
        ctx.addIssue({ code: 'custom', path: ['cases', index, 'id'], message: `case id "${testCase.id}" appears twice` });
      seen.add(testCase.id);
      if (testCase.simulate && !suite.simulator)
        ctx.addIssue({
          code: 'custom',
          path: ['cases', index, 'simulate'],
          message: "a simulated user needs the suite's simulator: add simulator: { provider, model } to the suite",
        });
    });
  });
export type Suite = z.infer<typeof Suite>;
