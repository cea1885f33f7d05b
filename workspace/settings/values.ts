import { z } from 'zod';
import { SlipwayError } from '../../shared/errors';
import { sql, typed } from '../statements';
import { jsonColumn } from '../../shared/json-column';
import type { Workspace } from '../workspace';

const ValueRow = z.object({ value: z.string() });

/**
 * A small JSON value of the workspace's settings table (cursors, last known states, trusted
 * keys), read back through its schema: a value another version of Slipway wrote differently is
 * refused by name rather than trusted.
 */
export function readSetting<T>(ws: Workspace, key: string, schema: z.ZodType<T>): T | null {
  const row = typed(ws.db, ValueRow, 'SELECT value FROM settings WHERE key = ?').get(key);
  if (!row) return null;
  const parsed = jsonColumn(schema).safeParse(row.value);
  if (!parsed.success)
    throw new SlipwayError('workspace', `the workspace setting "${key}" is not in the shape this Slipway reads`);
  return parsed.data;
}

export function writeSetting(ws: Workspace, key: string, value: unknown): void {
  sql(ws.db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
    key,
    JSON.stringify(value),
  );
}
