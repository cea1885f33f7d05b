import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BundlePreview, ImportedEvidence, SigningKeys } from '../../../shared/bundle';
import { MAX_APP_BUNDLE_BYTES } from '../../../shared/bundle';
import { base64ToBytes, download, fileToBase64 } from '../../app/download';
import { attempter, errorMessage, type StoreDeps } from '../agents/store';

/** A file on its way in: read, checked on the Node side, and shown before anything is written. */
export interface Incoming {
  fileName: string;
  /** Set while the file is read and checked. */
  checking: boolean;
  base64: string | null;
  preview: BundlePreview | null;
  /** Why it cannot be imported: the refusal, word for word. */
  problem: string | null;
  importing: boolean;
}

export interface BundlesState {
  incoming: Incoming | null;
  keys: SigningKeys | null;
  evidence: ImportedEvidence[];
  evidenceAgent: string | null;
  /** Reads a dropped or picked file and previews it; nothing is written. */
  receive: (file: File) => Promise<void>;
  dismiss: () => void;
  /** Imports what was previewed; the result, or null (the problem is shown). */
  importIncoming: () => Promise<BundlePreview | null>;
  /** Trusts the incoming bundle's signer under a name, and checks the bundle again. */
  trustSigner: (name: string) => Promise<void>;
  /** Saves a .slipway file of the refs; the versions it holds, or null. */
  exportRefs: (refs: string[], options: { evidence: boolean; sign: boolean }) => Promise<string[] | null>;
  loadKeys: () => Promise<void>;
  generateKey: () => Promise<boolean>;
  trust: (name: string, publicKey: string) => Promise<boolean>;
  untrust: (fingerprint: string) => Promise<boolean>;
  loadEvidence: (agent: string | null) => Promise<void>;
  saveEvidence: (id: number) => Promise<void>;
}

export type BundlesStore = StoreApi<BundlesState>;

/** Bundles in the app: export from History, import by menu or drop with a preview, signing keys, imported evidence. */
export function createBundlesStore({ client, notify }: StoreDeps): BundlesStore {
  const { attempt, succeeds } = attempter(notify);
  return createStore<BundlesState>()((set, get) => {
    const refuse = (fileName: string, problem: string) =>
      set({ incoming: { fileName, checking: false, base64: null, preview: null, problem, importing: false } });
    const check = async (fileName: string, base64: string) => {
      try {
        const preview = await client.bundles.preview({ base64 });
        set({ incoming: { fileName, checking: false, base64, preview, problem: null, importing: false } });
      } catch (error) {
        refuse(fileName, errorMessage(error));
      }
    };
    const setKeys = (keys: SigningKeys) => set({ keys });
    return {
      incoming: null,
      keys: null,
      evidence: [],
      evidenceAgent: null,
      receive: async (file) => {
        set({ incoming: { fileName: file.name, checking: true, base64: null, preview: null, problem: null, importing: false } });
        if (file.size > MAX_APP_BUNDLE_BYTES) {
          refuse(
            file.name,
            `The file is over ${MAX_APP_BUNDLE_BYTES / 1024 / 1024} MiB: import it with \`slipway bundle import ${file.name}\`.`,
          );
          return;
        }
        let base64: string;
        try {
          base64 = await fileToBase64(file);
        } catch {
          refuse(
            file.name,
            `${file.name} cannot be read as a file. A bundle folder is imported with \`slipway bundle import ${file.name}\`.`,
          );
          return;
        }
        await check(file.name, base64);
      },
      dismiss: () => set({ incoming: null }),
      importIncoming: async () => {
        const incoming = get().incoming;
        if (!incoming?.base64 || !incoming.preview) return null;
        set({ incoming: { ...incoming, importing: true } });
        try {
          const done = await client.bundles.import({ base64: incoming.base64, manifestSha256: incoming.preview.manifestSha256 });
          set({ incoming: null });
          return done;
        } catch (error) {
          set({ incoming: { ...incoming, importing: false, problem: errorMessage(error) } });
          return null;
        }
      },
      trustSigner: async (name) => {
        const incoming = get().incoming;
        const signature = incoming?.preview?.signature;
        if (!incoming?.base64 || !signature?.signed) return;
        const keys = await attempt(() => client.bundles.trust({ name, publicKey: signature.publicKey }));
        if (!keys) return;
        setKeys(keys);
        await check(incoming.fileName, incoming.base64);
      },
      exportRefs: async (refs, options) => {
        const made = await attempt(() => client.bundles.export({ refs, ...options }));
        if (!made) return null;
        download(made.fileName, base64ToBytes(made.base64), 'application/zip');
        return made.versions;
      },
      loadKeys: async () => {
        const keys = await attempt(() => client.bundles.keys({}));
        if (keys) setKeys(keys);
      },
      generateKey: () => succeeds(async () => setKeys(await client.bundles.generateKey({}))),
      trust: (name, publicKey) => succeeds(async () => setKeys(await client.bundles.trust({ name, publicKey }))),
      untrust: (fingerprint) => succeeds(async () => setKeys(await client.bundles.untrust({ fingerprint }))),
      loadEvidence: async (agent) => {
        set({ evidenceAgent: agent, ...(agent === get().evidenceAgent ? {} : { evidence: [] }) });
        if (!agent) return;
        const evidence = await attempt(() => client.bundles.evidence({ agent }));
        if (evidence && get().evidenceAgent === agent) set({ evidence });
      },
      saveEvidence: async (id) => {
        const file = await attempt(() => client.bundles.evidenceFile({ id }));
        if (file) download(file.fileName, file.content, file.fileName.endsWith('.html') ? 'text/html' : 'application/json');
      },
    };
  });
}
