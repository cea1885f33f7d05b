import type { ErrorCode } from '../shared/errors';

/** What the CLI reads and writes, passed in so tests run it in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Progress redraws in place on a terminal; CI gets plain lines. */
  isTTY?: boolean;
  /** Replaces the terminal's current line (stderr) with this text: the one way a command moves the cursor. */
  redraw?: (text: string) => void;
}

/* eslint-disable-next-line no-control-regex -- control characters are what this finds */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text as a terminal may show it: every control character but newline and tab written out
 * (`\x1b`), so a version message, a model's answer or a program's stderr cannot clear the
 * screen, move the cursor or forge a line.
 */
export function terminalText(text: string): string {
  return text.replace(CONTROL, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : char;
  });
}

/** The io every command writes through: its text made terminal-safe, its redraws the only cursor moves. */
export function terminalIo(io: CliIo): CliIo {
  return {
    ...io,
    stdout: (text) => io.stdout(terminalText(text)),
    stderr: (text) => io.stderr(terminalText(text)),
    redraw: (text) => io.stderr(`\r\x1b[K${terminalText(text)}`),
  };
}

export const EXIT_OK = 0;
/** A check failed (a gate, `audit verify`, a broken team release) or the runtime refused the command. */
export const EXIT_CHECK_FAILED = 1;
/** The command line or its input is wrong: nothing was changed. */
export const EXIT_USAGE = 2;
/** A runtime cannot be reached, failed, or speaks another protocol version. */
export const EXIT_UNAVAILABLE = 3;
/** A bug: one line on stderr, the details in a file it names. */
export const EXIT_INTERNAL = 4;

/** Each error code's exit status: one meaning, one status (docs/cli.md, "Exit codes"). */
export const EXIT_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  invalid_input: EXIT_USAGE,
  unknown_method: EXIT_USAGE,
  not_found: EXIT_USAGE,
  conflict: EXIT_USAGE,
  no_changes: EXIT_USAGE,
  invalid_files: EXIT_USAGE,
  unauthorized: EXIT_USAGE,
  forbidden: EXIT_USAGE,
  workspace: EXIT_USAGE,
  check_failed: EXIT_CHECK_FAILED,
  refused: EXIT_CHECK_FAILED,
  unavailable: EXIT_UNAVAILABLE,
  incompatible: EXIT_UNAVAILABLE,
  internal: EXIT_INTERNAL,
};
