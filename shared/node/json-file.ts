import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';

/** Writes JSON whole or not at all: a temp file renamed over the old one, so a crash never leaves half a file. */
export function writeJsonAtomic(file: string, value: unknown, mode?: number): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(value), mode === undefined ? {} : { mode });
  renameSync(`${file}.tmp`, file);
}

/** A small state file of the app (window bounds, recent workspaces): missing or not what we wrote means the fallback. */
export function readJsonOr<T>(file: string, schema: z.ZodType<T>, fallback: T): T {
  if (!existsSync(file)) return fallback;
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}
