import { loadSamples } from './agents/samples';
import { openWorkspace, type Workspace, type WorkspaceOptions } from './workspace';

/** The workspace the app opens at start: on the very first start, it arrives with the sample agents. */
export function openAppWorkspace(dir: string, options: WorkspaceOptions = {}): Workspace {
  const ws = openWorkspace(dir, options);
  if (ws.created) loadSamples(ws);
  return ws;
}
