import type { Handlers } from '../shared/contract/contract';
import { boundVault } from './keys/key-hosts';
import { loadPrices } from '../shared/node/prices';
import { nodePlatform } from '../shared/node/platform';
import { createAgentHandlers } from './agents/handlers';
import { createAuditHandlers } from './audit/handlers';
import { createBundleHandlers } from './bundles/handlers';
import { createComparisonHandlers } from './comparing/handlers';
import { createKeyHandlers } from './keys/handlers';
import { sessionVault } from './keys/secret-vault';
import { createReleaseHandlers } from './release/handlers';
import { createSettingsHandlers } from './settings/handlers';
import { createTeamHandlers } from './teams/handlers';
import { createTestingHandlers, type TestingDeps } from './testing/handlers';
import { endOrphanedRuns } from './testing/runs';
import { createVersionHandlers } from './versions/handlers';
import type { Workspace } from './workspace';

export interface Services {
  handlers: Handlers;
  /** Cancels the runs still going (their finished results are kept) before the workspace closes. */
  close: () => Promise<void>;
}

/** What the services take from their host; each has a default for a process with no window. */
export type ServiceDeps = Partial<TestingDeps> & { env?: NodeJS.ProcessEnv };

/**
 * The contract's services over one open workspace. Every transport calls exactly these. Keys
 * default to the environment plus the session; events go nowhere unless a host listens.
 */
export function createServices(ws: Workspace, deps: ServiceDeps = {}): Services {
  endOrphanedRuns(ws);
  let prices: ReturnType<typeof loadPrices> | null = null;
  const loadPricesOnce = deps.prices ?? (() => (prices ??= loadPrices()));
  // Every run of this workspace sends keys only to the hosts they are bound to here.
  const vault = boundVault(deps.vault ?? sessionVault(deps.env ?? process.env), ws);
  const emit = deps.emit ?? (() => undefined);
  const testing = createTestingHandlers(ws, { vault, prices: loadPricesOnce, emit });
  const { runManager, ...testingHandlers } = testing;
  const { jobs: comparisonJobs, ...comparisonHandlers } = createComparisonHandlers(ws, {
    platform: () => nodePlatform(vault),
    prices: loadPricesOnce,
    emit,
  });
  const {
    close: closeRelease,
    access,
    ...releaseHandlers
  } = createReleaseHandlers(ws, { vault, ...(deps.env ? { env: deps.env } : {}) });
  return {
    handlers: {
      ...createAgentHandlers(ws),
      ...createVersionHandlers(ws),
      ...createAuditHandlers(ws),
      ...createSettingsHandlers(ws),
      ...createKeyHandlers(ws, vault),
      ...testingHandlers,
      ...comparisonHandlers,
      ...releaseHandlers,
      ...createBundleHandlers(ws, deps.env ?? process.env),
      ...createTeamHandlers(ws, access),
    },
    close: async () => {
      await Promise.all([runManager.close(), comparisonJobs.close(), closeRelease()]);
    },
  };
}
