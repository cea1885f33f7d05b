import type { JudgeConfig } from '../suite';
import type { ParsedAgent } from '../validate-files';
import type { z } from 'zod';
import { callModel, rateGate } from './execute';
import { providerFor } from './providers';
import type { ChatMessage, Platform } from './types';

/**
 * A model a suite names beside the agent (its judge, its simulated users' simulator), called with
 * the same retries, timeouts and rate-limit handling as the agent: messages in, text out.
 */
export async function suiteModel(
  named: z.infer<typeof JudgeConfig>,
  platform: Platform,
  signal: AbortSignal,
): Promise<(messages: ChatMessage[]) => Promise<string>> {
  const config = { ...named, mock: named.mock as ParsedAgent['config']['mock'] };
  const provider = await providerFor(config, platform);
  const gate = rateGate(platform);
  return async (messages) => (await callModel({ provider, platform, gate, signal }, config, messages, [], {})).turn.text;
}
