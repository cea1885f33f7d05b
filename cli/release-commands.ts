import type { Command } from 'commander';
import { gateWarning } from '../shared/release/gate-warning';
import { parseYamlWithin } from '../shared/bounded-parse';
import { INPUT_LIMITS } from '../shared/limits';
import type { z } from 'zod';
import type { ReleaseAction, ReleaseView } from '../shared/contract/release';
import { SlipwayError } from '../shared/errors';
import { parseRef } from '../shared/ref';
import { Guardrails, ReleasePlan, type ReleaseState } from '../shared/release/protocol';
import type { CliContext } from './context';
import { number, readText } from './options';
import { refuseUnreachable } from './unreachable';
import { describeIssues } from '../shared/issues';

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

/** A YAML or JSON file (guardrails, a plan), read against its schema. */
function readStructured<T>(cwd: string, file: string, schema: z.ZodType<T>): T {
  const value = parseYamlWithin(readText(cwd, file, INPUT_LIMITS.agentFileChars), INPUT_LIMITS.agentFileChars, file);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new SlipwayError('invalid_input', `${file}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * `slipway release …`: a runtime driven through the contract's release domain, exactly as the
 * Release tab drives it — versions uploaded first, every command audited with the runtime's
 * answer, the target's label following its stable, the runtime's own events pulled into the audit.
 */
export function registerReleaseCommands(program: Command, context: CliContext): void {
  const { io, api } = context;

  /** Prints the state a view shows; when the runtime cannot be reached, the last known one and exit 3. */
  const show = (command: Command, view: ReleaseView) => {
    if (!view.reachable) refuseUnreachable(io, view, view.state ? describe(view.state) : null);
    if (view.state) context.print(command, view.state, describe);
  };
  const act = async (command: Command, agent: string, target: string, action: ReleaseAction, leaveTeam = false) => {
    const client = await api(command);
    // A version without passing gate runs is released with a word, as the Release tab says beside its button.
    if (action.type === 'deploy' || action.type === 'canary') {
      const warning = gateWarning(await client.release.gate({ agent, ref: action.ref }));
      if (warning) io.stderr(`warning: ${warning}\n`);
    }
    show(command, await client.release.command({ agent, target, action, leaveTeam }));
  };
  /** The commands that put a version in front of traffic may take a member out of its live team release, when asked. */
  const leaveOption = (command: Command) =>
    command.option(
      '--leave-team',
      'go ahead though it breaks a dependency of a team live on the target: the agent leaves the team release',
    );
  const agentOf = (ref: string) => parseRef(ref).agent;

  const release = program
    .command('release')
    .description('drive a runtime: status, deploy, canary, step, pause, resume, promote, rollback, shadow, guardrails, plan');
  const targetOption = (command: Command) =>
    command.requiredOption('-t, --target <name|url>', 'a target saved in the workspace, or a runtime URL');

  const target = release.command('target').description('runtimes saved in the workspace (tokens come from SLIPWAY_TOKEN_<NAME>)');
  target
    .command('add <name> <url>')
    .option('--label <label>', 'the label it serves', 'production')
    .action(async (name: string, url: string, flags: { label: string }, command: Command) => {
      const saved = await (await api(command)).targets.save({ name, url, label: flags.label });
      context.print(
        command,
        { name: saved.name, url: saved.url, label: saved.label, token: saved.tokenVariable },
        (value) => `target ${value.name}: ${value.url} (serves ${value.label}); its token comes from ${value.token}`,
      );
    });
  target.command('list').action(async (_flags: unknown, command: Command) => {
    const targets = await (await api(command)).targets.list({});
    context.print(command, targets, (value) =>
      value.length === 0
        ? 'No targets yet: `slipway release target add NAME URL`.'
        : value
            .map(
              (item) =>
                `${item.name.padEnd(16)} ${item.url}  (${item.label}; token ${item.tokenSet ? 'set' : item.tokenVariable})`,
            )
            .join('\n'),
    );
  });

  targetOption(release.command('status <agent>')).action(async (agent: string, flags: TargetFlags, command: Command) =>
    show(command, await (await api(command)).release.view({ agent, target: flags.target })),
  );
  leaveOption(
    targetOption(release.command('deploy <ref>').description('upload a version and make it the first stable one')),
  ).action((ref: string, flags: TargetFlags & { leaveTeam?: boolean }, command: Command) =>
    act(command, agentOf(ref), flags.target, { type: 'deploy', ref }, flags.leaveTeam),
  );
  leaveOption(targetOption(release.command('canary <ref>').description('upload a version and start it as a canary')))
    .option('--weight <percent>', 'the share of traffic', number('--weight', 0.01, 100, false), 5)
    .action((ref: string, flags: TargetFlags & { weight: number; leaveTeam?: boolean }, command: Command) =>
      act(command, agentOf(ref), flags.target, { type: 'canary', ref, weight: flags.weight }, flags.leaveTeam),
    );
  targetOption(release.command('step <agent>').description("set the canary's weight"))
    .requiredOption('--weight <percent>', 'the share of traffic', number('--weight', 0.01, 100, false))
    .action((agent: string, flags: TargetFlags & { weight: number }, command: Command) =>
      act(command, agent, flags.target, { type: 'step', weight: flags.weight }),
    );
  const simple = (name: 'pause' | 'resume' | 'promote', description: string) =>
    targetOption(release.command(`${name} <agent>`).description(description));
  for (const [name, description] of [
    ['pause', 'hold the canary where it is (the plan stops advancing; guardrails still judge it)'],
    ['resume', 'let the canary go on'],
  ] as const)
    simple(name, description).action((agent: string, flags: TargetFlags, command: Command) =>
      act(command, agent, flags.target, { type: name }),
    );
  leaveOption(simple('promote', 'make the canary the stable version')).action(
    (agent: string, flags: TargetFlags & { leaveTeam?: boolean }, command: Command) =>
      act(command, agent, flags.target, { type: 'promote' }, flags.leaveTeam),
  );
  leaveOption(
    targetOption(
      release.command('rollback <agent>').description('end the canary, or return to the previous stable version (or --to one)'),
    ),
  )
    .requiredOption('--reason <text>', 'why')
    .option('--to <ref>', 'a version to return to')
    .action((agent: string, flags: TargetFlags & { reason: string; to?: string; leaveTeam?: boolean }, command: Command) =>
      act(
        command,
        agent,
        flags.target,
        { type: 'rollback', reason: flags.reason, ...(flags.to ? { to: flags.to } : {}) },
        flags.leaveTeam,
      ),
    );
  targetOption(release.command('shadow <ref>').description('mirror a share of traffic to a version (or --off)'))
    .option('--share <percent>', 'the share of requests mirrored', number('--share', 0.01, 100, false), 10)
    .option('--off', 'stop mirroring')
    .action((ref: string, flags: TargetFlags & { share: number; off?: boolean }, command: Command) =>
      act(command, agentOf(ref), flags.target, flags.off ? { type: 'shadow-off' } : { type: 'shadow', ref, share: flags.share }),
    );
  targetOption(release.command('guardrails <agent>').description('print the guardrails, or set them from a YAML/JSON file'))
    .option('-f, --file <file>', 'the guardrails to set')
    .action(async (agent: string, flags: TargetFlags & { file?: string }, command: Command) => {
      const client = await api(command);
      if (!flags.file) {
        const view = await client.release.view({ agent, target: flags.target });
        if (!view.reachable) return show(command, view);
        context.print(command, view.guardrails, (value) => (value ? JSON.stringify(value, null, 2) : 'No guardrails set.'));
        return;
      }
      const guardrails = readStructured(io.cwd, flags.file, Guardrails);
      show(command, await client.release.setGuardrails({ agent, target: flags.target, guardrails }));
    });
  targetOption(
    release
      .command('plan <agent>')
      .description("save a release plan from a YAML/JSON file and push it, with the gate suites' passing attestations"),
  )
    .requiredOption('-f, --file <file>', 'the plan')
    .option('--for <ref>', 'the version the gate attestations are for (default: the canary)')
    .action(async (agent: string, flags: TargetFlags & { file: string; for?: string }, command: Command) => {
      const plan = readStructured(io.cwd, flags.file, ReleasePlan);
      const view = await (
        await api(command)
      ).release.setPlan({ agent, target: flags.target, plan, ...(flags.for ? { for: flags.for } : {}) });
      show(command, view);
    });
}
