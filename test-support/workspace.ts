import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '../shared/contract/client';
import type { Dispatch } from '../shared/contract/dispatch';
import { connect } from '../workspace/connect';
import { openWorkspace, type Workspace, type WorkspaceOptions } from '../workspace/workspace';

export const TEST_AUTHOR = 'Test Author <test@example.com>';

export function tempDir(prefix = 'slipway-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestWorkspace {
  dir: string;
  ws: Workspace;
  client: Client;
  dispatch: Dispatch;
  /** Closes the database and removes the folder. */
  cleanup: () => void;
}

/** A fresh workspace in its own temporary folder, with a fixed author. */
export function tempWorkspace(options: WorkspaceOptions = {}): TestWorkspace {
  const { dir, cleanup } = tempDir();
  const ws = openWorkspace(dir, { identity: () => ({ author: TEST_AUTHOR, source: 'git' }), ...options });
  const { client, dispatch } = connect(ws);
  return {
    dir,
    ws,
    client,
    dispatch,
    cleanup: () => {
      if (ws.db.open) ws.close();
      cleanup();
    },
  };
}

/** A valid, realistic set of agent files; pass overrides to change or remove (undefined) one. */
export function agentFiles(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const base: Record<string, string> = {
    'prompt.md': 'You sort support tickets into queues.\nAnswer with JSON.\n',
    'user.md': 'Ticket {{id}}: {{body}}\n',
    'config.yaml': 'provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\ntemperature: 0.2\nmax_tokens: 256\n',
    'tools.json': JSON.stringify(
      [
        {
          name: 'lookup_customer',
          description: 'Finds a customer by email.',
          parameters: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] },
        },
      ],
      null,
      2,
    ),
    'examples.yaml':
      '- role: user\n  content: Ticket 1 - my invoice is wrong\n- role: assistant\n  content: \'{"queue": "billing"}\'\n',
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
}
