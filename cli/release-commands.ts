import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { SlipwayError } from '../shared/errors';
import { Guardrails, ReleasePlan, type CommandAction, type ReleaseState } from '../shared/release/protocol';
import type { RuntimeClient } from '../shared/release/client';
import { targetTokenVariable } from '../workspace/release/targets';
import type { Workspace } from '../workspace/workspace';
import { EXIT_CHECK_FAILED } from './io';
import { number } from './options';
import type { CliContext } from './testing-commands';

interface TargetFlags {
  target: string;
}

function describe(state: ReleaseState): string {
  const lines = [
    `${state.agent} (generation ${state.generation})`,
    `  stable  ${state.stable ? `${state.stable.semver}  ${state.stable.hash.slice(0, 12)}` : '—'}`,
  ];
  if (state.canary)
    lines.push(
      `  canary  ${state.canary.semver}  ${state.canary.hash.slice(0, 12)}  ${state.canary.weight}%${state.paused ? '  (paused)' : ''}`,
    );
  if (state.shadow)
    lines.push(`  shadow  ${state.shadow.semver}  ${state.shadow.hash.slice(0, 12)}  ${state.shadow.share}% mirrored`);
  if (state.plan)
    lines.push(`  plan    ${state.plan.step < 0 ? 'shadow phase' : `step ${state.plan.step + 1}`} since ${state.plan.since}`);
  return lines.join('\n');
}

