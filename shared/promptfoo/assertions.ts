import type { Assertion, LeafAssertion } from '../suite';
import { renderValue } from './templates';

/** What an import says about a file: things not taken, each named, and notes on meaning. */
export interface ImportReport {
  format: 'slipway' | 'promptfoo' | 'jsonl' | 'csv';
  cases: number;
  /** Things the file holds that Slipway does not take, each named with what to do instead. */
  unsupported: string[];
  notes: string[];
}

/** A promptfoo assertion as the config holds it. */
export type RawAssertion = Record<string, unknown> & { type?: unknown; value?: unknown };

/** Reads a `file://` reference relative to the file that holds it; null when it cannot. */
export type ReadReference = (reference: string, where: string) => string | null;

/** What to do instead, for the promptfoo types Slipway has no equivalent for. */
const INSTEAD: Record<string, string> = {
  'is-sql': 'check the SQL with a javascript or python assertion, or a regex',
  'contains-sql': 'check the SQL with a javascript or python assertion, or a regex',
  'is-html': 'use contains-xml, or a javascript assertion',
  'contains-html': 'use contains-xml, or a javascript assertion',
  'model-graded-closedqa': 'use llm-rubric (imported as rubric) with the question in the rubric',
  factuality: 'use llm-rubric (imported as rubric) naming the facts',
  'answer-relevance': 'use llm-rubric (imported as rubric)',
  'context-faithfulness': 'use llm-rubric (imported as rubric)',
  'context-recall': 'use llm-rubric (imported as rubric)',
  'context-relevance': 'use llm-rubric (imported as rubric)',
  'g-eval': 'use llm-rubric (imported as rubric)',
  'select-best': 'compare the versions with slipway compare',
  'max-score': 'compare the versions with slipway compare',
  'rouge-n': 'use similar (a word-similarity score) or levenshtein',
  bleu: 'use similar (a word-similarity score) or levenshtein',
  perplexity: 'Slipway does not read log-probabilities: use a rubric',
  classifier: 'use a rubric, or a python assertion that calls your classifier',
  webhook: 'use a javascript assertion',
  'is-refusal': 'use a rubric, or icontains-any with refusal phrases',
  moderation: 'use a rubric',
};

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** promptfoo takes a number or a boolean where it expects text, as its text. */
function asText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** A list as promptfoo reads one: a list of texts, or one text of comma-separated items. */
function asList(value: unknown): string[] | null {
  if (typeof value === 'string')
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  if (Array.isArray(value)) {
    const items = value.map(asText);
    return items.every((item): item is string => item !== null) ? items : null;
  }
  return null;
}

function asElements(value: unknown): string[] | null | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && !Array.isArray(value) && 'requiredElements' in value)
    return asList((value as { requiredElements: unknown }).requiredElements);
  return asList(value);
}

export interface AssertionSource {
  /** Where the assertion is, for messages: `promptfooconfig.yaml tests[3].assert[0]`. */
  where: string;
  vars: Record<string, unknown>;
  report: ImportReport;
  read: ReadReference;
}

/** An assertion Slipway cannot take, kept so its case never passes unchecked; the report names it too. */
export function unsupported(type: string, source: AssertionSource, why: string, hint?: string): Assertion {
  source.report.unsupported.push(
    `${source.where}: ${why}${hint ? `; ${hint}` : ''} (kept as "unsupported": the case errors until it is replaced)`,
  );
  return { type: 'unsupported', original: type || '(no type)', from: source.where, ...(hint ? { hint } : {}) };
}

/** Code from a value: inline, or the text of a `file://` script (a named function in it is not supported). */
function codeOf(value: unknown, type: string, source: AssertionSource): string | { problem: string } {
  if (typeof value !== 'string' || value.trim() === '') return { problem: `${type} with no code` };
  if (!value.startsWith('file://')) return value;
  if (/:[A-Za-z_$][\w$]*$/.test(value.slice('file://'.length)))
    return { problem: `${type} naming a function of a file (${value}): inline the function's body instead` };
  const text = source.read(value, source.where);
  if (text === null) return { problem: `${value} could not be read` };
  return type === 'python'
    ? `${text}\nreturn get_assert(output, context)`
    : `const module = { exports: {} };\n${text}\nconst check = module.exports.default ?? module.exports;\nreturn typeof check === 'function' ? check(output, context) : check;`;
}

/**
 * One promptfoo assertion as Slipway's: `not-` prefixes, weights, metrics and transforms kept,
 * `{{vars}}` rendered with the case's variables; what has no equivalent is an `unsupported`
 * assertion that errors at run time.
 */
