import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  LocalRuntime,
  PlanRevision,
  ReleaseAction,
  ReleaseMetrics,
  ReleaseView,
  TargetInfo,
} from '../../../shared/contract/release';
import type { Guardrails, ReleasePlan, RuntimeEvent } from '../../../shared/release/protocol';
import { attempter, errorMessage, type StoreDeps } from '../agents/store';
import { SlipwayError } from '../../../shared/errors';

/** How often an open Release tab reads the runtime again. */
export const POLL_MS = 2000;

export interface ReleaseStateSlice {
  agent: string | null;
  targets: TargetInfo[];
  target: string | null;
  view: ReleaseView | null;
  metrics: ReleaseMetrics | null;
  events: RuntimeEvent[];
  /** The agent's saved release plans, newest revision first. */
  plans: PlanRevision[];
  local: LocalRuntime | null;
  busy: boolean;
  /** What the last action made, in a sentence (shown until the next one). */
  notice: string | null;
  load: (agent: string | null) => Promise<void>;
  refresh: () => Promise<void>;
  selectTarget: (target: string) => Promise<void>;
  saveTarget: (target: { name: string; url: string; label: string; token?: string }) => Promise<boolean>;
  removeTarget: (name: string) => Promise<boolean>;
  startLocal: () => Promise<boolean>;
  stopLocal: () => Promise<boolean>;
  setTraffic: (dataset: string, ratePerSecond: number) => Promise<boolean>;
  /** A command refused because it would break a team live on the target: what was asked, and the breaks. */
  teamBreak: { action: ReleaseAction; message: string } | null;
  /** Sends a command; with leaveTeam, one that breaks a live team goes ahead and the agent leaves the team release. */
  act: (action: ReleaseAction, leaveTeam?: boolean) => Promise<boolean>;
  dismissTeamBreak: () => void;
  setGuardrails: (guardrails: Guardrails) => Promise<boolean>;
  setPlan: (plan: ReleasePlan) => Promise<boolean>;
  pullSamples: (name: string) => Promise<boolean>;
}

export type ReleaseStore = StoreApi<ReleaseStateSlice>;

/** The Release tab: targets, the open agent's release on one, its metrics and events, the local runtime. */
export function createReleaseStore({ client, notify }: StoreDeps): ReleaseStore {
  return createStore<ReleaseStateSlice>()((set, get) => {
    const { attempt, succeeds } = attempter(notify);

    const readTarget = async () => {
      const { agent, target } = get();
      if (!agent || !target) return;
      const view = await client.release.view({ agent, target });
      if (get().agent !== agent || get().target !== target) return;
      set({ view });
      if (!view.reachable) return;
      const [metrics, { events }] = await Promise.all([
        client.release.metrics({ agent, target, minutes: 15 }),
        client.release.events({ agent, target }),
      ]);
      if (get().agent === agent && get().target === target) set({ metrics, events });
    };

    const loadTargets = async () => {
      const [targets, local] = await Promise.all([client.targets.list({}), client.local.status({})]);
      const current = get().target;
      set({
        targets,
        local,
        target: current && targets.some((target) => target.name === current) ? current : (targets[0]?.name ?? null),
      });
    };

    const busy = async (work: () => Promise<unknown>) => {
      set({ busy: true });
      try {
        return await succeeds(work);
      } finally {
        set({ busy: false });
      }
    };

    return {
      agent: null,
      targets: [],
      target: null,
      view: null,
      metrics: null,
      events: [],
      plans: [],
      teamBreak: null,
      local: null,
      busy: false,
      notice: null,
      load: async (agent) => {
        set({ agent, view: null, metrics: null, events: [], plans: [], notice: null });
        if (!agent) return;
        await attempt(async () => {
          set({ plans: await client.release.plans({ agent }) });
          await loadTargets();
          await readTarget();
        });
      },
      refresh: async () => {
        await attempt(async () => {
          set({ local: await client.local.status({}) });
          await readTarget();
        });
      },
      selectTarget: async (target) => {
        set({ target, view: null, metrics: null, events: [] });
        await attempt(readTarget);
      },
      saveTarget: (target) =>
        busy(async () => {
          await client.targets.save(target);
          await loadTargets();
          await get().selectTarget(target.name);
        }),
      removeTarget: (name) =>
        busy(async () => {
          await client.targets.remove({ name });
          set({ target: null });
          await loadTargets();
          await readTarget();
        }),
      startLocal: () =>
        busy(async () => {
          set({ local: await client.local.start({}) });
          await loadTargets();
          await get().selectTarget('local');
        }),
      stopLocal: () => busy(async () => set({ local: await client.local.stop({}) })),
      setTraffic: (dataset, ratePerSecond) =>
        busy(async () => {
          const { agent } = get();
          if (agent) set({ local: await client.local.traffic({ agent, dataset, ratePerSecond }) });
        }),
      act: async (action, leaveTeam = false) => {
        const { agent, target } = get();
        if (!agent || !target) return false;
        set({ busy: true, teamBreak: null });
        try {
          set({ view: await client.release.command({ agent, target, action, leaveTeam }) });
          await readTarget();
          return true;
        } catch (error) {
          // A team's break is a question for the user, not a toast: release the team together, or leave it.
          if (error instanceof SlipwayError && error.code === 'check_failed' && / would break team /.test(error.message))
            set({ teamBreak: { action, message: error.message } });
          else notify(errorMessage(error));
          return false;
        } finally {
          set({ busy: false });
        }
      },
      dismissTeamBreak: () => set({ teamBreak: null }),
      setGuardrails: (guardrails) =>
        busy(async () => {
          const { agent, target } = get();
          if (agent && target) set({ view: await client.release.setGuardrails({ agent, target, guardrails }) });
        }),
      setPlan: (plan) =>
        busy(async () => {
          const { agent, target } = get();
          if (agent && target)
            set({ view: await client.release.setPlan({ agent, target, plan }), plans: await client.release.plans({ agent }) });
        }),
      pullSamples: (name) =>
        busy(async () => {
          const { agent, target } = get();
          if (agent && target) {
            const dataset = await client.release.samplesToDataset({ agent, target, name });
            set({
              notice: `${dataset.items} samples saved as dataset ${dataset.name} (revision ${dataset.revision}): compare them in the Compare tab`,
            });
          }
        }),
    };
  });
}
