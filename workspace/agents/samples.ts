import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SlipwayError } from '../../shared/errors';
import { AgentName, LabelName, Semver } from '../../shared/names';
import { readAgentFolder } from '../../shared/node/agent-folder';
import { resourcesDir } from '../paths';
import { createAgent } from './agents';
import { findAgent } from '../lookup';
import { setLabel } from '../versions/labels';
import { saveSuite } from '../testing/suites';
import { snapshot } from '../versions/versions';
import type { Workspace } from '../workspace';

const SampleManifest = z.object({
  agents: z.array(
    z.object({
      name: AgentName,
      description: z.string(),
      versions: z.array(z.object({ dir: z.string(), semver: Semver, author: z.string(), message: z.string() })),
      labels: z.array(z.object({ label: LabelName, version: Semver, author: z.string(), reason: z.string() })),
      suites: z.array(z.object({ file: z.string(), author: z.string(), message: z.string() })).default([]),
    }),
  ),
});

export function samplesDir(): string {
  return join(resourcesDir(), 'samples');
}

/**
 * Loads the sample agents through the same store functions the app uses, so the sample history
 * (snapshots, label moves, audit trail) is exactly what real work produces.
 */
export function loadSamples(ws: Workspace, dir: string = samplesDir()): string[] {
  const manifest = SampleManifest.parse(JSON.parse(readFileSync(join(dir, 'samples.json'), 'utf8')));
  const taken = manifest.agents.filter((agent) => findAgent(ws, agent.name)).map((agent) => agent.name);
  if (taken.length > 0)
    throw new SlipwayError(
      'conflict',
      `the workspace already has agents named ${taken.join(', ')}: samples load only beside them, never over them`,
    );
  const run = ws.db.transaction(() => {
    for (const agent of manifest.agents) {
      const firstAuthor = agent.versions[0]?.author ?? ws.identity().author;
      createAgent(ws, agent.name, agent.description, firstAuthor);
      for (const version of agent.versions) {
        snapshot(ws, {
          agent: agent.name,
          message: version.message,
          version: version.semver,
          files: readAgentFolder(join(dir, version.dir)),
          author: version.author,
        });
      }
      for (const move of agent.labels) {
        setLabel(ws, { agent: agent.name, label: move.label, ref: move.version, reason: move.reason, actor: move.author });
      }
      for (const suite of agent.suites) {
        saveSuite(ws, agent.name, readFileSync(join(dir, suite.file), 'utf8'), suite.message, suite.author);
      }
    }
  });
  run.immediate();
  return manifest.agents.map((agent) => agent.name);
}
