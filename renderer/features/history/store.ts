import { createStore, type StoreApi } from 'zustand/vanilla';
import type { LabelMove, LabelState, VersionDiff, VersionSummary } from '../../../shared/contract/versions';
import type { Deployment } from '../../../shared/contract/release';
import type { TeamReleaseOfVersion } from '../../../shared/contract/teams';
import { compareSemver } from '../../../shared/semver';
import { errorMessage, type StoreDeps } from '../agents/store';

const DEPLOYMENTS_AFTER_MS = 300;
const FIRST_SCREEN_VERSIONS = 100;
// Long enough for the first screen to paint before 2.6 MB of older versions are parsed.
const REST_AFTER_MS = 400;

/** A selectable row of the timeline: a version's semver, or the draft. */
export type HistoryRef = string;
export const DRAFT: HistoryRef = 'draft';

export interface OpenDiff {
  summary: VersionDiff;
  before: Record<string, string>;
  after: Record<string, string>;
  file: string;
}

export interface HistoryState {
  agent: string | null;
  versions: VersionSummary[];
  labels: LabelState[];
  moves: LabelMove[];
  /** Releases of the agent's versions to runtimes, newest first. */
  deployments: Deployment[];
  /** The team releases that pinned a version of this agent. */
  teamReleases: TeamReleaseOfVersion[];
  selection: HistoryRef[];
  diff: OpenDiff | null;
  loading: boolean;
  load: (agent: string | null) => Promise<void>;
  refresh: () => Promise<void>;
  /** Reads again where each version went (a release from the Release tab or the CLI moves no label). */
  refreshDeployments: () => Promise<void>;
  toggle: (ref: HistoryRef) => void;
  compare: (refs?: [HistoryRef, HistoryRef]) => Promise<void>;
  showDiffFile: (file: string) => void;
  closeDiff: () => void;
  /** Checks a version out into the draft; answers the audit row that keeps a replaced draft's changes, or null. */
  restore: (semver: string) => Promise<{ replaced: number | null } | null>;
  /** Puts back the draft of an agent that a restore replaced. */
  recover: (agent: string, audit: number) => Promise<boolean>;
  moveLabel: (label: string, semver: string, reason: string) => Promise<boolean>;
}

export type HistoryStore = StoreApi<HistoryState>;

/** Older first, the draft last: a diff reads from the past to the present. */
function chronological(a: HistoryRef, b: HistoryRef): [HistoryRef, HistoryRef] {
  if (a === DRAFT) return [b, a];
  if (b === DRAFT) return [a, b];
  return compareSemver(a, b) <= 0 ? [a, b] : [b, a];
}

/** The History tab: the timeline, a selection (two to diff, any to export), restores and label moves. */
export function createHistoryStore({ client, notify }: StoreDeps): HistoryStore {
  return createStore<HistoryState>()((set, get) => {
    const fetchAll = async (agent: string, firstScreen: boolean) => {
      // On opening, the newest versions come first and show at once; the rest follow in one more
      // answer (10,000 versions are 2.6 MB, which the first screen must not wait for).
      const [versions, labels, moves] = await Promise.all([
        client.versions.list(firstScreen ? { agent, limit: FIRST_SCREEN_VERSIONS } : { agent }),
        client.labels.list({ agent }),
        client.labels.history({ agent }),
      ]);
      if (get().agent !== agent) return;
      set({ versions, labels, moves, loading: false });
      if (firstScreen && versions.length === FIRST_SCREEN_VERSIONS)
        setTimeout(
          () =>
            void client.versions
              .list({ agent })
              .then((all) => get().agent === agent && set({ versions: all }))
              .catch((error: unknown) => notify(errorMessage(error))),
          REST_AFTER_MS,
        );
      // Where each version went is read a moment after the first screen, which must not wait for
      // it or repaint for it (bench/ui times that screen); nothing waits for it either.
      setTimeout(() => void fetchDeployments(agent), DEPLOYMENTS_AFTER_MS);
    };
    const fetchDeployments = (agent: string) =>
      Promise.all([client.release.deployments({ agent }), client.teams.ofAgent({ agent })])
        .then(([deployments, teamReleases]) => {
          if (get().agent !== agent) return;
          // An unchanged answer keeps the same arrays, so the rows do not repaint at every autosave.
          if (JSON.stringify(deployments) !== JSON.stringify(get().deployments)) set({ deployments });
          if (JSON.stringify(teamReleases) !== JSON.stringify(get().teamReleases)) set({ teamReleases });
        })
        // Without its release notes History is still whole; the Release tab reports the runtime's problems.
        .catch(() => undefined);

    const empty = { versions: [], labels: [], moves: [], deployments: [], teamReleases: [], selection: [], diff: null };
    return {
      agent: null,
      ...empty,
      loading: false,
      load: async (agent) => {
        set({ agent, ...empty, loading: agent !== null });
        if (!agent) return;
        try {
          await fetchAll(agent, true);
        } catch (error) {
          set({ loading: false });
          notify(errorMessage(error));
        }
      },
      refresh: async () => {
        const { agent } = get();
        if (!agent) return;
        try {
          await fetchAll(agent, false);
        } catch (error) {
          notify(errorMessage(error));
        }
      },
      refreshDeployments: async () => {
        const { agent } = get();
        if (agent) await fetchDeployments(agent);
      },
      toggle: (ref) => {
        const selection = get().selection;
        if (selection.includes(ref)) set({ selection: selection.filter((item) => item !== ref) });
        else set({ selection: [...selection, ref] });
      },
      compare: async (refs) => {
        const { agent } = get();
        const pair = refs ?? (get().selection.length === 2 ? (get().selection as [HistoryRef, HistoryRef]) : null);
        if (!agent || !pair) return;
        const [from, to] = chronological(pair[0], pair[1]);
        try {
          const summary = await client.versions.diff({ from: `${agent}@${from}`, to: `${agent}@${to}` });
          const changed = summary.files.find((file) => file.status !== 'unchanged');
          set({
            diff: {
              summary,
              before: summary.before,
              after: summary.after,
              file: changed?.name ?? summary.files[0]?.name ?? 'prompt.md',
            },
            selection: [from, to],
          });
        } catch (error) {
          notify(errorMessage(error));
        }
      },
      showDiffFile: (file) => {
        const diff = get().diff;
        if (diff) set({ diff: { ...diff, file } });
      },
      closeDiff: () => set({ diff: null }),
      restore: async (semver) => {
        const { agent } = get();
        if (!agent) return null;
        try {
          const { replaced } = await client.drafts.reset({ agent, ref: semver });
          return { replaced };
        } catch (error) {
          notify(errorMessage(error));
          return null;
        }
      },
      recover: async (agent, audit) => {
        try {
          await client.drafts.recover({ agent, audit });
          return true;
        } catch (error) {
          notify(errorMessage(error));
          return false;
        }
      },
      moveLabel: async (label, semver, reason) => {
        const { agent } = get();
        if (!agent) return false;
        try {
          await client.labels.set({ agent, label, ref: semver, reason });
          await fetchAll(agent, false);
          return true;
        } catch (error) {
          notify(errorMessage(error));
          return false;
        }
      },
    };
  });
}
