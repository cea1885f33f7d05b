import { z } from 'zod';
import { PROVIDERS, SecretName } from './agent-files';

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
  z.strictObject({
    type: z.literal('tool-called'),
    name: z.string().min(1),
    args: z.record(z.string(), z.unknown()).optional(),
    ...common,
  }),
  z.strictObject({ type: z.literal('tool-sequence'), names: z.array(z.string().min(1)).min(1), ...common }),
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
  })
  .refine((value) => !(value.vars && value.messages), { message: 'a case gives vars or messages, not both' });
export type SuiteCase = z.infer<typeof SuiteCase>;

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
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a suite name is lower-case letters, digits and dashes'),
    description: z.string().optional(),
    defaults: z.strictObject({ assert: z.array(Assertion).default([]) }).default({ assert: [] }),
    /** The model that grades rubric assertions. */
    judge: JudgeConfig.optional(),
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
    });
  });
export type Suite = z.infer<typeof Suite>;