export function fromPromptfooAssertion(raw: RawAssertion, source: AssertionSource, inSet = false): Assertion {
  const fullType = typeof raw.type === 'string' ? raw.type : '';
  const negated = fullType.startsWith('not-');
  const type = negated ? fullType.slice(4) : fullType;
  const value = raw.value === undefined ? undefined : renderValue(raw.value, source.vars);
  const threshold = numberOf(raw.threshold);
  const transform = raw.transform === undefined ? undefined : codeOf(raw.transform, 'transform', source);
  if (transform !== undefined && typeof transform !== 'string') return unsupported(fullType, source, transform.problem);
  const common = {
    ...(negated ? { not: true } : {}),
    ...(numberOf(raw.weight) !== undefined ? { weight: numberOf(raw.weight) } : {}),
    ...(typeof raw.metric === 'string' && raw.metric !== '' ? { metric: raw.metric } : {}),
    ...(transform ? { transform } : {}),
  };
  const make = (assertion: Record<string, unknown>): Assertion => ({ ...assertion, ...common }) as Assertion;
  const text = asText(value);
  switch (type) {
    case 'equals':
      if (value !== null && typeof value === 'object') return make({ type: 'equals-json', value });
      if (text === null) break;
      return make({ type: 'equals', value: text });
    case 'contains':
    case 'icontains':
    case 'regex':
      if (text === null || text === '') break;
      return make({ type, value: text });
    case 'starts-with':
      // promptfoo takes only text here, and refuses an empty one.
      if (typeof value !== 'string' || value === '') break;
      return make({ type, value });
    case 'contains-any':
    case 'contains-all':
    case 'icontains-any':
    case 'icontains-all': {
      const values = asList(value);
      if (values === null) break;
      return make({ type, values });
    }
    case 'is-json':
    case 'contains-json': {
      const schema = typeof value === 'string' && value.startsWith('file://') ? readJson(value, source) : value;
      if (schema === undefined) return make({ type });
      if (!schema || typeof schema !== 'object' || Array.isArray(schema)) break;
      return make(type === 'is-json' ? { type: 'json-schema', value: schema } : { type, schema });
    }
    case 'levenshtein':
      if (text === null) break;
      return make({ type, value: text, ...(threshold !== undefined ? { max: threshold } : {}) });
    case 'is-xml':
    case 'contains-xml': {
      const elements = asElements(value);
      if (elements === null) break;
      return make({ type, ...(elements && elements.length > 0 ? { elements } : {}) });
    }
    case 'is-valid-openai-tools-call':
    case 'is-valid-openai-function-call':
      source.report.notes.push(
        `${source.where}: ${type} checks the tools the model called against the version's tools.json (Slipway has no provider-level tool list)`,
      );
      return make({ type: 'valid-tool-calls' });
    case 'similar':
      if (text === null) break;
      source.report.notes.push(
        `${source.where}: similar is graded by a local word-similarity metric unless the suite names an embedding model; its scores differ from promptfoo's`,
      );
      return make({ type: 'similar', value: text, ...(threshold !== undefined ? { threshold } : {}) });
    case 'llm-rubric':
      if (text === null) break;
      return make({ type: 'rubric', value: text, ...(threshold !== undefined ? { threshold } : {}) });
    case 'latency':
      if (threshold === undefined) break;
      return make({ type: 'latency', max_ms: threshold });
    case 'cost':
      if (threshold === undefined) break;
      return make({ type: 'cost', max_usd: threshold });
    case 'javascript':
    case 'python': {
      const code = codeOf(value, type, source);
      if (typeof code !== 'string') return unsupported(fullType, source, code.problem);
      return make({ type, code, ...(threshold !== undefined ? { threshold } : {}) });
    }
    case 'assert-set': {
      if (inSet)
        return unsupported(fullType, source, 'an assert-set inside an assert-set', 'list its assertions in the outer set');
      if (!Array.isArray(raw.assert) || raw.assert.length === 0) break;
      const inner = raw.assert.map((child: unknown, index) =>
        fromPromptfooAssertion(
          (child && typeof child === 'object' ? child : {}) as RawAssertion,
          { ...source, where: `${source.where}.assert[${index}]` },
          true,
        ),
      ) as LeafAssertion[];
      return make({ type, assert: inner, ...(threshold !== undefined ? { threshold } : {}) });
    }
    default:
      return unsupported(
        fullType,
        source,
        `assertion type "${fullType}"`,
        INSTEAD[type] ?? 'replace it with an assertion Slipway runs',
      );
  }
  return unsupported(fullType, source, `${fullType} with a value it cannot take (${JSON.stringify(value)?.slice(0, 60)})`);
}

function readJson(reference: string, source: AssertionSource): unknown {
  const text = source.read(reference, source.where);
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
