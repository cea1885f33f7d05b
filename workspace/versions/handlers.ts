import type { Handlers } from '../../shared/contract/contract';
import type { Workspace } from '../workspace';
import { labelHistory, listLabels, setLabel } from './labels';
import { parseRef } from '../../shared/ref';
import { diffVersions, filesAt, getVersion, listVersions, snapshot, suggestForFiles } from './versions';

/** The contract's versions and labels domains over one workspace. */
export function createVersionHandlers(ws: Workspace): Pick<Handlers, 'versions' | 'labels'> {
  return {
    versions: {
      snapshot: (input) => snapshot(ws, input),
      list: ({ agent, limit }) => listVersions(ws, agent, limit),
      get: ({ ref }) => getVersion(ws, ref),
      diff: ({ from, to }) => diffVersions(ws, from, to),
      files: ({ ref }) => {
        const { files, label } = filesAt(ws, parseRef(ref));
        return { ref: label, files };
      },
      suggestBump: ({ agent, files }) => suggestForFiles(ws, agent, files),
    },
    labels: {
      list: ({ agent }) => listLabels(ws, agent),
      set: (input) => setLabel(ws, input),
      history: ({ agent, label }) => labelHistory(ws, agent, label),
    },
  };
}
