import { UNSAFE_TEXT } from '../shared/contract/common';
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

const CONTROL = new RegExp(UNSAFE_TEXT.source, 'g');

/**
 * Text as a terminal may show it: every control character but newline and tab, and the
 * invisible direction and zero-width marks, written out as `\u001b` — so a version message, a
 * model's answer or a program's stderr cannot clear the screen, move the cursor, forge a line or
 * reorder what is shown. The same escape is JSON's, so `--json` output stays valid JSON.
 */
export function terminalText(text: string): string {
  return text.replace(CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
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
