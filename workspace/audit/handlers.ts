import type { Handlers } from '../../shared/contract/contract';
import { AUDIT_AREAS } from '../../shared/audit-areas';
import { requireAgent } from '../lookup';
import type { Workspace } from '../workspace';
import { listAudit, verifyAudit } from './audit-log';

/** The contract's audit domain over one workspace. */
export function createAuditHandlers(ws: Workspace): Pick<Handlers, 'audit'> {
  return {
    audit: {
      list: ({ agent, area, ...filter }) =>
        listAudit(ws, {
          ...filter,
          agentId: agent ? requireAgent(ws, agent).id : undefined,
          prefixes: area ? AUDIT_AREAS[area] : undefined,
        }),
      verify: () => {
        const check = verifyAudit(ws);
        return check.ok
          ? { ok: true, rows: check.rows, firstBadId: null, problem: null }
          : { ok: false, rows: check.rows, firstBadId: check.firstBadId, problem: check.problem };
      },
    },
  };
}
