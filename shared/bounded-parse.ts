import { load as loadYaml } from 'js-yaml';
import { CST, Lexer, parse as parseYaml } from 'yaml';
import { SlipwayError } from './errors';
import { clip } from './issues';
import { INPUT_LIMITS, formatCount } from './limits';

/**
 * Structured text from elsewhere — files, bundles, bodies, program and model output — read under
 * limits on size, depth and aliases. A YAML parser spends about a kilobyte per level of nesting
 * (5 MB of `[` is gigabytes), so YAML is measured before it is parsed; every parsed value is then
 * walked once, without recursion, before anything recursive (a schema, a stringify) touches it.
 */

/** Why a text is over its size limit, or null. */
export function sizeProblem(text: string, maxChars: number, what: string): string | null {
  return text.length > maxChars
    ? `${what} is ${formatCount(text.length)} characters; the limit is ${formatCount(maxChars)}`
    : null;
}

/**
 * What no parsed value may be, wherever it came from: nested deeper than the depth limit (what
 * walks it later would run out of stack) or holding a `__proto__` key (which a copy would turn
 * into a prototype).
 */
export function shapeProblem(value: unknown, what: string, maxDepth: number = INPUT_LIMITS.depth): string | null {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: next, depth } = stack.pop() ?? { value: null, depth: 0 };
    if (next === null || typeof next !== 'object') continue;
    if (depth > maxDepth) return `${what} is nested deeper than ${maxDepth} levels`;
    if (!Array.isArray(next) && Object.prototype.hasOwnProperty.call(next, '__proto__')) return `${what} has a __proto__ key`;
    for (const child of Object.values(next as object) as unknown[]) stack.push({ value: child, depth: depth + 1 });
  }
  return null;
}

export interface YamlShape {
  /** An upper bound of the document's nesting: block indentation, compact `- ` items and flow brackets. */
  depth: number;
  /** Alias nodes (`*name`) written in it. */
  aliases: number;
  /** Nodes written in it: scalars, aliases and collections (a `yaml` document costs about 500 bytes each). */
  nodes: number;
}

const NODE_TOKENS = new Set([
  'scalar',
  'single-quoted-scalar',
  'double-quoted-scalar',
  'block-scalar-header',
  'flow-seq-start',
  'flow-map-start',
  'alias',
]);

/**
 * Measures a YAML (or JSON) text with the `yaml` package's lexer — a stream of tokens in constant
 * memory, which knows quoted and block scalars and comments exactly — without building anything.
 * The depth is an upper bound: each line's indentation opens at most one level, each `- ` or
 * `? ` on it one more, each bracket one more. It stops once the bound passes `stopAt`.
 */
export function measureYaml(text: string, stopAt = Number.POSITIVE_INFINITY, stopAtNodes = Number.POSITIVE_INFINITY): YamlShape {
  const indents: number[] = [];
  let flow = 0;
  let depth = 0;
  let aliases = 0;
  let nodes = 0;
  let level = 0;
  let lineStart = true;
  let indent = 0;
  const openLine = () => {
    while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= indent) indents.pop();
    indents.push(indent);
    // Inside brackets that span lines, the nesting where they opened still holds.
    level = flow > 0 ? Math.max(level, indents.length) : indents.length;
    lineStart = false;
  };
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === 'newline') {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (token.includes('\n')) {
      // A block scalar's or a multi-line scalar's text: content, and the next token starts a line.
      lineStart = true;
      indent = 0;
      continue;
    }
    if (type === 'space') {
      if (lineStart) indent = token.length;
      continue;
    }
    if (type === 'comment' || type === 'doc-mode' || type === 'byte-order-mark') continue;
    if (lineStart) openLine();
    if (type === 'seq-item-ind' || type === 'explicit-key-ind') level += 1;
    else if (type === 'flow-seq-start' || type === 'flow-map-start') flow += 1;
    else if ((type === 'flow-seq-end' || type === 'flow-map-end') && flow > 0) flow -= 1;
    else if (type === 'alias') aliases += 1;
    if (NODE_TOKENS.has(type ?? '')) nodes += 1;
    depth = Math.max(depth, level + flow);
    if (depth > stopAt || nodes > stopAtNodes) break;
  }
  return { depth, aliases, nodes };
}

