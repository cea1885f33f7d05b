import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readMigrations, migrate } from '../shared/node/migrate';
import { openDatabase, writeTransaction, type Database } from '../shared/node/sqlite';
import { packageRoot } from '../shared/node/package-root';
import { SlipwayError } from '../shared/errors';
import { z } from 'zod';
import {
  Capture,
  CommandAnswer,
  Guardrails,
  ReleasePlan,
  ReleaseState,
  Role,
  RuntimeEvent,
  Sample,
  TeamAnswer,
  TeamState,
  Webhooks,
  type VersionRef,
} from '../shared/release/protocol';
import { emptyState, emptyTeam } from '../shared/release/state';
import { describeIssues } from '../shared/issues';
import { jsonColumn } from '../shared/json-column';

export const MIGRATIONS_DIR = join(packageRoot(), 'runtime', 'migrations');

export interface ServedRequest {
  agent: string;
  version: string;
  atMs: number;
  latencyMs: number;
  error: boolean;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  toolCalls: number;
  assertionFailed: boolean;
}

/** An agent's settings on the runtime, each read back through its schema. */
interface Settings {
  plan: ReleasePlan;
  guardrails: Guardrails;
  capture: Capture;
  webhooks: z.infer<typeof Webhooks>;
}
export type SettingKind = keyof Settings;
export type Setting<K extends SettingKind> = Settings[K];
const SETTINGS: { [K in SettingKind]: z.ZodType<Settings[K]> } = {
  plan: ReleasePlan,
  guardrails: Guardrails,
  capture: Capture,
  webhooks: Webhooks,
};

/**
 * A release state or an agent's settings from the runtime's database, parsed and checked by its
 * schema — once per distinct text: they are read on every request, and parsing them again each
 * time would cost more than routing does. What is read once (files, answers, events) is parsed
 * in its row instead (jsonColumn), and not kept.
 */
