import { z } from 'zod';
import { SlipwayError } from '../../shared/errors';
import { writeTransaction } from '../../shared/node/sqlite';
import { sql, typed } from '../statements';
import { jsonColumn } from '../../shared/json-column';
import type { Workspace } from '../workspace';
import { readSetting, writeSetting } from '../settings/values';
import { appendAudit } from '../audit/audit-log';

/** A runtime the workspace releases to; its token is a secret kept elsewhere. */
const Target = z.object({ name: z.string(), url: z.string(), label: z.string() });
export type Target = z.infer<typeof Target>;
const ValueRow = z.object({ value: jsonColumn(Target) });

/** The name of a target's token among the keys (the vault, or SLIPWAY_KEY_<NAME>). */
export function targetTokenName(target: string): string {
  return `RUNTIME_${target.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The environment variable the CLI reads a target's token from. */
export function targetTokenVariable(target: string): string {
  return `SLIPWAY_TOKEN_${target.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function listTargets(ws: Workspace): Target[] {
  return typed(ws.db, ValueRow, "SELECT value FROM settings WHERE key LIKE 'target:%' ORDER BY key")
    .all()
    .map((row) => row.value);
}

export function getTarget(ws: Workspace, name: string): Target {
  const found = readSetting(ws, `target:${name}`, Target);
  if (!found)
    throw new SlipwayError(
      'not_found',
      `no target named "${name}" (targets: ${
        listTargets(ws)
          .map((target) => target.name)
          .join(', ') || 'none yet'
      })`,
    );
  return found;
}

export function saveTarget(ws: Workspace, target: Target): Target {
  if (!/^https?:\/\/.+/.test(target.url)) throw new SlipwayError('invalid_input', `"${target.url}" is not an http(s) URL`);
  writeTransaction(ws.db, () => {
    const before = readSetting(ws, `target:${target.name}`, Target);
    writeSetting(ws, `target:${target.name}`, target);
    appendAudit(ws, { action: 'release.target', agentId: null, subject: target.name, before, after: target });
  });
  return target;
}

export function removeTarget(ws: Workspace, name: string): void {
  const target = getTarget(ws, name);
  writeTransaction(ws.db, () => {
    sql(ws.db, 'DELETE FROM settings WHERE key = ?').run(`target:${name}`);
    appendAudit(ws, { action: 'release.target-removed', agentId: null, subject: name, before: target, after: null });
  });
}
