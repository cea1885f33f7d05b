import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '../shared/contract/client';
import type { AppEvent } from '../shared/contract/contract';
import { openDatabase } from '../shared/node/sqlite';
import { startRuntimeProcess, type RuntimeProcess } from '../test-support/runtime-process';
import { TEAM_VERSIONS } from '../test-support/team-agents';
import { tempDir } from '../test-support/workspace';
import { connect, type Connection } from '../workspace/connect';
import { runCli } from './program';

/**
 * One front door, proved: each state-changing operation runs once through the CLI and once
 * through the contract (as the app calls it), each on a fresh workspace (and a fresh runtime),
 * and both must leave the same rows, labels, audit trail and runtime state behind.
 */

interface Side {
  dir: string;
  workspace: string;
  env: Record<string, string>;
  connection: Connection;
  client: Client;
  runtime: RuntimeProcess | null;
  /** Files both sides read the same way (a folder to snapshot, a bundle to import). */
  shared: string;
}

interface Row {
  name: string;
  runtime?: boolean;
  setup?: (side: Side) => Promise<void>;
  cli: (side: Side) => string[];
  contract: (side: Side) => Promise<unknown>;
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Waits for the background job a call starts to end, by its events. */
async function untilEnded(side: Side, type: 'run.progress' | 'compare.progress', start: () => Promise<unknown>): Promise<void> {
  let finish: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  const stop = side.connection.onEvent((event: AppEvent) => {
    if (event.type === type && event.payload.status !== 'running') finish();
  });
  try {
    await start();
    await ended;
  } finally {
    stop();
  }
}

async function side(shared: string, withRuntime: boolean): Promise<Side> {
  const { dir, cleanup } = tempDir('slipway-parity-');
  cleanups.push(cleanup);
  const runtime = withRuntime ? await startRuntimeProcess() : null;
  if (runtime) cleanups.push(() => runtime.stop());
  const workspace = join(dir, 'ws');
  const env = { HOME: dir, SLIPWAY_WORKSPACE: workspace, ...(runtime ? { SLIPWAY_TOKEN_PROD: runtime.tokens.admin } : {}) };
  const connection = connect({ dir: workspace, env });
  cleanups.push(() => connection.close());
  await connection.client.workspace.init({ sample: true });
  if (runtime) await connection.client.targets.save({ name: 'prod', url: runtime.url });
  return { dir, workspace, env, connection, client: connection.client, runtime, shared };
}

/** What an operation leaves behind, without ids or times: rows, labels, the audit's actions, the runtime's state. */
async function outcome(target: Side, auditFrom: number) {
  await target.connection.close();
  const db = openDatabase(join(target.workspace, 'slipway.db'), { readonly: true });
  try {
    const rows = (text: string, ...params: unknown[]) => db.prepare(text).all(...params);
    const runtime = target.runtime;
    const runtimeState = runtime
      ? await Promise.all(
          ['ticket-triage', 'intake', 'router'].map(async (agent) => {
            const state = (await (
              await fetch(`${runtime.url}/v1/agents/${agent}/release`, {
                headers: { authorization: `Bearer ${runtime.tokens.viewer}` },
              })
            ).json()) as {
              generation: number;
              stable: { semver: string } | null;
              canary: { semver: string; weight: number } | null;
            };
            return { agent, generation: state.generation, stable: state.stable?.semver ?? null, canary: state.canary ?? null };
          }),
        )
      : null;
    return {
      versions: rows(
        `SELECT agents.name AS agent, v.semver, v.hash, p.semver AS parent, v.message, v.bump FROM versions v
           JOIN agents ON agents.id = v.agent_id LEFT JOIN versions p ON p.id = v.parent_id ORDER BY agents.name, v.major, v.minor, v.patch`,
      ),
      labels: rows(
        `SELECT agents.name AS agent, labels.name AS label, versions.semver FROM labels JOIN agents ON agents.id = labels.agent_id
           JOIN versions ON versions.id = labels.version_id ORDER BY agents.name, labels.name`,
      ),
      runs: rows('SELECT version_label, status, total, passed, gate_passed FROM runs ORDER BY id'),
      comparisons: rows('SELECT refs, status FROM comparisons ORDER BY id'),
      audit: rows('SELECT action, subject, reason FROM audit WHERE id > ? ORDER BY id', auditFrom),
      runtimeState,
    };
  } finally {
    db.close();
  }
}

async function cli(target: Side, argv: string[]): Promise<number> {
  let stderr = '';
  const code = await runCli(argv, {
    stdout: () => undefined,
    stderr: (text) => (stderr += text),
    env: target.env,
    cwd: target.dir,
  });
  expect(code, `${argv.join(' ')}: ${stderr}`).toBe(0);
  return code;
}

const deploy = (target: Side) =>
  target.client.release.command({ agent: 'ticket-triage', target: 'prod', action: { type: 'deploy', ref: '1.0.0' } });
const canary = (target: Side) =>
  target.client.release.command({ agent: 'ticket-triage', target: 'prod', action: { type: 'canary', ref: '1.1.0', weight: 10 } });
const promote = (target: Side) =>
  target.client.release.command({ agent: 'ticket-triage', target: 'prod', action: { type: 'promote' } });

const ROWS: Row[] = [
  {
    name: 'snapshot',
    cli: (target) => ['snapshot', 'ticket-triage', '--from', join(target.shared, 'edited'), '-m', 'say please'],
    contract: (target) =>
      target.client.versions.snapshot({
        agent: 'ticket-triage',
        message: 'say please',
        files: JSON.parse(readFileSync(join(target.shared, 'edited.json'), 'utf8')) as Record<string, string>,
      }),
  },
  {
    name: 'label move',
    cli: () => ['label', 'set', 'ticket-triage', 'production', '1.1.1', '--reason', 'held a week on staging'],
    contract: (target) =>
      target.client.labels.set({ agent: 'ticket-triage', label: 'production', ref: '1.1.1', reason: 'held a week on staging' }),
  },
  {
    name: 'run',
    cli: () => ['test', 'ticket-triage@production', '--suite', 'triage-basics'],
    contract: (target) =>
      untilEnded(target, 'run.progress', () =>
        target.client.runs.start({ agent: 'ticket-triage', ref: 'ticket-triage@production', suite: 'triage-basics' }),
      ),
  },
  {
    name: 'compare',
    setup: async (target) => {
      await target.client.datasets.fromSuite({ agent: 'ticket-triage', suite: 'triage-basics' });
    },
    cli: () => ['compare', 'ticket-triage@1.1.0', 'ticket-triage@1.1.1', '--dataset', 'triage-basics', '--seed', '7'],
    contract: (target) =>
      untilEnded(target, 'compare.progress', () =>
        target.client.comparisons.start({
          agent: 'ticket-triage',
          refs: ['ticket-triage@1.1.0', 'ticket-triage@1.1.1'],
          dataset: 'triage-basics',
          seed: 7,
        }),
      ),
  },
  { name: 'deploy', runtime: true, cli: () => ['release', 'deploy', 'ticket-triage@1.0.0', '-t', 'prod'], contract: deploy },
  {
    name: 'canary',
    runtime: true,
    setup: async (target) => void (await deploy(target)),
    cli: () => ['release', 'canary', 'ticket-triage@1.1.0', '-t', 'prod', '--weight', '10'],
    contract: canary,
  },
  {
    name: 'promote',
    runtime: true,
    setup: async (target) => {
      await deploy(target);
      await canary(target);
    },
    cli: () => ['release', 'promote', 'ticket-triage', '-t', 'prod'],
    contract: promote,
  },
  {
    name: 'rollback',
    runtime: true,
    setup: async (target) => {
      await deploy(target);
      await canary(target);
      await promote(target);
    },
    cli: () => ['release', 'rollback', 'ticket-triage', '-t', 'prod', '--reason', 'p95 doubled'],
    contract: (target) =>
      target.client.release.command({
        agent: 'ticket-triage',
        target: 'prod',
        action: { type: 'rollback', reason: 'p95 doubled' },
      }),
  },
  {
    name: 'team promote',
    runtime: true,
    setup: async (target) => {
      for (const [agent, versions] of Object.entries(TEAM_VERSIONS)) {
        await target.client.agents.create({ name: agent });
        for (const version of versions)
          await target.client.versions.snapshot({
            agent,
            message: version.message,
            version: version.semver,
            files: version.files,
          });
      }
      await target.client.teams.create({ name: 'support', members: ['intake', 'router'] });
      await target.client.teams.release({ name: 'support', message: 'both latest' });
    },
    cli: () => ['team', 'promote', 'support', '1', '-t', 'prod'],
    contract: (target) => target.client.teams.promote({ name: 'support', number: 1, target: 'prod' }),
  },
  {
    name: 'bundle import',
    cli: (target) => ['bundle', 'import', join(target.shared, 'refunds.slipway')],
    contract: (target) =>
      target.client.bundles.import({ base64: readFileSync(join(target.shared, 'refunds.slipway')).toString('base64') }),
  },
];

/** Inputs both sides read: an edited copy of ticket-triage, a bundle with a refund-approval version neither has. */
async function sharedFiles(): Promise<string> {
  const { dir, cleanup } = tempDir('slipway-parity-shared-');
  cleanups.push(cleanup);
  const maker = connect({ dir: join(dir, 'maker'), env: { HOME: dir } });
  cleanups.push(() => maker.close());
  await maker.client.workspace.init({ sample: true });
  const { files } = await maker.client.versions.files({ ref: 'ticket-triage@latest' });
  const edited = { ...files, 'prompt.md': `${files['prompt.md'] ?? ''}\nAlways say please.\n` };
  mkdirSync(join(dir, 'edited'));
  for (const [name, content] of Object.entries(edited)) writeFileSync(join(dir, 'edited', name), content);
  writeFileSync(join(dir, 'edited.json'), JSON.stringify(edited));
  const { files: refundFiles } = await maker.client.versions.files({ ref: 'refund-approval@latest' });
  await maker.client.versions.snapshot({
    agent: 'refund-approval',
    message: 'stricter refunds',
    files: { ...refundFiles, 'prompt.md': `${refundFiles['prompt.md'] ?? ''}\nRefuse refunds over $500.\n` },
  });
  const bundle = await maker.client.bundles.export({ refs: ['refund-approval@latest'] });
  writeFileSync(join(dir, 'refunds.slipway'), Buffer.from(bundle.base64, 'base64'));
  return dir;
}

describe('one front door: the CLI and the contract leave the same outcome', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const shared = await sharedFiles();
    const [viaCli, viaContract] = await Promise.all([side(shared, row.runtime ?? false), side(shared, row.runtime ?? false)]);
    const marks: number[] = [];
    for (const target of [viaCli, viaContract]) {
      await row.setup?.(target);
      marks.push((await target.client.audit.list({ limit: 1 }))[0]?.id ?? 0);
    }
    await cli(viaCli, row.cli(viaCli));
    await row.contract(viaContract);
    const [fromCli, fromContract] = [await outcome(viaCli, marks[0] ?? 0), await outcome(viaContract, marks[1] ?? 0)];
    expect(fromCli.audit.length, 'the operation is audited').toBeGreaterThan(0);
    expect(fromCli).toEqual(fromContract);
  });
});
