import type { SimulatedUser, Suite } from '../suite';
import { suiteModel } from './suite-model';
import type { ChatMessage, Platform } from './types';

/** What the simulator is told first, so that its own messages always answer a user turn. */
export const OPENING = 'Start the conversation: write your first message to the assistant.';

function instructions(user: SimulatedUser): string {
  return [
    'You play a user talking to an AI assistant. Stay in character; never say you are an AI or a simulation.',
    `Who you are: ${user.persona}`,
    `What you want: ${user.goal}`,
    'Write only your next message to the assistant, as the user would type it.',
  ].join('\n\n');
}

/**
 * The conversation as the simulated user sees it: its own messages are the assistant's turns,
 * the agent's replies are the user's; tool calls and results are the agent's business, not shown.
 */
export function simulatorView(user: SimulatedUser, conversation: readonly ChatMessage[]): ChatMessage[] {
  const view: ChatMessage[] = [
    { role: 'system', content: instructions(user) },
    { role: 'user', content: OPENING },
  ];
  for (const message of conversation) {
    if (message.role === 'user') view.push({ role: 'assistant', content: message.content });
    else if (message.role === 'assistant' && !message.toolCalls?.length) view.push({ role: 'user', content: message.content });
  }
  return view;
}

/** The suite's simulator as a function from the conversation so far to the user's next message; null when it has none. */
export async function simulatorFor(
  suite: Pick<Suite, 'simulator'>,
  platform: Platform,
  context: { signal: AbortSignal },
): Promise<((user: SimulatedUser, conversation: ChatMessage[]) => Promise<string>) | null> {
  if (!suite.simulator) return null;
  const call = await suiteModel(suite.simulator, platform, context.signal);
  return (user, conversation) => call(simulatorView(user, conversation));
}
