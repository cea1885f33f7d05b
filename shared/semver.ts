import semver from 'semver';
import { SlipwayError } from './errors';
import { SEMVER_PATTERN } from './names';

export type Bump = 'major' | 'minor' | 'patch';
export const BUMPS: readonly Bump[] = ['major', 'minor', 'patch'];
export const FIRST_VERSION = '1.0.0';

const RANK: Record<Bump, number> = { patch: 0, minor: 1, major: 2 };

export function largerBump(a: Bump, b: Bump): Bump {
  return RANK[a] >= RANK[b] ? a : b;
}

export function applyBump(version: string, bump: Bump): string {
  const next = semver.inc(version, bump);
  if (!next) throw new SlipwayError('internal', `cannot bump ${version}`);
  return next;
}

export function compareSemver(a: string, b: string): number {
  return semver.compare(a, b);
}

/** The version a snapshot gets: the user's choice if valid and higher, else the suggestion. */
export function chooseVersion(highest: string | null, suggested: Bump, choice: { bump?: Bump; version?: string }): string {
  if (choice.version !== undefined) {
    if (!SEMVER_PATTERN.test(choice.version)) {
      throw new SlipwayError('invalid_input', `"${choice.version}" is not a version: use MAJOR.MINOR.PATCH, for example 1.2.0`);
    }
    if (highest !== null && !semver.gt(choice.version, highest)) {
      throw new SlipwayError('conflict', `version ${choice.version} is not higher than the latest version ${highest}`);
    }
    return choice.version;
  }
  if (highest === null) return FIRST_VERSION;
  return applyBump(highest, choice.bump ?? suggested);
}

/** Which part of the version went up from a to b (a prerelease-free semver pair, b higher). */
export function bumpBetween(from: string, to: string): Bump {
  const kind = semver.diff(from, to);
  return kind === 'major' || kind === 'minor' ? kind : 'patch';
}
