import type { Handlers } from '../../shared/contract/contract';
import { validateAgentFiles } from '../../shared/validate-files';
import { snapshotRules } from '../../shared/node/json-schema-rules';
import type { Workspace } from '../workspace';
import { createAgent, describeAgent, listAgents, renameAgent, setArchived } from './agents';
import { getDraft, recoverDraft, removeDraftFile, replaceDraft, resetDraft, writeDraftFile } from './drafts';
import { loadSamples } from './samples';

/** The contract's workspace, agents and drafts domains over one workspace. */
export function createAgentHandlers(ws: Workspace): Pick<Handlers, 'workspace' | 'agents' | 'drafts'> {
  return {
    workspace: {
      init: ({ sample }) => ({ workspace: ws.dir, created: ws.created, samples: sample ? loadSamples(ws) : [] }),
    },
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
      recover: ({ agent, audit }) => recoverDraft(ws, agent, audit),
      validate: ({ agent }) => validateAgentFiles(getDraft(ws, agent).files, snapshotRules(agent)),
    },
  };
}
