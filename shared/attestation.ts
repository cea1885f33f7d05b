import { z } from 'zod';
import { Hash } from './names';

/** The evidence the eval gate asks for: a suite run of this exact version that passed. */
export const Attestation = z.object({
  versionHash: Hash,
  suite: z.string(),
  suiteRevisionHash: z.string(),
  passed: z.boolean(),
  total: z.int(),
  passRate: z.number(),
  minPassRate: z.number().nullable(),
  runId: z.int(),
  finishedAt: z.string(),
});
export type Attestation = z.infer<typeof Attestation>;
