import type { Handlers } from '../../shared/contract/contract';
import { createClient, type Client } from '../../shared/contract/client';
import { createDispatch, type Dispatch, type DispatchOptions } from '../../shared/contract/dispatch';
import { writeTransaction } from '../../shared/node/sqlite';
import { appendAudit, listAudit, verifyAudit } from './store/audit-log';
import { createAgent, describeAgent, listAgents, renameAgent, setArchived } from './store/agents';
import { getDraft, removeDraftFile, replaceDraft, resetDraft, writeDraftFile } from './store/drafts';
import { labelHistory, listLabels, setLabel } from './store/labels';
import { endOrphanedRuns } from './store/runs';
import { requireAgent } from './store/lookup';
import { diffVersions, getVersion, listVersions, snapshot, suggestForFiles } from './store/versions';
import { validateAgentFiles } from '../../shared/validate-files';
import type { Workspace } from './workspace';
import { loadPrices } from './test-files';
import { sessionVault } from './secret-vault';
import { createTestingHandlers, type TestingDeps } from './testing-services';
import { createComparisonHandlers } from './comparison-services';
import { createReleaseHandlers } from './release-services';
import { createBundleHandlers } from './bundle-services';
import { createTeamHandlers } from './team-services';
import { aboutSlipway } from './about';
import { nodePlatform } from '../../shared/node/platform';

export interface Services {
  handlers: Handlers;
  /** Cancels the runs still going (their finished results are kept) before the workspace closes. */
  close: () => Promise<void>;
}

/**
 * The contract's services over one open workspace. Every transport calls exactly these. Keys
 * default to the environment plus the session; events go nowhere unless a host listens.
 */
export function createServices(ws: Workspace, deps: Partial<TestingDeps> & { env?: NodeJS.ProcessEnv } = {}): Services {
  endOrphanedRuns(ws);
  let prices: ReturnType<typeof loadPrices> | null = null;
  const loadPricesOnce = deps.prices ?? (() => (prices ??= loadPrices()));
  const vault = deps.vault ?? sessionVault(process.env);
  const testing = createTestingHandlers(ws, { vault, prices: loadPricesOnce, emit: deps.emit ?? (() => undefined) });
  const { runManager, ...testingHandlers } = testing;
  const { jobs: comparisonJobs, ...comparisonHandlers } = createComparisonHandlers(ws, {
    platform: () => nodePlatform(vault),
    prices: loadPricesOnce,
    emit: deps.emit ?? (() => undefined),
  });
  const {
    close: closeRelease,
    access,
    ...releaseHandlers
  } = createReleaseHandlers(ws, { vault, ...(deps.env ? { env: deps.env } : {}) });
  return {
    handlers: {
      ...coreHandlers(ws),
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

/** The handlers of a workspace with default keys and no event listener. */
export function createHandlers(ws: Workspace): Handlers {
  return createServices(ws).handlers;
}

function coreHandlers(
  ws: Workspace,
): Omit<
  Handlers,
  'suites' | 'runs' | 'try' | 'keys' | 'datasets' | 'comparisons' | 'targets' | 'release' | 'local' | 'bundles' | 'teams'
> {
  return {
    agents: {
      list: ({ includeArchived }) => listAgents(ws, includeArchived),
      create: ({ name, description }) => createAgent(ws, name, description),
      rename: ({ name, newName, reason }) => renameAgent(ws, name, newName, reason),
      describe: ({ name, description }) => describeAgent(ws, name, description),
      archive: ({ name, reason }) => setArchived(ws, name, true, reason),
      restore: ({ name, reason }) => setArchived(ws, name, false, reason),
    },
    drafts: {
      get: ({ agent }) => getDraft(ws, agent),
      writeFile: ({ agent, file, content }) => writeDraftFile(ws, agent, file, content),
      removeFile: ({ agent, file }) => removeDraftFile(ws, agent, file),
      replace: ({ agent, files }) => replaceDraft(ws, agent, files),
      reset: ({ agent, ref }) => resetDraft(ws, agent, ref),
      validate: ({ agent }) => validateAgentFiles(getDraft(ws, agent).files),
    },
    versions: {
      snapshot: (input) => snapshot(ws, input),
      list: ({ agent }) => listVersions(ws, agent),
      get: ({ ref }) => getVersion(ws, ref),
      diff: ({ from, to }) => diffVersions(ws, from, to),
      suggestBump: ({ agent, files }) => suggestForFiles(ws, agent, files),
    },
    labels: {
      list: ({ agent }) => listLabels(ws, agent),
      set: (input) => setLabel(ws, input),
      history: ({ agent, label }) => labelHistory(ws, agent, label),
    },
    audit: {
      list: ({ agent, ...filter }) => listAudit(ws, { ...filter, agentId: agent ? requireAgent(ws, agent).id : undefined }),
      verify: () => {
        const check = verifyAudit(ws);
        return check.ok
          ? { ok: true, rows: check.rows, firstBadId: null, problem: null }
          : { ok: false, rows: check.rows, firstBadId: check.firstBadId, problem: check.problem };
      },
    },
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

/** The validated gate and a typed client over a workspace, as the CLI and tests use them. */
export function connect(
  ws: Workspace,
  options: DispatchOptions & { deps?: Parameters<typeof createServices>[1] } = {},
): { dispatch: Dispatch; client: Client } {
  const { deps, ...dispatchOptions } = options;
  const dispatch = createDispatch(deps ? createServices(ws, deps).handlers : createHandlers(ws), dispatchOptions);
  return { dispatch, client: createClient(dispatch) };
}
