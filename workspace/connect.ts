import { createClient, type Client } from '../shared/contract/client';
import type { AppEvent } from '../shared/contract/contract';
import type { Dispatch, DispatchOptions } from '../shared/contract/gate';
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
async function kindOf(domain: string, method: string): Promise<'query' | 'command' | 'unknown'> {
  const { contract } = await import('../shared/contract/contract');
  const methods: Readonly<Record<string, { reads: boolean }>> = Object.hasOwn(contract, domain)
    ? contract[domain as keyof typeof contract]
    : {};
  if (!Object.hasOwn(methods, method)) return 'unknown';
  return methods[method]?.reads ? 'query' : 'command';
}

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
  const serviceDeps: ServiceDeps = { ...deps, env, emit };
  let current: Promise<Backend> | null = null;
  let free: Promise<Dispatch> | null = null;

  const over = async (ws: Workspace, owned: boolean, inMemory: boolean): Promise<Backend> => {
    const [{ createServices }, { createDispatch }] = await Promise.all([
      import('./services'),
      import('../shared/contract/dispatch'),
    ]);
    const services = createServices(ws, serviceDeps);
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
    const [{ createFilesTestHandlers }, { nodePlatform }, { loadPrices }, { sessionVault }, { createGate }, { testingContract }] =
      await Promise.all([
        import('./testing/test-files'),
        import('../shared/node/platform'),
        import('../shared/node/prices'),
        import('./keys/secret-vault'),
        import('../shared/contract/gate'),
        import('../shared/contract/testing'),
      ]);
    const vault = deps.vault ?? sessionVault(env);
    const prices = deps.prices ?? loadPrices;
    // Only the testing domain's schemas are loaded: a run of files needs no other.
    return createGate(
      testingContract,
      { runs: createFilesTestHandlers({ platform: () => nodePlatform(vault), prices, emit }) },
      dispatchOptions,
    );
  };

  const dispatch: Dispatch = async (domain, method, input) => {
    if (WORKSPACE_FREE.has(`${domain}.${method}`)) return (await (free ??= freeDispatch()))(domain, method, input);
    const kind = await kindOf(domain, method);
    if (kind === 'unknown')
      return { ok: false, error: { code: 'unknown_method', message: `unknown method ${domain}.${method}` } };
    return (await backendFor(kind === 'query')).dispatch(domain, method, input);
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
