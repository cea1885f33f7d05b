import type { GateCheck } from '../contract/release';

/** Gate suites whose latest run of the version did not pass (missing, red or still running). */
export function redGateSuites(check: GateCheck): string[] {
  return check.suites.filter((suite) => suite.verdict !== 'passed').map((suite) => suite.suite);
}

/** The one warning the Release tab and `slipway release deploy|canary` give before a release without evidence; null when all passed. */
export function gateWarning(check: GateCheck): string | null {
  const red = redGateSuites(check);
  if (red.length === 0) return null;
  return `${check.semver} has no passing latest run of ${red.join(', ')}${
    check.planned ? ': the runtime’s gate refuses a canary without it' : ': releasing it goes without that evidence'
  }`;
}
