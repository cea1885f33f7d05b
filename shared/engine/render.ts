import type { SuiteCase } from '../suite';
import type { ParsedAgent } from '../validate-files';
import { EngineError, type ChatMessage } from './types';

const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

function lookup(vars: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined),
      vars,
    );
}

/** Fills {{variables}}; a variable the case does not give is an error naming it, never an empty string. */
export function renderTemplate(template: string, vars: Record<string, unknown>, where: string): string {
  const missing = new Set<string>();
  const text = template.replace(VARIABLE, (_match, name: string) => {
    const value = lookup(vars, name);
    if (value === undefined || value === null) {
      missing.add(name);
      return '';
    }
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
  if (missing.size > 0) {
    const names = [...missing].map((name) => `{{${name}}}`).join(', ');
    throw new EngineError(
      'config',
      `${where} uses ${names}, which the case does not give (it gives: ${Object.keys(vars).join(', ') || 'nothing'})`,
    );
  }
  return text;
}

export type CaseInput = (
  { vars: Record<string, unknown> } | { messages: Array<{ role: 'user' | 'assistant'; content: string }> }
) & {
  /** Text around the last user message (promptfoo's `__prefix` and `__suffix`). */
  prefix?: string;
  suffix?: string;
};

/** What a suite case gives the conversation: its messages, or else its variables, and any text around them. */
export function caseInput(
  testCase: Pick<SuiteCase, 'vars' | 'messages'> & Partial<Pick<SuiteCase, 'prefix' | 'suffix'>>,
): CaseInput {
  const around = {
    ...(testCase.prefix ? { prefix: testCase.prefix } : {}),
    ...(testCase.suffix ? { suffix: testCase.suffix } : {}),
  };
  return testCase.messages ? { messages: testCase.messages, ...around } : { vars: testCase.vars ?? {}, ...around };
}

/** What every conversation of the agent opens with: prompt.md as the system message, then examples.yaml's turns. */
export function renderPrelude(agent: ParsedAgent, vars: Record<string, unknown>): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: renderTemplate(agent.prompt, vars, 'prompt.md') }];
  for (const example of agent.examples ?? []) messages.push({ role: example.role, content: example.content });
  return messages;
}

/**
 * The conversation for one case: prompt.md as the system message, examples.yaml as few-shot
 * turns, then user.md rendered with the case's variables (or the case's own messages).
 */
export function renderConversation(agent: ParsedAgent, input: CaseInput): ChatMessage[] {
  const vars = 'vars' in input ? input.vars : {};
  const messages = renderPrelude(agent, vars);
  if ('messages' in input) {
    for (const message of input.messages) messages.push({ role: message.role, content: message.content });
  } else if (agent.user !== null) {
    messages.push({ role: 'user', content: renderTemplate(agent.user, vars, 'user.md') });
  } else {
    throw new EngineError(
      'config',
      'the agent has no user.md and the case gives no messages: add user.md, or give the case messages',
    );
  }
  const last = messages.findLastIndex((message) => message.role === 'user');
  const user = messages[last];
  if (user && (input.prefix || input.suffix))
    messages[last] = { ...user, content: `${input.prefix ?? ''}${user.content}${input.suffix ?? ''}` };
  return messages;
}

/** What a case gives, as a person reads it: its input, and a conversation's user turns or simulated user. */
export function caseShown(
  testCase: Pick<SuiteCase, 'vars' | 'messages'> &
    Partial<Pick<SuiteCase, 'prefix' | 'suffix' | 'simulate'>> & { turns?: ReadonlyArray<{ user: string }> | undefined },
): CaseInput & { turns?: string[]; simulate?: { persona: string; goal: string; max_turns: number } } {
  const { simulate } = testCase;
  return {
    ...caseInput(testCase),
    ...(testCase.turns ? { turns: testCase.turns.map((turn) => turn.user) } : {}),
    ...(simulate ? { simulate: { persona: simulate.persona, goal: simulate.goal, max_turns: simulate.max_turns } } : {}),
  };
}
