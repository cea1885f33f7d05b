/** A result's status as people read it: `no checks` for a case with no assertions. */
export function statusWord(status: 'passed' | 'failed' | 'errored' | 'unchecked'): string {
  return status === 'unchecked' ? 'no checks' : status;
}

/** Why a result of a case with no assertions is not a pass, in the words every report uses. */
export const NO_CHECKS_REASON = 'no checks: the case has no assertions, so nothing says its answer is right';
