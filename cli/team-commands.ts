import type { Command } from 'commander';
import type { TeamCheck, TeamMatrix, TeamRelease, TeamView } from '../shared/contract/teams';
import { SlipwayError } from '../shared/errors';
import { EXIT_CHECK_FAILED } from './io';
import { collect } from './options';
import { refuseUnreachable } from './unreachable';
import type { CliContext } from './context';

function describeCheck(check: TeamCheck): string {
  if (check.dependencies.length === 0) return '  no dependencies between members';
  return check.dependencies
    .map((dependency) =>
      [
        `  ${dependency.ok ? 'ok    ' : 'BROKEN'} ${dependency.consumer} → ${dependency.producer}`,
        ...dependency.breaks.map((line) => `         ${line}`),
        ...dependency.notChecked.map((line) => `         not checked: ${line}`),
      ].join('\n'),
    )
    .join('\n');
}

function describeRelease(release: TeamRelease): string {
  return [
    `${release.name}  ${release.check.ok ? 'compatible' : 'BROKEN'}  ${release.message}`,
    `  ${release.pins.map((pin) => `${pin.agent}@${pin.semver}`).join('  ')}`,
    describeCheck(release.check),
  ].join('\n');
}

function describeMatrix(matrix: TeamMatrix): string {
  if (matrix.edges.length === 0) return `No member of ${matrix.team} depends on another.`;
  return matrix.edges
    .map((edge) => {
      const width = Math.max(8, ...edge.consumerVersions.map((version) => version.length + 2));
      const header = `${`${edge.consumer} ↓ / ${edge.producer} →`.padEnd(width + 4)} ${edge.producerVersions.map((version) => version.padEnd(8)).join(' ')}`;
      const rows = edge.consumerVersions.map(
        (consumer) =>
          `${consumer.padEnd(width + 4)} ${edge.producerVersions.map((producer) => (edge.cells.find((cell) => cell.consumer === consumer && cell.producer === producer)?.ok ? 'ok' : 'broken').padEnd(8)).join(' ')}`,
      );
      return [header, ...rows].join('\n');
    })
    .join('\n\n');
}

function describeView(view: TeamView): string {
  const head = `team ${view.team} on ${view.target}${view.reachable ? '' : ` — unreachable (${view.problem ?? ''}); last known ${view.lastContact ?? 'never'}`}`;
  if (!view.state) return `${head}\n  nothing released`;
  const serving = new Map(view.serving.map((member) => [member.agent, member]));
  return [
    `${head} (generation ${view.state.generation}, ${view.state.release ?? 'no release name'})`,
    ...Object.entries(view.state.members).map(([agent, version]) => {
      const member = serving.get(agent);
      const line = `  ${agent.padEnd(20)} ${version.semver}  ${version.hash.slice(0, 12)}`;
      if (!member?.left) return line;
      // What the runtime serves, when a single-agent command moved the member off the team release.
      const now = [
        member.stable ? `serves ${member.stable.semver}` : 'serves nothing',
        ...(member.canary ? [`canary ${member.canary.semver} at ${member.canary.weight}%`] : []),
      ].join(', ');
      return `${line}  — ${now}: left the team release`;
    }),
  ].join('\n');
}

/** `--pin AGENT@REF` given several times, as the contract's pins. */
function pinsOf(flags: { pin?: string[] }): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const pin of flags.pin ?? []) {
    const at = pin.indexOf('@');
    if (at < 1) throw new SlipwayError('invalid_input', `--pin ${pin}: write AGENT@REF (router@2.0.0, intake@production)`);
    pins[pin.slice(0, at)] = pin;
  }
  return pins;
}

