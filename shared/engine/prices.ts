import { z } from 'zod';
import type { AgentConfig } from '../agent-files';
import type { Usage } from './types';

/** US dollars per million tokens, by provider and exact model id (resources/prices.json). */
export const PriceTable = z.record(
  z.string(),
  z.record(z.string(), z.object({ input_per_mtok: z.number().nonnegative(), output_per_mtok: z.number().nonnegative() })),
);
export type PriceTable = z.infer<typeof PriceTable>;

export function priceOf(prices: PriceTable, config: Pick<AgentConfig, 'provider' | 'model'>) {
  return prices[config.provider]?.[config.model] ?? null;
}

/** A call's cost; null (unknown, never zero) when the model has no price or the usage is unknown. */
export function costOf(prices: PriceTable, config: Pick<AgentConfig, 'provider' | 'model'>, usage: Usage): number | null {
  if (config.provider === 'mock') return 0;
  const price = priceOf(prices, config);
  if (!price || usage.inputTokens === null || usage.outputTokens === null) return null;
  return (usage.inputTokens * price.input_per_mtok + usage.outputTokens * price.output_per_mtok) / 1_000_000;
}
