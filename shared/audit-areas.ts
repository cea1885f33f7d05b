/**
 * The audit's areas, each the action prefixes it holds: the Audit tab's and `slipway audit list
 * --area`'s filter. Releases take in the runtime's events too, since a release action's answer is
 * one of them (the Audit tab joins the two into one row); runtime alone is the runtime's events.
 */
export const AUDIT_AREAS = {
  versions: ['agent.', 'draft.', 'version.'],
  labels: ['label.'],
  runs: ['run.', 'suite.', 'dataset.', 'comparison.'],
  runtime: ['runtime.'],
  releases: ['release.', 'team.', 'runtime.'],
  bundles: ['bundle.', 'keys.'],
  settings: ['settings.', 'key.'],
} as const satisfies Record<string, readonly string[]>;

export type AuditArea = keyof typeof AUDIT_AREAS;
export const AUDIT_AREA_NAMES = Object.keys(AUDIT_AREAS) as AuditArea[];

/** The narrowest area an action belongs to. */
export function areaOf(action: string): AuditArea | null {
  for (const area of AUDIT_AREA_NAMES) if (AUDIT_AREAS[area].some((prefix) => action.startsWith(prefix))) return area;
  return null;
}
