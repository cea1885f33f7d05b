import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { Client } from '../shared/contract/client';
import { SlipwayError, type ErrorCode } from '../shared/errors';
import { defaultWorkspaceDir } from '../workspace/paths';
import type { Workspace } from '../workspace/workspace';
import * as format from './format';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, type CliIo } from './io';
import { registerTestingCommands } from './testing-commands';
import { registerCompareCommands } from './compare-commands';
import { registerReleaseCommands } from './release-commands';
import { registerBundleCommands } from './bundle-commands';
import { registerTeamCommands } from './team-commands';

const INPUT_ERRORS: readonly ErrorCode[] = [
  'invalid_input',
  'unknown_method',
  'not_found',
  'conflict',
  'no_changes',
  'invalid_files',
  'workspace',
];

/** A failed check (audit verify) that is not a usage error. */
class CheckFailed extends Error {}

interface GlobalOptions {
  workspace?: string;
  json?: boolean;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let workspace: Workspace | null = null;
  const program = new Command('slipway');

  const globals = (command: Command): GlobalOptions => command.optsWithGlobals<GlobalOptions>();
  // Each command loads what it needs when it runs: `slipway test --from` never loads SQLite.
  const open = async (command: Command): Promise<{ ws: Workspace; api: Client }> => {
    const dir = resolve(io.cwd, globals(command).workspace ?? io.env.SLIPWAY_WORKSPACE ?? defaultWorkspaceDir(io.env));
    const [{ openWorkspace }, { connect }] = await Promise.all([
      import('../workspace/workspace'),
      import('../workspace/services'),
    ]);
    workspace ??= openWorkspace(dir);
    return { ws: workspace, api: connect(workspace, { checkOutputs: false }).client };
  };
  /** Prints a result: JSON with --json, else the human text. */
  const print = <T>(command: Command, value: T, human: (value: T) => string) => {
    io.stdout(globals(command).json ? `${JSON.stringify(value, null, 2)}\n` : `${human(value)}\n`);
  };