function readStructured(io: CliContext['io'], file: string): unknown {
  try {
    return parseYaml(readFileSync(resolve(io.cwd, file), 'utf8')) as unknown;
  } catch (error) {
    throw new SlipwayError(
      'invalid_input',
      `cannot read ${file}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
}

/** `slipway release …`: drive a runtime from the command line; every command is audited with the runtime's answer. */
export function registerReleaseCommands(program: Command, context: CliContext): void {
  const { io } = context;
  const load = async () => {
    const [client, lookup, audit, files, runs, settings] = await Promise.all([
      import('../shared/release/client'),
      import('../workspace/lookup'),
      import('../workspace/audit/audit-log'),
      import('../workspace/versions/agent-ref'),
      import('../workspace/testing/runs'),
      import('../shared/node/sqlite'),
    ]);
    return { ...client, ...lookup, ...audit, ...files, ...runs, ...settings };
  };

  const targets = async (ws: Workspace) => (await import('../workspace/release/targets')).listTargets(ws);

  /** A URL (token from SLIPWAY_RUNTIME_TOKEN) or a target saved in the workspace (token from SLIPWAY_TOKEN_<NAME>). */
  const connect = async (ws: Workspace, target: string): Promise<{ client: RuntimeClient; name: string }> => {
    const { runtimeClient } = await load();
    if (/^https?:\/\//.test(target)) {
      const token = io.env.SLIPWAY_RUNTIME_TOKEN;
      if (!token)
        throw new SlipwayError(
          'invalid_input',
          'set SLIPWAY_RUNTIME_TOKEN to a token of the runtime (or save the target: `slipway release target add NAME URL`)',
        );
      return { client: runtimeClient(target, token), name: target };
    }
    const known = await targets(ws);
    const saved = known.find((candidate) => candidate.name === target);
    if (!saved)
      throw new SlipwayError(
        'not_found',
        `no target named "${target}" (targets: ${known.map((candidate) => candidate.name).join(', ') || 'none; add one with `slipway release target add NAME URL`'})`,
      );
    const token = io.env[targetTokenVariable(saved.name)];
    if (!token)
      throw new SlipwayError(
        'invalid_input',
        `the token of target ${saved.name} has no value: set ${targetTokenVariable(saved.name)}`,
      );
    return { client: runtimeClient(saved.url, token), name: saved.name };
  };

  /** Runs one command against the runtime, audits it with the runtime's answer (or refusal), prints the state. */
  const act = async (
    command: Command,
    agent: string,
    target: string,
    what: string,
    run: (client: RuntimeClient) => Promise<ReleaseState>,
  ) => {
    const { appendAudit, requireAgent, RuntimeRefusal, writeTransaction } = await load();
    const ws = await context.open(command);
    const agentRow = requireAgent(ws, agent);
    const { client, name } = await connect(ws, target);
    const record = (after: Record<string, unknown>) =>
      writeTransaction(ws.db, () =>
        appendAudit(ws, { action: `release.${what}`, agentId: agentRow.id, subject: `${agent} on ${name}`, after }),
      );
    let state: ReleaseState;
    try {
      state = await run(client);
    } catch (error) {
      if (error instanceof RuntimeRefusal) {
        record({ refused: error.message, status: error.status });
        if (error.status === 409) {
          io.stderr(`slipway: ${error.message}\n`);
          context.exitWith(EXIT_CHECK_FAILED);
          return;
        }
      }
      throw error;
    }
    record({
      generation: state.generation,
      stable: state.stable,
      canary: state.canary,
      shadow: state.shadow,
      paused: state.paused,
    });
    context.print(command, state, describe);
  };

  const versionOf = async (command: Command, refText: string) => {
    const { resolveAgentRef, versionFiles } = await load();
    const target = resolveAgentRef(await context.open(command), refText);
    if (target.versionId === null) throw new SlipwayError('invalid_input', 'the draft cannot be released: snapshot it first');
    const ws = await context.open(command);
    return {
      agent: target.agentName,
      hash: target.versionHash,
      semver: target.label.slice(target.agentName.length + 1),
      files: versionFiles(ws, target.versionId),
    };
  };

  /** Uploads a version (a no-op when the runtime has it) and applies an action that names it. */
  const withUpload = (command: Command, refText: string, target: string, what: string, action: (hash: string) => CommandAction) =>
    versionOf(command, refText).then((version) =>
      act(command, version.agent, target, what, async (client) => {
        await client.upload(version.agent, version.hash, version.semver, version.files);
        return (await client.command(version.agent, action(version.hash))).state;
      }),
    );

  const simple = (name: string, description: string, action: () => CommandAction) =>
    release
      .command(`${name} <agent>`)
      .description(description)
      .requiredOption('-t, --target <name|url>', 'the runtime')
      .action((agent: string, flags: TargetFlags, command: Command) =>
        act(command, agent, flags.target, name, async (client) => (await client.command(agent, action())).state),
      );

  const release = program
    .command('release')
    .description('drive a runtime: status, deploy, canary, step, pause, resume, promote, rollback, shadow, guardrails, plan');

  const target = release.command('target').description('runtimes saved in the workspace (tokens come from SLIPWAY_TOKEN_<NAME>)');
  target
    .command('add <name> <url>')
    .option('--label <label>', 'the label it serves', 'production')
    .action(async (name: string, url: string, flags: { label: string }, command: Command) => {
      if (!/^[a-z][a-z0-9-]*$/.test(name))
        throw new SlipwayError('invalid_input', 'a target name is lower-case letters, digits and dashes');
      if (!/^https?:\/\/.+/.test(url)) throw new SlipwayError('invalid_input', `"${url}" is not an http(s) URL`);
      const { saveTarget } = await import('../workspace/release/targets');
      saveTarget(await context.open(command), { name, url, label: flags.label });
      context.print(
        command,
        { name, url, label: flags.label, token: targetTokenVariable(name) },
        (value) => `target ${value.name}: ${value.url} (serves ${value.label}); its token comes from ${value.token}`,
      );
    });
  target.command('list').action(async (_flags: unknown, command: Command) => {
    const ws = await context.open(command);
    context.print(command, await targets(ws), (value) =>
      value.length === 0
        ? 'No targets yet: `slipway release target add NAME URL`.'
        : value
            .map((item) => `${item.name.padEnd(16)} ${item.url}  (${item.label}; token ${targetTokenVariable(item.name)})`)
            .join('\n'),
    );
  });

  release
    .command('status <agent>')
    .requiredOption('-t, --target <name|url>', 'the runtime')
    .action(async (agent: string, flags: TargetFlags, command: Command) => {
      const ws = await context.open(command);
      const { client } = await connect(ws, flags.target);
      context.print(command, await client.state(agent), describe);
    });
  release
    .command('deploy <ref>')
    .description('upload a version and make it the first stable one')
    .requiredOption('-t, --target <name|url>', 'the runtime')
    .action((ref: string, flags: TargetFlags, command: Command) =>
      withUpload(command, ref, flags.target, 'deploy', (hash) => ({ type: 'deploy', version: hash })),
    );
  release
    .command('canary <ref>')
    .description('upload a version and start it as a canary')
    .requiredOption('-t, --target <name|url>', 'the runtime')
    .option('-w, --weight <percent>', 'the share of traffic', number('--weight', 0.01, 100, false), 5)
    .action((ref: string, flags: TargetFlags & { weight: number }, command: Command) =>
      withUpload(command, ref, flags.target, 'canary', (hash) => ({ type: 'canary', version: hash, weight: flags.weight })),
    );
  release
    .command('step <agent>')
    .description("set the canary's weight")
    .requiredOption('-t, --target <name|url>', 'the runtime')
    .requiredOption('-w, --weight <percent>', 'the share of traffic', number('--weight', 0.01, 100, false))
    .action((agent: string, flags: TargetFlags & { weight: number }, command: Command) =>
      act(
        command,
        agent,
        flags.target,
        'step',
        async (client) => (await client.command(agent, { type: 'set-weight', weight: flags.weight })).state,
      ),
    );
  simple('pause', 'hold the canary where it is (the plan stops advancing; guardrails still judge it)', () => ({ type: 'pause' }));
  simple('resume', 'let the canary go on', () => ({ type: 'resume' }));
  simple('promote', 'make the canary the stable version', () => ({ type: 'promote' }));
  release
    .command('rollback <agent>')
    .description('end the canary, or return to the previous stable version (or --to one)')
    .requiredOption('-t, --target <name|url>', 'the runtime')
    .requiredOption('--reason <text>', 'why')
    .option('--to <ref>', 'a version to return to')
    .action(async (agent: string, flags: TargetFlags & { reason: string; to?: string }, command: Command) => {
      const to = flags.to ? await versionOf(command, flags.to.includes('@') ? flags.to : `${agent}@${flags.to}`) : null;
      await act(command, agent, flags.target, 'rollback', async (client) => {
        if (to) await client.upload(to.agent, to.hash, to.semver, to.files);
        return (await client.command(agent, { type: 'rollback', reason: flags.reason, ...(to ? { to: to.hash } : {}) })).state;
      });
    });
  release
    .command('shadow <ref>')
    .description('mirror a share of traffic to a version (or --off)')
    .requiredOption('-t, --target <name|url>', 'the runtime')
    .option('--share <percent>', 'the share of requests mirrored', number('--share', 0.01, 100, false), 10)
    .option('--off', 'stop mirroring')
    .action(async (ref: string, flags: TargetFlags & { share: number; off?: boolean }, command: Command) => {
      if (flags.off)
        return act(
          command,
          ref.split('@')[0] ?? ref,
          flags.target,
          'shadow',
          async (client) => (await client.command(ref.split('@')[0] ?? ref, { type: 'shadow-off' })).state,
        );
      return withUpload(command, ref, flags.target, 'shadow', (hash) => ({ type: 'shadow', version: hash, share: flags.share }));
    });
  release
    .command('guardrails <agent>')
    .description('print the guardrails, or set them from a YAML/JSON file')
    .requiredOption('-t, --target <name|url>', 'the runtime')
    .option('-f, --file <file>', 'the guardrails to set')
    .action(async (agent: string, flags: TargetFlags & { file?: string }, command: Command) => {
      const ws = await context.open(command);
      if (!flags.file) {
        const { client } = await connect(ws, flags.target);
        context.print(command, (await client.guardrails(agent)).guardrails, (value) =>
          value ? JSON.stringify(value, null, 2) : 'No guardrails set.',
        );
        return;
      }
      const guardrails = Guardrails.safeParse(readStructured(io, flags.file));
      if (!guardrails.success)
        throw new SlipwayError(
          'invalid_input',
          `${flags.file}: ${guardrails.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
        );
      await act(command, agent, flags.target, 'guardrails', async (client) => {
        await client.setGuardrails(agent, guardrails.data);
        return client.state(agent);
      });
    });
  release
    .command('plan <agent>')
    .description("push a release plan from a YAML/JSON file, with the gate suites' passing attestations for --for")
    .requiredOption('-t, --target <name|url>', 'the runtime')
    .requiredOption('-f, --file <file>', 'the plan')
    .option('--for <ref>', 'the version the gate attestations are for')
    .action(async (agent: string, flags: TargetFlags & { file: string; for?: string }, command: Command) => {
      const plan = ReleasePlan.safeParse(readStructured(io, flags.file));
      if (!plan.success)
        throw new SlipwayError(
          'invalid_input',
          `${flags.file}: ${plan.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
        );
      const { planWithEvidence } = await import('../workspace/release/evidence');
      const ws = await context.open(command);
      const version = flags.for ? await versionOf(command, flags.for.includes('@') ? flags.for : `${agent}@${flags.for}`) : null;
      const pushed = planWithEvidence(ws, agent, plan.data, version?.hash ?? null);
      await act(command, agent, flags.target, 'plan', async (client) => {
        await client.setPlan(agent, pushed);
        return client.state(agent);
      });
    });
}
