/**
 * Errors that cross the contract. Every failure the UI or the CLI shows carries a stable
 * `code` (for programs) and a `message` written for a person; each code has one meaning, and
 * the CLI's exit status follows from it (docs/cli.md, "Exit codes").
 */
export const errorCodes = [
  /** The input is wrong: a value out of range, a malformed ref, a file that cannot be read. */
  'invalid_input',
  'unknown_method',
  'not_found',
  /** The request collides with what exists (a name taken, a semver with other content). */
  'conflict',
  'no_changes',
  'invalid_files',
  'unauthorized',
  'forbidden',
  /** The workspace folder cannot be opened or was written by a newer Slipway. */
  'workspace',
  /** A check the request depends on did not pass (a team release with broken dependencies). */
  'check_failed',
  /** A runtime answered and refused the command (a stale generation, the eval gate, its token's role). */
  'refused',
  /** A runtime cannot be reached, or failed (a 5xx answer). A provider's failure during a run is a result's error instead. */
  'unavailable',
  /** A service answered in a protocol this Slipway does not speak. */
  'incompatible',
  /** A bug: something failed that should not have. */
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** The input field a refusal is about, and what is wrong with it in words: a form shows it at that field. */
export interface FieldProblem {
  /** The field's path in the method's input, dot-separated (`name`, `settings.concurrency`). */
  path: string;
  message: string;
}

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  field?: FieldProblem;
}

export class SlipwayError extends Error {
  readonly code: ErrorCode;
  readonly field: FieldProblem | undefined;

  constructor(code: ErrorCode, message: string, field?: FieldProblem) {
    super(message);
    this.name = 'SlipwayError';
    this.code = code;
    this.field = field;
  }

  toInfo(): ErrorInfo {
    return this.field
      ? { code: this.code, message: this.message, field: this.field }
      : { code: this.code, message: this.message };
  }
}
