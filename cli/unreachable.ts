import type { ErrorCode } from '../shared/errors';
import { SlipwayError } from '../shared/errors';
import type { CliIo } from './io';

/**
 * A runtime that could not be used (down, another protocol, no token): the last known state goes
 * to stderr, and the problem becomes the command's error, so its exit status and `--json` answer
 * are those of any other failure (3 unreachable, 2 no token).
 */
export function refuseUnreachable(
  io: CliIo,
  view: { problem: string | null; problemCode: ErrorCode | null; lastContact: string | null },
  lastKnown: string | null,
): never {
  if (lastKnown) io.stderr(`last known state (${view.lastContact ?? 'never'}):\n${lastKnown}\n`);
  throw new SlipwayError(view.problemCode ?? 'unavailable', view.problem ?? 'the runtime cannot be reached');
}
