/**
 * Errors that cross the contract. Every failure the UI or the CLI shows carries a stable
 * `code` (for programs) and a `message` written for a person.
 */
export const errorCodes = [
  'invalid_input',
  'unknown_method',
  'not_found',
  'conflict',
  'no_changes',
  'invalid_files',
  'unauthorized',
  'forbidden',
  'workspace',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export class SlipwayError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'SlipwayError';
    this.code = code;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}
