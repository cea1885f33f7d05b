import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RunAllow, RunCheck } from '../../../shared/contract/bundles';
import type { Client } from '../../../shared/contract/client';

/**
 * The app's side of the trust of bundles: before a run, Try or comparison of something that came
 * from an untrusted bundle, the user is asked — run this once, trust the bundle, or cancel. The
 * services refuse such a run unasked, so this is the one place the app says yes.
 */
export interface TrustQuestion {
  check: RunCheck & { origin: NonNullable<RunCheck['origin']> };
  what: string;
  request: { agent: string; ref: string; suite?: string };
}

export interface TrustState {
  question: TrustQuestion | null;
  /** What may run: the allowance to pass on, or null when the user said no. */
  confirmRun: (request: { agent: string; ref: string; suite?: string }) => Promise<RunAllow | null>;
  answer: (choice: 'once' | 'trust' | 'cancel', reason?: string) => Promise<void>;
}

export type TrustStore = StoreApi<TrustState>;

const NOTHING: RunAllow = { command: false, keys: false, hosts: false };

export function createTrustStore({ client, notify }: { client: Client; notify: (message: string) => void }): TrustStore {
  let pending: ((allow: RunAllow | null) => void) | null = null;
  return createStore<TrustState>()((set, get) => ({
    question: null,
    confirmRun: async (request) => {
      let check: RunCheck;
      try {
        check = await client.bundles.runCheck(request);
      } catch {
        // The run itself will say what is wrong with the ref.
        return NOTHING;
      }
      const { origin } = check;
      if (!origin || check.needs.length === 0) return NOTHING;
      pending?.(null);
      return new Promise<RunAllow | null>((resolve) => {
        pending = resolve;
        const ref = request.ref.includes('@') ? request.ref : `${request.agent}@${request.ref}`;
        set({
          question: { check: { ...check, origin }, what: request.suite ? `${ref} with suite ${request.suite}` : ref, request },
        });
      });
    },
    answer: async (choice, reason) => {
      const question = get().question;
      const resolve = pending;
      pending = null;
      set({ question: null });
      if (!question || !resolve) return;
      if (choice === 'cancel') return resolve(null);
      if (choice === 'trust') {
        try {
          await client.bundles.trustOrigin({
            manifestSha256: question.check.origin.manifestSha256,
            reason: reason?.trim() || 'trusted from the app before a run',
          });
        } catch (error) {
          notify(error instanceof Error ? error.message : String(error));
          return resolve(null);
        }
        // The version and its suite may come from two bundles: what is still untrusted is asked next.
        return resolve(await get().confirmRun(question.request));
      }
      const kinds = new Set(question.check.needs.map((need) => need.kind));
      resolve({ command: kinds.has('command'), keys: kinds.has('key'), hosts: kinds.has('host') });
    },
  }));
}
