import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_FILES, isAgentFileName } from '../agent-files';
import { SlipwayError } from '../errors';
import { INPUT_LIMITS } from '../limits';
import { pathsInside } from './inside-folder';
import { readTextFile } from './read-text';

/** Reads an agent's files from a folder. Dot-files and sub-folders are passed over; anything else must be an agent file. */
export function readAgentFolder(dir: string): Record<string, string> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new SlipwayError('invalid_input', `${dir} is not a folder`);
  const files: Record<string, string> = {};
  const strangers: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.isDirectory()) continue;
    if (!isAgentFileName(entry.name)) {
      strangers.push(entry.name);
      continue;
    }
    files[entry.name] = readTextFile(join(dir, entry.name), INPUT_LIMITS.agentFileChars, entry.name);
  }
  if (strangers.length > 0) {
    throw new SlipwayError(
      'invalid_files',
      `${dir} holds files that are not agent files (${strangers.join(', ')}): allowed files are ${AGENT_FILES.join(', ')}`,
    );
  }
  return files;
}

/**
 * Writes files into a folder. Agent files already there with other content are not overwritten
 * unless `force` is set, so a checkout never destroys uncommitted work by surprise; a name that
 * would leave the folder is refused before anything is written.
 */
export function writeAgentFolder(dir: string, files: Record<string, string>, force: boolean): string[] {
  const names = Object.keys(files).sort();
  const targets = pathsInside(dir, names, { nested: false });
  mkdirSync(dir, { recursive: true });
  if (!force) {
    const clobbered = Object.entries(files)
      .filter(([name, content]) => existsSync(join(dir, name)) && readFileSync(join(dir, name), 'utf8') !== content)
      .map(([name]) => name);
    if (clobbered.length > 0) {
      throw new SlipwayError('conflict', `${dir} already has different ${clobbered.join(', ')}: use --force to overwrite`);
    }
  }
  names.forEach((name, index) => writeFileSync(targets[index] ?? join(dir, name), files[name] ?? ''));
  return names;
}