/** `slipway team …`: teams of agents, their releases, the dependency checks, and releasing a team on a runtime target. */
export function registerTeamCommands(program: Command, context: CliContext): void {
  const { io, api } = context;

  const team = program
    .command('team')
    .description(
      'agent teams: members, team releases, dependency checks, the compatibility matrix, releasing a team on a runtime',
    );
  team
    .command('create <name> <agents...>')
    .description('a team of agents released together')
    .action(async (name: string, agents: string[], _flags: unknown, command: Command) => {
      context.print(
        command,
        await (await api(command)).teams.create({ name, members: agents }),
        (value) => `Created team ${value.name}: ${value.members.join(', ')}`,
      );
    });
  team
    .command('members <name> <agents...>')
    .description("set the team's members")
    .action(async (name: string, agents: string[], _flags: unknown, command: Command) => {
      context.print(
        command,
        await (await api(command)).teams.setMembers({ name, members: agents }),
        (value) => `Team ${value.name}: ${value.members.join(', ')}`,
      );
    });
  team.command('list').action(async (_flags: unknown, command: Command) => {
    context.print(command, await (await api(command)).teams.list({}), (value) =>
      value.length === 0
        ? 'No teams yet: `slipway team create NAME AGENT…`.'
        : value.map((one) => `${one.name.padEnd(20)} ${one.members.join(', ')}  (${one.releases.length} releases)`).join('\n'),
    );
  });
  team.command('show <name>').action(async (name: string, _flags: unknown, command: Command) => {
    context.print(command, await (await api(command)).teams.get({ name }), (value) =>
      [
        `team ${value.name}: ${value.members.join(', ')}`,
        ...(value.releases.length ? value.releases.map(describeRelease) : ['no team releases yet']),
      ].join('\n'),
    );
  });
  team
    .command('check <name>')
    .description("check the members' dependencies (each at --pin AGENT@REF, else its latest); exit 1 when one is broken")
    .option('--pin <agent@ref>', 'a member at this version (repeatable)', collect)
    .action(async (name: string, flags: { pin?: string[] }, command: Command) => {
      const check = await (await api(command)).teams.check({ name, pins: pinsOf(flags) });
      context.print(command, check, describeCheck);
      if (!check.ok) context.exitWith(EXIT_CHECK_FAILED);
    });
  team
    .command('release <name>')
    .description('a team release: one version of each member (--pin AGENT@REF, else its latest), checked')
    .option('--pin <agent@ref>', 'a member at this version (repeatable)', collect)
    .requiredOption('-m, --message <text>', 'why this team release exists')
    .action(async (name: string, flags: { pin?: string[]; message: string }, command: Command) => {
      context.print(
        command,
        await (await api(command)).teams.release({ name, pins: pinsOf(flags), message: flags.message }),
        describeRelease,
      );
    });
  team
    .command('matrix <name>')
    .description('which versions of the members work together')
    .action(async (name: string, _flags: unknown, command: Command) =>
      context.print(command, await (await api(command)).teams.matrix({ name }), describeMatrix),
    );
  team
    .command('status <name>')
    .requiredOption('-t, --target <name>', 'a target saved in the workspace (token from SLIPWAY_TOKEN_<NAME>)')
    .action(async (name: string, flags: { target: string }, command: Command) => {
      const view = await (await api(command)).teams.view({ name, target: flags.target });
      if (!view.reachable) refuseUnreachable(io, view, view.state ? describeView(view) : null);
      context.print(command, view, describeView);
    });
  team
    .command('promote <name> <number>')
    .description('switch every member to its version in the team release, in one step; refused while a dependency is broken')
    .requiredOption('-t, --target <name>', 'a target saved in the workspace (token from SLIPWAY_TOKEN_<NAME>)')
    .action(async (name: string, number: string, flags: { target: string }, command: Command) => {
      const client = await api(command);
      const wanted = Number(number.replace(/^.*#/, ''));
      if (!Number.isInteger(wanted) || wanted < 1)
        throw new SlipwayError('invalid_input', `"${number}" is not a team release number (team show ${name} lists them)`);
      context.print(command, await client.teams.promote({ name, number: wanted, target: flags.target }), (promotion) =>
        promotion.note ? `${promotion.note}\n${describeView(promotion)}` : describeView(promotion),
      );
    });
  team
    .command('rollback <name>')
    .description('restore the previous team release on the target, in one step')
    .requiredOption('-t, --target <name>', 'a target saved in the workspace (token from SLIPWAY_TOKEN_<NAME>)')
    .requiredOption('--reason <text>', 'why')
    .action(async (name: string, flags: { target: string; reason: string }, command: Command) =>
      context.print(
        command,
        await (await api(command)).teams.rollback({ name, target: flags.target, reason: flags.reason }),
        describeView,
      ),
    );
}
