import { writeFileSync } from 'node:fs';
import { clip } from '../shared/issues';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { SlipwayError } from '../shared/errors';
import type { Connection } from '../workspace/connect';
import { registerBundleCommands } from './bundle-commands';
import { registerCompareCommands } from './compare-commands';
import { CheckFailed, type CliContext } from './context';
import { EXIT_BY_CODE, EXIT_CHECK_FAILED, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, terminalIo, type CliIo } from './io';
import { registerReleaseCommands } from './release-commands';
import { registerTeamCommands } from './team-commands';
import { registerTestingCommands } from './testing-commands';
import { registerWorkspaceCommands } from './workspace-commands';

/** Where an unexpected failure's details go: one line on stderr names the file. */
function writeCrashLog(error: unknown, argv: string[]): string {
  const file = join(tmpdir(), `slipway-crash-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
  const details = error instanceof Error ? (error.stack ?? error.message) : String(error);
  writeFileSync(file, `slipway ${argv.join(' ')}\n\n${details}\n`);
  return file;
}

interface GlobalOptions {
  workspace?: string;
  json?: boolean;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  return cliProgram(terminalIo(io)).run(argv);
}

/** The `slipway` command tree over this io, and how one command line runs on it. */
export function cliProgram(io: CliIo): { program: Command; run: (argv: string[]) => Promise<number> } {
  let connection: Connection | null = null;
  let internalError: unknown = null;
  const program = new Command('slipway');
  const globals = (command: Command): GlobalOptions => command.optsWithGlobals<GlobalOptions>();
  const workspaceDir = (command: Command) => {
    const named = globals(command).workspace ?? io.env.SLIPWAY_WORKSPACE;
    return named === undefined ? undefined : resolve(io.cwd, named);
  };
  const connectionOf = async (command: Command): Promise<Connection> => {
    if (connection) return connection;
    // Loaded when a command runs: `slipway --help` starts without SQLite or the services.
    const { connect } = await import('../workspace/connect');
    const dir = workspaceDir(command);
    connection = connect(
      { ...(dir === undefined ? {} : { dir }), env: io.env },
      { checkOutputs: false, onInternalError: (error) => (internalError = error) },
    );
    return connection;
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

  let exitCode = EXIT_OK;
  const context: CliContext = {
    io,
    api: async (command) => (await connectionOf(command)).client,
    onEvent: async (command, listener) => (await connectionOf(command)).onEvent(listener),
    print: (command, value, human) => {
      io.stdout(globals(command).json ? `${JSON.stringify(value, null, 2)}\n` : `${human(value)}\n`);
    },
    json: (command) => globals(command).json ?? false,
    workspaceDir,
    exitWith: (code) => {
      exitCode = code;
    },
  };
  registerWorkspaceCommands(program, context);
  registerTestingCommands(program, context);
  registerCompareCommands(program, context);
  registerReleaseCommands(program, context);
  registerBundleCommands(program, context);
  registerTeamCommands(program, context);

  const run = async (argv: string[]): Promise<number> => {
    try {
      await program.parseAsync(argv, { from: 'user' });
      return exitCode;
    } catch (error) {
      if (error instanceof CheckFailed) return EXIT_CHECK_FAILED;
      if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
      if (error instanceof SlipwayError && error.code !== 'internal') {
        io.stderr(`slipway: ${error.message}\n`);
        if (argv.includes('--json')) io.stdout(`${JSON.stringify({ error: error.toInfo() }, null, 2)}\n`);
        return EXIT_BY_CODE[error.code];
      }
      const log = writeCrashLog(internalError ?? error, argv);
      const message = error instanceof Error ? error.message : String(error);
      io.stderr(`slipway: unexpected failure: ${clip(message.split('\n')[0] ?? '', 300)} (details in ${log})\n`);
      if (argv.includes('--json'))
        io.stdout(`${JSON.stringify({ error: { code: 'internal', message, details: log } }, null, 2)}\n`);
      return EXIT_INTERNAL;
    } finally {
      await (connection as Connection | null)?.close();
    }
  };
  return { program, run };
}
