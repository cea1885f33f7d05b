import { distance } from 'fastest-levenshtein';
import JSON5 from 'json5';
import { shapeProblem } from '../bounded-parse';

/** The edit distance between two texts (insertions, deletions, substitutions of one UTF-16 unit). */
export function editDistance(a: string, b: string): number {
  return distance(a, b);
}

/**
 * The JSON objects found in a text, in order: each `{` begins a candidate that ends where its
 * braces balance (or, cut short, at the end with its braces closed), read as JSON5 — so
 * `{'a': 1}`, `{a: 1}` and a trailing comma count, as promptfoo counts them. Lists and scalars
 * alone do not. Each is held to the depth limit.
 */
export function jsonObjectsIn(text: string, most = 64): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  for (let start = text.indexOf('{'); start >= 0 && found.length < most; start = text.indexOf('{', start + 1)) {
    const candidate = balanced(text, start);
    const value = readJson5(candidate);
    if (value && typeof value === 'object' && !Array.isArray(value) && !shapeProblem(value, 'the output'))
      found.push(value as Record<string, unknown>);
  }
  return found;
}

/** From `start` to where its braces balance, or to the end with the missing braces (and a missing last value) added. */
function balanced(text: string, start: number): string {
  let depth = 0;
  let quote: string | null = null;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (quote) {
      if (char === '\\') index += 1;
      else if (char === quote) quote = null;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) return text.slice(start, index + 1);
    }
  }
  const rest = text.slice(start).trimEnd();
  return `${rest}${rest.endsWith(':') ? ' null' : ''}${'}'.repeat(Math.max(0, depth))}`;
}

function readJson5(candidate: string): unknown {
  try {
    return JSON5.parse(candidate);
  } catch {
    return undefined;
  }
}

/** Whether every element path (`a.b.c`, from the root element down) is in a parsed document. */
export function missingElements(root: XmlNode, paths: readonly string[]): string[] {
  return paths.filter((path) => {
    const [first, ...rest] = path.split('.');
    if (root.name !== first) return true;
    let level: XmlNode[] = [root];
    for (const name of rest) {
      level = level.flatMap((node) => node.children.filter((child) => child.name === name));
      if (level.length === 0) return true;
    }
    return false;
  });
}

export interface XmlNode {
  name: string;
  children: XmlNode[];
}

/**
 * A text read strictly as one XML document (saxes: one root, balanced tags, known entities):
 * its element tree as far as it could be read, and the parser's first complaint with line:column.
 */
export async function readXml(text: string): Promise<{ root: XmlNode | null; problem: string | null }> {
  const { SaxesParser } = await import('saxes');
  const parser = new SaxesParser();
  const stack: XmlNode[] = [];
  let root: XmlNode | null = null;
  let problem: string | null = null;
  parser.on('error', (error) => {
    problem ??= error.message;
  });
  parser.on('opentag', (tag) => {
    const node: XmlNode = { name: tag.name, children: [] };
    stack.at(-1)?.children.push(node);
    root ??= node;
    stack.push(node);
    if (stack.length > 64) problem ??= 'elements nested more than 64 deep';
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(text).close();
  } catch (error) {
    problem ??= (error as Error).message;
  }
  return { root, problem: problem ?? (root ? null : 'no root element') };
}
