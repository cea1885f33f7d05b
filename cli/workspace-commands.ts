import { AUDIT_AREA_NAMES, type AuditArea } from '../shared/audit-areas';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { SlipwayError } from '../shared/errors';
import * as format from './format';
import { CheckFailed, type CliContext } from './context';

/** `slipway init`, `agent …`, `snapshot`, `checkout`, `log`, `show`, `diff`, `label …`, `audit …`, `config`, `serve`. */
export function registerWorkspaceCommands(program: Command, context: CliContext): void {
  const { io, print, api } = context;

  program
    .command('init')
    .description('create the workspace (and load the sample agents with --sample)')
    .option('--sample', 'load two sample agents with a version history')
    .action(async (options: { sample?: boolean }, command: Command) => {
      const result = await (await api(command)).workspace.init({ sample: options.sample ?? false });
      print(command, result, (value) =>
        [
          `Workspace ${value.created ? 'created' : 'ready'} at ${value.workspace}`,
          ...(value.samples.length > 0 ? [`Loaded sample agents: ${value.samples.join(', ')}`] : []),
        ].join('\n'),
      );
    });

  const agent = program.command('agent').description('create, list, rename, archive and restore agents');
  agent
    .command('create <name>')
    .option('-d, --description <text>', 'what the agent does', '')
    .action(async (name: string, options: { description: string }, command: Command) => {
      const created = await (await api(command)).agents.create({ name, description: options.description });
      print(
        command,
        created,
        (value) =>
          `Created agent ${value.name}. Its draft starts from a minimal valid config; snapshot it with \`slipway snapshot ${value.name} --from DIR -m MESSAGE\`.`,
      );
    });
  agent
    .command('list')
    .option('-a, --all', 'include archived agents')
    .action(async (options: { all?: boolean }, command: Command) => {
      print(command, await (await api(command)).agents.list({ includeArchived: options.all ?? false }), format.formatAgents);
    });
  agent
    .command('rename <name> <new-name>')
    .option('-r, --reason <text>', 'why', '')
    .action(async (name: string, newName: string, options: { reason: string }, command: Command) => {
      const renamed = await (await api(command)).agents.rename({ name, newName, reason: options.reason });
      print(command, renamed, (value) => `Renamed ${name} to ${value.name}.`);
    });
  agent
    .command('archive <name>')
    .option('-r, --reason <text>', 'why', '')
    .action(async (name: string, options: { reason: string }, command: Command) => {
      const archived = await (await api(command)).agents.archive({ name, reason: options.reason });
      print(command, archived, (value) => `Archived ${value.name}; \`slipway agent restore ${value.name}\` brings it back.`);
    });
  agent
    .command('restore <name>')
    .option('-r, --reason <text>', 'why', '')
    .action(async (name: string, options: { reason: string }, command: Command) => {
      const restored = await (await api(command)).agents.restore({ name, reason: options.reason });
      print(command, restored, (value) => `Restored ${value.name}.`);
    });

  program
    .command('snapshot <agent>')
    .description("snapshot an agent's files from a folder as a new immutable version")
    .requiredOption('--from <dir>', "folder holding the agent's files")
    .requiredOption('-m, --message <text>', 'why this version exists')
    .addOption(new Option('--bump <kind>', 'override the suggested bump').choices(['major', 'minor', 'patch']))
    .option('--version <x.y.z>', 'choose the version number')
    .action(
      async (
        name: string,
        options: { from: string; message: string; bump?: 'major' | 'minor' | 'patch'; version?: string },
        command: Command,
      ) => {
        const client = await api(command);
        const { readAgentFolder } = await import('../shared/node/agent-folder');
        const files = readAgentFolder(resolve(io.cwd, options.from));
        const suggestion = await client.versions.suggestBump({ agent: name, files });
        const version = await client.versions.snapshot({
          agent: name,
          message: options.message,
          files,
          ...(options.bump ? { bump: options.bump } : {}),
          ...(options.version ? { version: options.version } : {}),
        });
        const chosen = options.bump !== undefined || options.version !== undefined;
        const why = chosen ? `suggested ${suggestion.version ?? 'none'}: ${suggestion.reason}` : suggestion.reason;
        print(
          command,
          version,
          (value) => `Snapshot ${value.agent}@${value.semver}  sha256:${value.hash.slice(0, 12)}  (${why})`,
        );
      },
    );

  program
    .command('checkout <ref>')
    .description("write a version's files (or the draft's) to a folder")
    .requiredOption('--to <dir>', 'destination folder')
    .option('-f, --force', 'overwrite files that differ')
    .action(async (refText: string, options: { to: string; force?: boolean }, command: Command) => {
      const { ref, files } = await (await api(command)).versions.files({ ref: refText });
      const { writeAgentFolder } = await import('../shared/node/agent-folder');
      const dir = resolve(io.cwd, options.to);
      const written = writeAgentFolder(dir, files, options.force ?? false);
      print(
        command,
        { ref, dir, files: written },
        (value) => `Wrote ${value.files.length} files of ${value.ref} to ${value.dir}`,
      );
    });

  program
    .command('log <agent>')
    .description("an agent's versions, newest first")
    .action(async (name: string, _options: unknown, command: Command) => {
      print(command, await (await api(command)).versions.list({ agent: name }), format.formatLog);
    });

  program
    .command('show <ref>')
    .description('one version: manifest, parent, author, message (with --json, its files too)')
    .action(async (refText: string, _options: unknown, command: Command) => {
      print(command, await (await api(command)).versions.get({ ref: refText }), format.formatVersion);
    });

  program
    .command('diff <from> <to>')
    .description('unified diff of every changed file, and what changed by kind')
    .action(async (from: string, to: string, _options: unknown, command: Command) => {
      print(command, await (await api(command)).versions.diff({ from, to }), format.formatDiff);
    });

  const label = program.command('label').description('point labels at versions and read their history');
  label
    .command('set <agent> <label> <ref>')
    .requiredOption('-r, --reason <text>', 'why the label moves')
    .action(async (name: string, labelName: string, ref: string, options: { reason: string }, command: Command) => {
      const move = await (await api(command)).labels.set({ agent: name, label: labelName, ref, reason: options.reason });
      print(command, move, (value) => `${value.agent}@${value.label}: ${value.from ?? '(new)'} → ${value.to}`);
    });
  label.command('list <agent>').action(async (name: string, _options: unknown, command: Command) => {
    print(command, await (await api(command)).labels.list({ agent: name }), format.formatLabels);
  });
  label
    .command('history <agent> [label]')
    .action(async (name: string, labelName: string | undefined, _options: unknown, command: Command) => {
      const moves = await (await api(command)).labels.history({ agent: name, ...(labelName ? { label: labelName } : {}) });
      print(command, moves, format.formatLabelHistory);
    });

  const audit = program.command('audit').description('read and verify the audit log');
  audit
    .command('list')
    .option('--agent <name>', 'only this agent')
    .option('--action <action>', 'only this action (team.promote, release.canary, team.left, …)')
    .option('--area <area>', `only one area: ${AUDIT_AREA_NAMES.join(', ')}`)
    .option('-n, --limit <n>', 'how many rows', '50')
    .action(async (options: { agent?: string; action?: string; area?: string; limit: string }, command: Command) => {
      const entries = await (
        await api(command)
      ).audit.list({
        limit: Number(options.limit),
        ...(options.agent ? { agent: options.agent } : {}),
        ...(options.action ? { action: options.action } : {}),
        // The contract checks the area's name and says which there are.
        ...(options.area ? { area: options.area as AuditArea } : {}),
      });
      print(command, entries, format.formatAudit);
    });
  audit
    .command('verify')
    .description('recompute the hash chain; exit 1 naming the first bad row')
    .action(async (_options: unknown, command: Command) => {
      const result = await (await api(command)).audit.verify({});
      print(command, result, (value) =>
        value.ok
          ? `Audit chain intact: ${value.rows} rows verified.`
          : `Audit chain broken at row ${value.firstBadId}: ${value.problem}`,
      );
      if (!result.ok) throw new CheckFailed();
    });

  program
    .command('config')
    .description('read or set workspace settings')
    .command('author [value]')
    .description('the author recorded on snapshots (default: git user.name and user.email, else the OS user)')
    .action(async (value: string | undefined, _options: unknown, command: Command) => {
      const client = await api(command);
      const settings = value === undefined ? await client.settings.get({}) : await client.settings.setAuthor({ author: value });
      print(command, settings, (result) => `${result.author}  (from ${result.authorSource})`);
    });

  program
    .command('serve')
    .description('open the workspace in a browser: serves the app on 127.0.0.1 behind a random token')
    .option('-p, --port <n>', 'port to listen on (default: any free port)')
    .action(async (options: { port?: string }, command: Command) => {
      const port = options.port === undefined ? 0 : Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new SlipwayError('invalid_input', `--port must be a number from 0 to 65535, not "${options.port}"`);
      const { serveFolder } = await import('../hosts/serve');
      const host = await serveFolder(context.workspaceDir(command), { port, checkOutputs: false, env: io.env });
      print(
        command,
        { url: host.url, workspace: host.dir },
        (value) => `Slipway is serving ${value.workspace}\nOpen ${value.url}\nPress Ctrl+C to stop.`,
      );
      await new Promise<void>((done) => {
        const stop = () => void host.close().then(done);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