function jsonReader() {
  const seen = new Map<z.ZodType, Map<string, unknown>>();
  return <S extends z.ZodType>(schema: S, text: string, what: string): z.output<S> => {
    let cache = seen.get(schema);
    if (!cache) seen.set(schema, (cache = new Map()));
    // The cache of a schema holds only what that schema parsed.
    if (cache.has(text)) return cache.get(text) as z.output<S>;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new SlipwayError('internal', `the runtime's stored ${what} is not JSON`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      throw new SlipwayError(
        'internal',
        `the runtime's stored ${what} is not in the shape this runtime reads: ${describeIssues(parsed.error, { most: 1 })}`,
      );
    if (cache.size >= 256) cache.delete(cache.keys().next().value ?? '');
    cache.set(text, parsed.data);
    return parsed.data;
  };
}

/** A row of a prepared statement, checked by its schema. */
function rowOf<S extends z.ZodType>(schema: S, row: unknown): z.output<S> {
  const parsed = schema.safeParse(row);
  if (!parsed.success)
    throw new SlipwayError(
      'internal',
      `a row of the runtime's database is not in the shape it reads: ${describeIssues(parsed.error, { root: 'row', most: 1 })}`,
    );
  return parsed.data;
}

export interface RuntimeStore {
  now: () => string;
  putVersion(agent: string, version: VersionRef, files: Record<string, string>): boolean;
  version(hash: string): { agent: string; ref: VersionRef; files: Record<string, string> } | undefined;
  state(agent: string): ReleaseState;
  releases(): ReleaseState[];
  answered(key: string): CommandAnswer | undefined;
  commit(
    next: ReleaseState,
    change: { key?: string; answer?: CommandAnswer; event: Omit<RuntimeEvent, 'id' | 'at' | 'agent'> },
  ): RuntimeEvent;
  team(name: string): TeamState;
  teamAnswered(key: string): TeamAnswer | undefined;
  /** The team's state, every member's state, the answer and an event per member: one transaction. */
  commitTeam(
    team: TeamState,
    states: ReleaseState[],
    change: { key: string; answer: TeamAnswer; event: (state: ReleaseState) => Omit<RuntimeEvent, 'id' | 'at' | 'agent'> },
  ): RuntimeEvent[];
  event(agent: string, event: Omit<RuntimeEvent, 'id' | 'at' | 'agent'>): RuntimeEvent;
  eventsSince(cursor: number, agent: string | null, limit?: number): RuntimeEvent[];
  setting<K extends SettingKind>(agent: string, kind: K): Setting<K> | undefined;
  putSetting(agent: string, kind: SettingKind, value: unknown): void;
  createToken(role: Role, name: string): string;
  tokenRole(token: string): Role | undefined;
  recordRequests(requests: ServedRequest[]): void;
  requestsSince(agent: string, sinceMs: number): ServedRequest[];
  addSample(agent: string, sample: Omit<Sample, 'id' | 'at' | 'agent'>, retention: { days: number; count: number }): void;
  samples(agent: string, after: number, limit: number): Sample[];
  close(): void;
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The runtime's state in SQLite under its data folder: WAL, committed on every change, so a kill loses nothing acknowledged. */
export function openRuntimeStore(dir: string, options: { migrationsDir?: string; now?: () => string } = {}): RuntimeStore {
  mkdirSync(dir, { recursive: true });
  const db: Database = openDatabase(join(dir, 'runtime.db'));
  const now = options.now ?? (() => new Date().toISOString());
  migrate(db, readMigrations(options.migrationsDir ?? MIGRATIONS_DIR), { now, backup: () => undefined });
  const statements = {
    putVersion: db.prepare('INSERT OR IGNORE INTO versions (hash, agent, semver, files, uploaded_at) VALUES (?, ?, ?, ?, ?)'),
    getVersion: db.prepare('SELECT hash, agent, semver, files FROM versions WHERE hash = ?'),
    getState: db.prepare('SELECT state FROM releases WHERE agent = ?'),
    allStates: db.prepare('SELECT state FROM releases ORDER BY agent'),
    getTeam: db.prepare('SELECT state FROM teams WHERE team = ?'),
    putTeam: db.prepare('INSERT INTO teams (team, state) VALUES (?, ?) ON CONFLICT(team) DO UPDATE SET state = excluded.state'),
    putState: db.prepare(
      'INSERT INTO releases (agent, state) VALUES (?, ?) ON CONFLICT(agent) DO UPDATE SET state = excluded.state',
    ),
    getCommand: db.prepare('SELECT answer FROM commands WHERE idempotency_key = ?'),
    putCommand: db.prepare('INSERT INTO commands (idempotency_key, agent, answer, at) VALUES (?, ?, ?, ?)'),
    addEvent: db.prepare('INSERT INTO events (at, agent, type, actor, detail) VALUES (?, ?, ?, ?, ?)'),
    eventsSince: db.prepare(
      'SELECT id, at, agent, type, actor, detail FROM events WHERE id > ? AND (? IS NULL OR agent = ?) ORDER BY id LIMIT ?',
    ),
    getSetting: db.prepare('SELECT value FROM settings WHERE agent = ? AND kind = ?'),
    putSetting: db.prepare(
      'INSERT INTO settings (agent, kind, value) VALUES (?, ?, ?) ON CONFLICT(agent, kind) DO UPDATE SET value = excluded.value',
    ),
    addToken: db.prepare('INSERT INTO tokens (hash, role, name, created_at) VALUES (?, ?, ?, ?)'),
    findToken: db.prepare('SELECT role, name FROM tokens WHERE hash = ?'),
    addRequest: db.prepare(
      'INSERT INTO requests (agent, version, at_ms, latency_ms, error, input_tokens, output_tokens, cost_usd, tool_calls, assertion_failed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    requestsSince: db.prepare(
      'SELECT version, at_ms AS atMs, latency_ms AS latencyMs, error, input_tokens AS inputTokens, output_tokens AS outputTokens, cost_usd AS costUsd, tool_calls AS toolCalls, assertion_failed AS assertionFailed FROM requests WHERE agent = ? AND at_ms >= ? ORDER BY at_ms',
    ),
    addSample: db.prepare('INSERT INTO samples (at, agent, sample) VALUES (?, ?, ?)'),
    samples: db.prepare('SELECT id, at, agent, sample FROM samples WHERE agent = ? AND id > ? ORDER BY id LIMIT ?'),
    trimSamplesByAge: db.prepare('DELETE FROM samples WHERE agent = ? AND at < ?'),
    trimSamplesByCount: db.prepare(
      'DELETE FROM samples WHERE agent = ? AND id <= (SELECT id FROM samples WHERE agent = ? ORDER BY id DESC LIMIT 1 OFFSET ?)',
    ),
  };

  const json = jsonReader();
  const StateRow = z.object({ state: z.string() });
  const CommandAnswerRow = z.object({ answer: jsonColumn(CommandAnswer) });
  const TeamAnswerRow = z.object({ answer: jsonColumn(TeamAnswer) });
  const ValueRow = z.object({ value: z.string() });
  // Schemas are made once: building one costs more than a request's own work.
  const TokenRow = z.object({ role: Role });
  const SampleRow = z.object({
    id: z.int(),
    at: z.string(),
    agent: z.string(),
    sample: jsonColumn(Sample.omit({ id: true, at: true, agent: true })),
  });
  const VersionRow = z.object({
    hash: z.string(),
    agent: z.string(),
    semver: z.string(),
    files: jsonColumn(z.record(z.string(), z.string())),
  });
  const EventRow = RuntimeEvent.extend({ detail: jsonColumn(RuntimeEvent.shape.detail) });
  const RequestRow = z.object({
    version: z.string(),
    atMs: z.number(),
    latencyMs: z.number(),
    error: z.int(),
    inputTokens: z.number(),
    outputTokens: z.number(),
    costUsd: z.number(),
    toolCalls: z.int(),
    assertionFailed: z.int(),
  });
  const state = (agent: string): ReleaseState => {
    const row: unknown = statements.getState.get(agent);
    return row === undefined ? emptyState(agent, now()) : json(ReleaseState, rowOf(StateRow, row).state, 'release state');
  };

  return {
    now,
    putVersion: (agent: string, version: VersionRef, files: Record<string, string>): boolean =>
      statements.putVersion.run(version.hash, agent, version.semver, JSON.stringify(files), now()).changes > 0,
    version: (hash: string): { agent: string; ref: VersionRef; files: Record<string, string> } | undefined => {
      const found: unknown = statements.getVersion.get(hash);
      if (found === undefined) return undefined;
      const row = rowOf(VersionRow, found);
      return {
        agent: row.agent,
        ref: { hash: row.hash, semver: row.semver },
        files: row.files,
      };
    },
    state,
    releases: (): ReleaseState[] =>
      statements.allStates.all().map((row) => json(ReleaseState, rowOf(StateRow, row).state, 'release state')),
    /** A command's answer under its idempotency key, if it was applied before. */
    answered: (key: string): CommandAnswer | undefined => {
      const row: unknown = statements.getCommand.get(key);
      return row === undefined ? undefined : rowOf(CommandAnswerRow, row).answer;
    },
    /** The new state, the command's answer and its event, in one transaction. */
    commit: (
      next: ReleaseState,
      change: { key?: string; answer?: CommandAnswer; event: Omit<RuntimeEvent, 'id' | 'at' | 'agent'> },
    ): RuntimeEvent =>
      writeTransaction(db, () => {
        const at = now();
        statements.putState.run(next.agent, JSON.stringify(next));
        if (change.key && change.answer) statements.putCommand.run(change.key, next.agent, JSON.stringify(change.answer), at);
        const id = Number(
          statements.addEvent.run(at, next.agent, change.event.type, change.event.actor, JSON.stringify(change.event.detail))
            .lastInsertRowid,
        );
        return { id, at, agent: next.agent, ...change.event };
      }),
    team: (name: string): TeamState => {
      const row: unknown = statements.getTeam.get(name);
      return row === undefined ? emptyTeam(name, now()) : json(TeamState, rowOf(StateRow, row).state, 'team state');
    },
    teamAnswered: (key: string): TeamAnswer | undefined => {
      const row: unknown = statements.getCommand.get(key);
      return row === undefined ? undefined : rowOf(TeamAnswerRow, row).answer;
    },
    commitTeam: (team, states, change) =>
      writeTransaction(db, () => {
        const at = now();
        statements.putTeam.run(team.team, JSON.stringify(team));
        statements.putCommand.run(change.key, `team:${team.team}`, JSON.stringify({ ...change.answer, applied: false }), at);
        return states.map((state) => {
          statements.putState.run(state.agent, JSON.stringify(state));
          const event = change.event(state);
          const id = Number(
            statements.addEvent.run(at, state.agent, event.type, event.actor, JSON.stringify(event.detail)).lastInsertRowid,
          );
          return { id, at, agent: state.agent, ...event };
        });
      }),
    event: (agent: string, event: Omit<RuntimeEvent, 'id' | 'at' | 'agent'>): RuntimeEvent => {
      const at = now();
      const id = Number(
        statements.addEvent.run(at, agent, event.type, event.actor, JSON.stringify(event.detail)).lastInsertRowid,
      );
      return { id, at, agent, ...event };
    },
    eventsSince: (cursor: number, agent: string | null, limit = 1000): RuntimeEvent[] =>
      statements.eventsSince.all(cursor, agent, agent, limit).map((raw) => rowOf(EventRow, raw)),
    setting: <K extends SettingKind>(agent: string, kind: K): Setting<K> | undefined => {
      const row: unknown = statements.getSetting.get(agent, kind);
      return row === undefined ? undefined : json(SETTINGS[kind], rowOf(ValueRow, row).value, `${kind} of ${agent}`);
    },
    putSetting: (agent: string, kind: SettingKind, value: unknown): void => {
      statements.putSetting.run(agent, kind, JSON.stringify(value));
    },
    /** A new token of a role: the value is returned once; only its hash is kept. */
    createToken: (role: Role, name: string): string => {
      const token = `slrt_${randomBytes(24).toString('base64url')}`;
      statements.addToken.run(tokenHash(token), role, name, now());
      return token;
    },
    tokenRole: (token: string): Role | undefined => {
      const row: unknown = statements.findToken.get(tokenHash(token));
      return row === undefined ? undefined : rowOf(TokenRow, row).role;
    },
    /** Served requests, many at once (one transaction), as the metrics buffer flushes them. */
    recordRequests: (requests: ServedRequest[]): void => {
      if (requests.length === 0) return;
      writeTransaction(db, () => {
        for (const r of requests)
          statements.addRequest.run(
            r.agent,
            r.version,
            r.atMs,
            r.latencyMs,
            r.error ? 1 : 0,
            r.inputTokens,
            r.outputTokens,
            r.costUsd,
            r.toolCalls,
            r.assertionFailed ? 1 : 0,
          );
      });
    },
    requestsSince: (agent: string, sinceMs: number): ServedRequest[] =>
      statements.requestsSince.all(agent, sinceMs).map((raw) => {
        const row = rowOf(RequestRow, raw);
        return { ...row, agent, error: row.error === 1, assertionFailed: row.assertionFailed === 1 };
      }),
    addSample: (agent: string, sample: Omit<Sample, 'id' | 'at' | 'agent'>, retention: { days: number; count: number }): void => {
      writeTransaction(db, () => {
        const at = now();
        statements.addSample.run(at, agent, JSON.stringify(sample));
        statements.trimSamplesByAge.run(agent, new Date(Date.parse(at) - retention.days * 86_400_000).toISOString());
        statements.trimSamplesByCount.run(agent, agent, retention.count);
      });
    },
    samples: (agent: string, after: number, limit: number): Sample[] =>
      statements.samples.all(agent, after, limit).map((raw) => {
        const { sample, ...row } = rowOf(SampleRow, raw);
        return { ...sample, ...row };
      }),
    close: () => db.close(),
  };
}

/** Refuses a token that is missing, unknown, or of a role that may not do this. */
export function requireRole(store: RuntimeStore, header: string | undefined, allowed: readonly Role[]): Role {
  const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  if (!token)
    throw new SlipwayError(
      'unauthorized',
      'send a token: Authorization: Bearer <token> (make one with `slipway-runtime token create --role ROLE`)',
    );
  const role = store.tokenRole(token);
  if (!role) throw new SlipwayError('unauthorized', 'this token is not known to this runtime');
  if (!allowed.includes(role))
    throw new SlipwayError('forbidden', `a ${role} token may not do this (it needs ${allowed.join(' or ')})`);
  return role;
}