/**
 * Why a YAML text may not be built by the `yaml` package (too large, nested far past the limit,
 * or more nodes than its document may hold), or null; and its measure (partial when refused).
 */
export function yamlProblem(text: string, maxChars: number, what: string): { problem: string | null; shape: YamlShape } {
  const size = sizeProblem(text, maxChars, what);
  if (size) return { problem: size, shape: { depth: 0, aliases: 0, nodes: 0 } };
  // The measure is an upper bound; twice the limit leaves room for what it over-counts, and the
  // parsed value is then held to the limit exactly.
  const shape = measureYaml(text, 2 * INPUT_LIMITS.depth, INPUT_LIMITS.yamlNodes);
  if (shape.depth > 2 * INPUT_LIMITS.depth)
    return { problem: `${what} is nested deeper than ${INPUT_LIMITS.depth} levels`, shape };
  if (shape.nodes > INPUT_LIMITS.yamlNodes)
    return {
      problem: `${what} has more than ${formatCount(INPUT_LIMITS.yamlNodes)} nodes, too many to read with aliases or to place its errors`,
      shape,
    };
  return { problem: null, shape };
}

/** Anything that could be a YAML alias (`*name` where a node may start): a superset, checked without parsing. */
const MAYBE_ALIAS = /(?:^|[\s[{,:-])\*[^\s*]/;

export type QuickParse = { value: unknown } | { error: { message: string; line: number; column: number } } | null;

/**
 * A text parsed fast — JSON.parse, or js-yaml, which reads a large document several times faster
 * than `yaml` builds one with positions, in little memory, and ends a deep one at once (it
 * recurses) — or its error with a position; null when not tried: js-yaml shares an alias's node
 * instead of counting what it copies, so a text that may hold an alias is left to `yaml`.
 */
export function quickParse(json: boolean, text: string): QuickParse {
  try {
    if (json) return { value: JSON.parse(text) as unknown };
    if (MAYBE_ALIAS.test(text)) return null;
    return { value: loadYaml(text) as unknown };
  } catch (error) {
    const mark = (error as { mark?: { line?: number; column?: number } }).mark;
    return {
      error: {
        message: clip((error as Error).message.split('\n')[0] ?? ''),
        line: (mark?.line ?? 0) + 1,
        column: (mark?.column ?? 0) + 1,
      },
    };
  }
}

/** JSON from elsewhere: sized, parsed, and its shape held to the limits; a refusal says which limit. */
export function parseJsonWithin(text: string, maxChars: number, what: string): unknown {
  const size = sizeProblem(text, maxChars, what);
  if (size) throw new SlipwayError('invalid_input', size);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new SlipwayError('invalid_input', `${what} is not JSON: ${clip((error as Error).message)}`);
  }
  const shape = shapeProblem(value, what);
  if (shape) throw new SlipwayError('invalid_input', shape);
  return value;
}

/** YAML (or JSON) from elsewhere: sized, read fast where it can be, measured before `yaml` builds it, aliases bounded, the value's shape held to the limits. */
export function parseYamlWithin(text: string, maxChars: number, what: string): unknown {
  const size = sizeProblem(text, maxChars, what);
  if (size) throw new SlipwayError('invalid_input', size);
  const quick = quickParse(false, text);
  let value: unknown;
  if (quick && 'value' in quick) value = quick.value;
  else {
    const { problem } = yamlProblem(text, maxChars, what);
    if (problem) throw new SlipwayError('invalid_input', problem);
    if (quick) throw new SlipwayError('invalid_input', `${what} is not YAML or JSON: ${quick.error.message}`);
    try {
      value = parseYaml(text, { maxAliasCount: INPUT_LIMITS.yamlAliases });
    } catch (error) {
      const message = (error as Error).message.split('\n')[0] ?? '';
      throw new SlipwayError(
        'invalid_input',
        /alias/i.test(message)
          ? `${what} resolves aliases past the limit of ${INPUT_LIMITS.yamlAliases} (an alias bomb?)`
          : `${what} is not YAML or JSON: ${clip(message)}`,
      );
    }
  }
  const shape = shapeProblem(value, what);
  if (shape) throw new SlipwayError('invalid_input', shape);
  return value;
}
