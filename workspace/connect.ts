import { createClient, type Client } from '../shared/contract/client';
import type { AppEvent } from '../shared/contract/contract';
import type { Dispatch, DispatchOptions, MethodSpec } from '../shared/contract/gate';
import { defaultWorkspaceDir, isWorkspace } from './paths';
import type { ServiceDeps, Services } from './services';
import type { Workspace, WorkspaceOptions } from './workspace';

/** Methods that need no workspace at all: answered without opening (or creating) one. */
const WORKSPACE_FREE: ReadonlySet<string> = new Set(['runs.testFiles', 'runs.cancelFiles']);

/** Where a connection's workspace is: already open, or a folder opened when a method first needs it. */
export type WorkspaceSource = Workspace | { dir?: string; env?: NodeJS.ProcessEnv; options?: WorkspaceOptions };

export interface Connection {
  client: Client;
  dispatch: Dispatch;
  /** The events the services push (run and comparison progress), to this listener until it unsubscribes. */
  onEvent: (listener: (event: AppEvent) => void) => () => void;
  /** Ends the services' background work and closes a workspace this connection opened. */
  close: () => Promise<void>;
}

interface Backend {
  dispatch: Dispatch;
  services: Services;
  workspace: Workspace;
  /** The connection opened this workspace, so it closes it. */
  owned: boolean;
  /** An empty stand-in for a folder that holds no workspace, answering queries only. */
  inMemory: boolean;
}

/** What the contract says a method is (loaded when a workspace method is first called). */
async function specOf(domain: string, method: string): Promise<MethodSpec | null> {
  const [{ contract }, { findMethod }] = await Promise.all([
    import('../shared/contract/contract'),
    import('../shared/contract/gate'),
  ]);
  return findMethod(contract, domain, method);
}

/** Services' dependencies with the keys and prices a connection shares between its workspace and its runs of files. */
type Keyed = ServiceDeps & Required<Pick<ServiceDeps, 'vault' | 'prices'>>;

function isOpen(source: WorkspaceSource): source is Workspace {
  return 'db' in source;
}

/**
 * The contract's client over a workspace, the way the CLI and tests use it (the app and the
 * browser host bind the same services to their transports). A folder is opened only when a
 * method needs it: a query on a folder that holds no workspace is answered from an empty one in
 * memory, and what needs no workspace at all (`runs.testFiles`) opens nothing, so `bundle
 * inspect`, `bundle verify` and `test --from` write nothing. SQLite is loaded on first use.
 */
export function connect(source: WorkspaceSource, options: DispatchOptions & { deps?: ServiceDeps } = {}): Connection {
  const { deps = {}, ...dispatchOptions } = options;
  const env = isOpen(source) ? (deps.env ?? process.env) : (source.env ?? deps.env ?? process.env);
  const listeners = new Set<(event: AppEvent) => void>();
  const emit = (event: AppEvent) => {
    deps.emit?.(event);
    for (const listener of listeners) listener(event);
  };
  let current: Promise<Backend> | null = null;
  let free: Promise<Dispatch> | null = null;
  let shared: Promise<Keyed> | null = null;
  /** Keys and prices, one of each for the connection: a key set through the workspace is seen by a run of files. */
  const serviceDeps = (): Promise<Keyed> =>
    (shared ??= Promise.all([import('./keys/secret-vault'), import('../shared/node/prices')]).then(
      ([{ sessionVault }, { loadPrices }]) => {
        let prices: ReturnType<typeof loadPrices> | null = null;
        return {
          ...deps,
          env,
          emit,
          vault: deps.vault ?? sessionVault(env),
          prices: deps.prices ?? (() => (prices ??= loadPrices())),
        };
      },
    ));

  const over = async (ws: Workspace, owned: boolean, inMemory: boolean): Promise<Backend> => {
    const [{ createServices }, { createDispatch }, withKeys] = await Promise.all([
      import('./services'),
      import('../shared/contract/dispatch'),
      serviceDeps(),
    ]);
    const services = createServices(ws, withKeys);
    return { dispatch: createDispatch(services.handlers, dispatchOptions), services, workspace: ws, owned, inMemory };
  };
  const release = async (done: Backend) => {
    await done.services.close();
    if (done.owned) done.workspace.close();
  };
  const open = (dir: string, inMemory: boolean, options: WorkspaceOptions = {}) =>
    import('./workspace').then(({ openWorkspace }) => over(openWorkspace(dir, { ...options, inMemory }), true, inMemory));
  const backendFor = async (readsOnly: boolean): Promise<Backend> => {
    if (isOpen(source)) return (current ??= over(source, false, false));
    if (current) {
      const opened = await current;
      // A query is answered wherever the connection is; a command needs the workspace itself.
      if (readsOnly || !opened.inMemory) return opened;
      current = null;
      await release(opened);
    }
    const dir = source.dir ?? defaultWorkspaceDir(env);
    current = open(dir, readsOnly && !isWorkspace(dir), source.options);
    return current;
  };
  const freeDispatch = async (): Promise<Dispatch> => {
    const [{ createFilesTestHandlers }, { nodePlatform }, { createGate }, { testingContract }, { vault, prices }] =
      await Promise.all([
        import('./testing/test-files'),
        import('../shared/node/platform'),
        import('../shared/contract/gate'),
        import('../shared/contract/testing'),
        serviceDeps(),
      ]);
    // Only the testing domain's schemas are loaded: a run of files needs no other.
    return createGate(
      testingContract,
      { runs: createFilesTestHandlers({ platform: () => nodePlatform(vault), prices, emit }) },
      dispatchOptions,
    );
  };

  const dispatch: Dispatch = async (domain, method, input) => {
    if (WORKSPACE_FREE.has(`${domain}.${method}`)) return (await (free ??= freeDispatch()))(domain, method, input);
    const spec = await specOf(domain, method);
    if (!spec) return (await import('../shared/contract/gate')).unknownMethod(domain, method);
    return (await backendFor(spec.reads === true)).dispatch(domain, method, input);
  };

  return {
    client: createClient(dispatch),
    dispatch,
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      const done = await current;
      current = null;
      if (done) await release(done);
    },
  };
}