  program
    .description('Slipway: versions, suites and releases of AI agents, from the command line.')
    .option('-w, --workspace <dir>', 'workspace folder (default: $SLIPWAY_WORKSPACE, else the app data folder)')
    .option('--json', 'print machine-readable JSON to stdout')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      outputError: (text, write) => write(`slipway: ${text.replace(/^error: /, '')}`),
    })
    .showSuggestionAfterError(true);

  program
    .command('init')
    .description('create the workspace (and load the sample agents with --sample)')
    .option('--sample', 'load two sample agents with a version history')
    .action(async (options: { sample?: boolean }, command: Command) => {
      const { ws } = await open(command);
      const loaded = options.sample ? (await import('../workspace/agents/samples')).loadSamples(ws) : [];
      print(command, { workspace: ws.dir, created: ws.created, samples: loaded }, (result) =>
        [
          `Workspace ${result.created ? 'created' : 'ready'} at ${result.workspace}`,
          ...(loaded.length > 0 ? [`Loaded sample agents: ${loaded.join(', ')}`] : []),
        ].join('\n'),
      );
    });

  const agent = program.command('agent').description('create, list, rename, archive and restore agents');
  agent
    .command('create <name>')
    .option('-d, --description <text>', 'what the agent does', '')
    .action(async (name: string, options: { description: string }, command: Command) => {
      const created = await (await open(command)).api.agents.create({ name, description: options.description });
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
      print(command, await (await open(command)).api.agents.list({ includeArchived: options.all ?? false }), format.formatAgents);
    });
  agent
    .command('rename <name> <new-name>')
    .option('-r, --reason <text>', 'why', '')
    .action(async (name: string, newName: string, options: { reason: string }, command: Command) => {
      print(
        command,
        await (await open(command)).api.agents.rename({ name, newName, reason: options.reason }),
        (value) => `Renamed ${name} to ${value.name}.`,
      );
    });
  agent
    .command('archive <name>')
    .option('-r, --reason <text>', 'why', '')
    .action(async (name: string, options: { reason: string }, command: Command) => {
      print(
        command,
        await (await open(command)).api.agents.archive({ name, reason: options.reason }),
        (value) => `Archived ${value.name}; \`slipway agent restore ${value.name}\` brings it back.`,
      );
    });
  agent
    .command('restore <name>')
    .option('-r, --reason <text>', 'why', '')
    .action(async (name: string, options: { reason: string }, command: Command) => {
      print(
        command,
        await (await open(command)).api.agents.restore({ name, reason: options.reason }),
        (value) => `Restored ${value.name}.`,
      );
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
        const { api } = await open(command);
        const { readAgentFolder } = await import('../shared/node/agent-folder');
        const files = readAgentFolder(resolve(io.cwd, options.from));
        const suggestion = await api.versions.suggestBump({ agent: name, files });
        const version = await api.versions.snapshot({
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
      const { ws } = await open(command);
      const [{ filesAt }, { parseRef }, { writeAgentFolder }] = await Promise.all([
        import('../workspace/versions/versions'),
        import('../shared/ref'),
        import('../shared/node/agent-folder'),
      ]);
      const { files, label } = filesAt(ws, parseRef(refText));
      const dir = resolve(io.cwd, options.to);
      const written = writeAgentFolder(dir, files, options.force ?? false);
      print(
        command,
        { ref: label, dir, files: written },
        (value) => `Wrote ${value.files.length} files of ${value.ref} to ${value.dir}`,
      );
    });

  program
    .command('log <agent>')
    .description("an agent's versions, newest first")
    .action(async (name: string, _options: unknown, command: Command) => {
      print(command, await (await open(command)).api.versions.list({ agent: name }), format.formatLog);
    });

  program
    .command('show <ref>')
    .description('one version: manifest, parent, author, message (with --json, its files too)')
    .action(async (refText: string, _options: unknown, command: Command) => {
      print(command, await (await open(command)).api.versions.get({ ref: refText }), format.formatVersion);
    });

  program
    .command('diff <from> <to>')
    .description('unified diff of every changed file, and what changed by kind')
    .action(async (from: string, to: string, _options: unknown, command: Command) => {
      print(command, await (await open(command)).api.versions.diff({ from, to }), format.formatDiff);
    });

  const label = program.command('label').description('point labels at versions and read their history');
  label
    .command('set <agent> <label> <ref>')
    .requiredOption('-r, --reason <text>', 'why the label moves')
    .action(async (name: string, labelName: string, ref: string, options: { reason: string }, command: Command) => {
      const move = await (await open(command)).api.labels.set({ agent: name, label: labelName, ref, reason: options.reason });
      print(command, move, (value) => `${value.agent}@${value.label}: ${value.from ?? '(new)'} → ${value.to}`);
    });
  label.command('list <agent>').action(async (name: string, _options: unknown, command: Command) => {
    print(command, await (await open(command)).api.labels.list({ agent: name }), format.formatLabels);
  });
  label
    .command('history <agent> [label]')
    .action(async (name: string, labelName: string | undefined, _options: unknown, command: Command) => {
      print(
        command,
        await (await open(command)).api.labels.history({ agent: name, ...(labelName ? { label: labelName } : {}) }),
        format.formatLabelHistory,
      );
    });

  const audit = program.command('audit').description('read and verify the audit log');
  audit
    .command('list')
    .option('--agent <name>', 'only this agent')
    .option('-n, --limit <n>', 'how many rows', '50')
    .action(async (options: { agent?: string; limit: string }, command: Command) => {
      const entries = await (
        await open(command)
      ).api.audit.list({ limit: Number(options.limit), ...(options.agent ? { agent: options.agent } : {}) });
      print(command, entries, format.formatAudit);
    });
  audit
    .command('verify')
    .description('recompute the hash chain; exit 1 naming the first bad row')
    .action(async (_options: unknown, command: Command) => {
      const result = await (await open(command)).api.audit.verify({});
      print(command, result, (value) =>
        value.ok
          ? `Audit chain intact: ${value.rows} rows verified.`
          : `Audit chain broken at row ${value.firstBadId}: ${value.problem}`,
      );
      if (!result.ok) throw new CheckFailed();
    });

  program
    .command('serve')
    .description('open the workspace in a browser: serves the app on 127.0.0.1 behind a random token')
    .option('-p, --port <n>', 'port to listen on (default: any free port)')
    .action(async (options: { port?: string }, command: Command) => {
      const dir = resolve(io.cwd, globals(command).workspace ?? io.env.SLIPWAY_WORKSPACE ?? defaultWorkspaceDir(io.env));
      const [{ openAppWorkspace }, { serveWorkspace }] = await Promise.all([
        import('../workspace/app-workspace'),
        import('../hosts/serve'),
      ]);
      workspace = openAppWorkspace(dir);
      const port = options.port === undefined ? 0 : Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new SlipwayError('invalid_input', `--port must be a number from 0 to 65535, not "${options.port}"`);
      const host = await serveWorkspace(workspace, { port, checkOutputs: false });
      print(
        command,
        { url: host.url, workspace: dir },
        (value) => `Slipway is serving ${value.workspace}\nOpen ${value.url}\nPress Ctrl+C to stop.`,
      );
      await new Promise<void>((done) => {
        const stop = () => void host.close().then(done);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });

  let exitCode = EXIT_OK;
  const commandContext = {
    io,
    open: async (command: Command) => (await open(command)).ws,
    print,
    json: (command: Command) => globals(command).json ?? false,
    exitWith: (code: number) => {
      exitCode = code;
    },
  };
  registerTestingCommands(program, commandContext);
  registerCompareCommands(program, commandContext);
  registerReleaseCommands(program, commandContext);
  registerBundleCommands(program, commandContext);
  registerTeamCommands(program, commandContext);

  program
    .command('config')
    .description('read or set workspace settings')
    .command('author [value]')
    .description('the author recorded on snapshots (default: git user.name and user.email, else the OS user)')
    .action(async (value: string | undefined, _options: unknown, command: Command) => {
      const { api } = await open(command);
      const settings = value === undefined ? await api.settings.get({}) : await api.settings.setAuthor({ author: value });
      print(command, settings, (result) => `${result.author}  (from ${result.authorSource})`);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CheckFailed) return EXIT_CHECK_FAILED;
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (error instanceof SlipwayError) {
      io.stderr(`slipway: ${error.message}\n`);
      if (argv.includes('--json')) io.stdout(`${JSON.stringify({ error: error.toInfo() }, null, 2)}\n`);
      return INPUT_ERRORS.includes(error.code) ? EXIT_USAGE : EXIT_CHECK_FAILED;
    }
    io.stderr(`slipway: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_CHECK_FAILED;
  } finally {
    (workspace as Workspace | null)?.close();
  }
}
