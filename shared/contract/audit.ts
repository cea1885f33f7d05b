import { z } from 'zod';
import { AgentName } from '../names';
import { query } from './common';
import { AUDIT_AREA_NAMES, type AuditArea } from '../audit-areas';

/** The hash-chained audit log. */

export const AuditEntry = z.object({
  id: z.int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  agent: z.string().nullable(),
  subject: z.string(),
  reason: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditVerification = z.object({
  ok: z.boolean(),
  rows: z.int(),
  firstBadId: z.int().nullable(),
  problem: z.string().nullable(),
});

/** Read and verify the audit log. */
export const auditContract = {
  audit: {
    list: query(
      z.object({
        agent: AgentName.optional(),
        action: z.string().max(100).optional(),
        /** The actions of one area (versions, labels, runs, releases, runtime, bundles, settings). */
        area: z.enum(AUDIT_AREA_NAMES as [AuditArea, ...AuditArea[]]).optional(),
        actor: z.string().max(200).optional(),
        since: z.iso.datetime().optional(),
        until: z.iso.datetime().optional(),
        limit: z.int().min(1).max(10_000).default(200),
        beforeId: z.int().optional(),
      }),
      z.array(AuditEntry),
    ),
    verify: query(z.object({}), AuditVerification),
  },
} as const;
