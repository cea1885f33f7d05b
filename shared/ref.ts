import { AgentName, LabelName, SEMVER_PATTERN } from './names';
import { SlipwayError } from './errors';

/**
 * A ref names a version everywhere (CLI, UI, protocol):
 * AGENT@1.2.3, AGENT@<label>, AGENT@draft, AGENT@latest, AGENT@sha256:<prefix>.
 * A bare AGENT means AGENT@latest.
 */
export type Selector =
  | { kind: 'semver'; semver: string }
  | { kind: 'label'; label: string }
  | { kind: 'draft' }
  | { kind: 'latest' }
  | { kind: 'hash'; prefix: string };

export interface Ref {
  agent: string;
  selector: Selector;
}

const MIN_HASH_PREFIX = 4;

export function parseSelector(text: string): Selector {
  if (text === 'draft') return { kind: 'draft' };
  if (text === 'latest') return { kind: 'latest' };
  if (SEMVER_PATTERN.test(text)) return { kind: 'semver', semver: text };
  if (text.startsWith('sha256:')) {
    const prefix = text.slice('sha256:'.length).toLowerCase();
    if (!/^[0-9a-f]+$/.test(prefix) || prefix.length < MIN_HASH_PREFIX || prefix.length > 64) {
      throw new SlipwayError(
        'invalid_input',
        `"${text}" is not a hash ref: use sha256: followed by ${MIN_HASH_PREFIX} to 64 hex digits`,
      );
    }
    return { kind: 'hash', prefix };
  }
  if (LabelName.safeParse(text).success) return { kind: 'label', label: text };
  throw new SlipwayError(
    'invalid_input',
    `"${text}" is not a version selector: use a version (1.2.3), a label, draft, latest or sha256:<prefix>`,
  );
}

export function parseRef(text: string): Ref {
  const at = text.indexOf('@');
  const agent = at === -1 ? text : text.slice(0, at);
  if (!AgentName.safeParse(agent).success) {
    throw new SlipwayError(
      'invalid_input',
      `"${text}" is not a ref: expected AGENT@VERSION, AGENT@LABEL, AGENT@draft, AGENT@latest or AGENT@sha256:PREFIX`,
    );
  }
  if (at === -1) return { agent, selector: { kind: 'latest' } };
  return { agent, selector: parseSelector(text.slice(at + 1)) };
}

/** Reads a ref that may omit the agent because the context already names it. */
export function parseRefIn(agent: string, text: string): Ref {
  if (!text.includes('@')) return { agent, selector: parseSelector(text) };
  const ref = parseRef(text);
  if (ref.agent !== agent) {
    throw new SlipwayError('invalid_input', `"${text}" is not a version of ${agent}: it names agent ${ref.agent}`);
  }
  return ref;
}

export function formatSelector(selector: Selector): string {
  switch (selector.kind) {
    case 'semver':
      return selector.semver;
    case 'label':
      return selector.label;
    case 'hash':
      return `sha256:${selector.prefix}`;
    default:
      return selector.kind;
  }
}

export function formatRef(ref: Ref): string {
  return `${ref.agent}@${formatSelector(ref.selector)}`;
}
