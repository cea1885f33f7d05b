import type { MockSettings } from '../../agent-files';
import { EngineError, type ChatMessage, type ModelTurn, type Platform, type Provider } from '../types';

function transcript(messages: ChatMessage[]): string {
  return messages.map((message) => `${message.role}: ${message.content}`).join('\n');
}

function tokens(text: string, perWord: number): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return Math.max(1, Math.round(words * perWord));
}

/**
 * Deterministic answers from rules in config.yaml: the first rule whose `match` (a regular
 * expression over the case's last user turn and what followed it) matches answers with its reply, its tool calls, or
 * the conversation itself (`echo`). After tool results come back, only rules that reply count.
 */
export function mockProvider(platform: Platform): Provider {
  // Rules are compiled once, not on every call of a run.
  const patterns = new Map<string, RegExp>();
  const pattern = (source: string): RegExp => {
    let compiled = patterns.get(source);
    if (!compiled) {
      try {
        compiled = new RegExp(source, 'i');
      } catch {
        throw new EngineError('config', `mock rule match /${source}/ is not a valid regular expression`);
      }
      patterns.set(source, compiled);
    }
    return compiled;
  };
  return {
    call: async ({ config, messages, signal }): Promise<ModelTurn> => {
      const settings: MockSettings | undefined = config.mock;
      if (!settings) throw new EngineError('config', 'the mock provider needs `mock: { rules: [...] }` in config.yaml');
      // Rules match the rendered input: the case's last user turn and whatever followed it
      // (tool results), not the system prompt or the few-shot examples before it.
      const lastUser = messages.map((message) => message.role).lastIndexOf('user');
      const text = transcript(messages.slice(Math.max(lastUser, 0)).filter((message) => message.role !== 'system'));
      const afterTools = messages.at(-1)?.role === 'tool';
      const rule = settings.rules.find((candidate) => {
        if (afterTools && candidate.reply === undefined && !candidate.echo) return false;
        return candidate.match === undefined || pattern(candidate.match).test(text);
      });
      if (!rule)
        throw new EngineError('config', 'no mock rule matches this conversation: add a rule without `match` as the default');
      if (settings.latency_ms) await platform.sleep(settings.latency_ms, signal);
      if (signal.aborted) throw new EngineError('cancelled', 'the mock call was aborted');
      const reply = rule.echo ? transcript(messages) : (rule.reply ?? '');
      const toolCalls = afterTools
        ? []
        : (rule.tool_calls ?? []).map((call, index) => ({ id: `mock_${index + 1}`, name: call.name, arguments: call.arguments }));
      const perWord = settings.tokens_per_word ?? 1.3;
      return {
        text: reply,
        toolCalls,
        usage: { inputTokens: tokens(transcript(messages), perWord), outputTokens: tokens(reply, perWord) },
      };
    },
  };
}
