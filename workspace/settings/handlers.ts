import type { Handlers } from '../../shared/contract/contract';
import { writeTransaction } from '../../shared/node/sqlite';
import { appendAudit } from '../audit/audit-log';
import type { Workspace } from '../workspace';
import { aboutSlipway } from './about';

/** The contract's settings domain over one workspace. */
export function createSettingsHandlers(ws: Workspace): Pick<Handlers, 'settings'> {
  return {
    settings: {
      get: () => ({ author: ws.identity().author, authorSource: ws.identity().source }),
      about: () => aboutSlipway(ws),
      setAuthor: ({ author }) =>
        writeTransaction(ws.db, () => {
          const before = ws.identity().author;
          ws.setAuthor(author);
          appendAudit(ws, {
            action: 'settings.author',
            agentId: null,
            subject: 'author',
            before: { author: before },
            after: { author },
          });
          return { author, authorSource: 'settings' as const };
        }),
    },
  };
}
