import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { backupBeforeMigration, readMigrations, migrate } from '../shared/node/migrate';
import { openDatabase, writeTransaction, type Database } from '../shared/node/sqlite';
import { packageRoot } from '../shared/node/package-root';
import { SlipwayError } from '../shared/errors';
import { z } from 'zod';
import {
  Capture,
  type CommandAnswer,
  Guardrails,
  type LatencyHistogram,
  ReleasePlan,
  ReleaseState,
  Role,
  RuntimeEvent,
  Sample,
  type TeamAnswer,
  TeamState,
  TokenInfo,
  Webhooks,
  type VersionRef,
} from '../shared/release/protocol';
import { emptyState, emptyTeam } from '../shared/release/state';
import { describeIssues } from '../shared/issues';
import { jsonColumn } from '../shared/json-column';
import { addAggregate } from './metrics';
import { addHistogram, encodeHistogram, histogramQuantiles, newCounts, type Counts } from '../shared/release/window';

export const MIGRATIONS_DIR = join(packageRoot(), 'runtime', 'migrations');
export const RUNTIME_DB = 'runtime.db';
/** A token's id: the first hex digits of its hash, safe to show (the token cannot be found from them). */
const TOKEN_ID_LENGTH = 12;

/** One stored metrics bucket: counters and a latency histogram for an agent's version, segment and time. */
export interface Aggregate {
  agent: string;
  version: string;
  segment: string;
  startMs: number;
  widthMs: number;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  toolCalls: number;
  assertionFailures: number;
  latency: Counts;
  /** The histogram and its p50, p95, p99 as stored, on a bucket read back and not added to since. */
  stored?: { histogram: LatencyHistogram; quantiles: Array<number | null> };
}

/** What an idempotency key was first used for: its scope (agent:A, team:T), a hash of the command, the command. */
export interface KeyUse {
  key: string;
  scope: string;
  content: string;
  command: string;
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
  version(agent: string, hash: string): { agent: string; ref: VersionRef; files: Record<string, string> } | undefined;
  state(agent: string): ReleaseState;
  releases(): ReleaseState[];
  /** What a key was used for first, and its answer (read by the caller's schema once the key's use is known to match). */
  answered(key: string): { use: KeyUse; answer: (schema: z.ZodType) => unknown } | undefined;
  commit(
    next: ReleaseState,
    change: { key?: KeyUse; answer?: CommandAnswer; event: Omit<RuntimeEvent, 'id' | 'at' | 'agent'> },
  ): RuntimeEvent;
  team(name: string): TeamState;
  /** The team's state, every member's state, the answer and an event per member: one transaction. */
  commitTeam(
    team: TeamState,
    states: ReleaseState[],
    change: { key: KeyUse; answer: TeamAnswer; event: (state: ReleaseState) => Omit<RuntimeEvent, 'id' | 'at' | 'agent'> },
  ): RuntimeEvent[];
  event(agent: string, event: Omit<RuntimeEvent, 'id' | 'at' | 'agent'>): RuntimeEvent;
  eventsSince(cursor: number, agent: string | null, limit?: number): RuntimeEvent[];
  setting<K extends SettingKind>(agent: string, kind: K): Setting<K> | undefined;
  putSetting(agent: string, kind: SettingKind, value: unknown): void;
  /** A new token: its value (shown once) and its id. */
  createToken(role: Role, name: string, expiresAt?: string | null): { token: string; info: TokenInfo };
  tokens(): TokenInfo[];
  /** Revokes a token by id (or a unique prefix of it): its record, and whether this revoked it (false: it already was); undefined when none matches. */
  revokeToken(id: string): { info: TokenInfo; revoked: boolean } | undefined;
  /** The token's holder, or why it is refused. */
  tokenHolder(token: string): TokenInfo | undefined;
  addAggregates(aggregates: Aggregate[]): void;
  /** An agent's stored buckets of one width, from a start on. */
  aggregatesSince(agent: string, widthMs: number, sinceMs: number): Aggregate[];
  trimAggregates(widthMs: number, beforeMs: number): void;
  addSample(agent: string, sample: Omit<Sample, 'id' | 'at' | 'agent'>, retention: { days: number; count: number }): void;
  samples(agent: string, after: number, limit: number): Sample[];
  /** A consistent copy of the database in a file (SQLite's online backup). */
  backup(file: string): Promise<void>;
  close(): void;
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The runtime's state in SQLite under its data folder: WAL, committed on every change, so a kill loses nothing acknowledged. */
export function openRuntimeStore(dir: string, options: { migrationsDir?: string; now?: () => string } = {}): RuntimeStore {
  mkdirSync(dir, { recursive: true });
  const db: Database = openDatabase(join(dir, RUNTIME_DB));
  const now = options.now ?? (() => new Date().toISOString());
  migrate(db, readMigrations(options.migrationsDir ?? MIGRATIONS_DIR), {
    now,
    backup: (first) => backupBeforeMigration(db, join(dir, 'backups'), 'runtime', first.name, new Date(now())),
  });
  const statements = {
    putVersion: db.prepare('INSERT OR IGNORE INTO versions (agent, hash, semver, files, uploaded_at) VALUES (?, ?, ?, ?, ?)'),
    getVersion: db.prepare('SELECT hash, agent, semver, files FROM versions WHERE agent = ? AND hash = ?'),
    getState: db.prepare('SELECT state FROM releases WHERE agent = ?'),
    allStates: db.prepare('SELECT state FROM releases ORDER BY agent'),
    getTeam: db.prepare('SELECT state FROM teams WHERE team = ?'),
    putTeam: db.prepare('INSERT INTO teams (team, state) VALUES (?, ?) ON CONFLICT(team) DO UPDATE SET state = excluded.state'),
    putState: db.prepare(
      'INSERT INTO releases (agent, state) VALUES (?, ?) ON CONFLICT(agent) DO UPDATE SET state = excluded.state',
    ),
    getCommand: db.prepare(
      'SELECT idempotency_key AS key, scope, content, command, answer FROM commands WHERE idempotency_key = ?',
    ),
    putCommand: db.prepare(
      'INSERT INTO commands (idempotency_key, scope, content, command, answer, at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    addEvent: db.prepare('INSERT INTO events (at, agent, type, actor, detail) VALUES (?, ?, ?, ?, ?)'),
    eventsSince: db.prepare(
      'SELECT id, at, agent, type, actor, detail FROM events WHERE id > ? AND (? IS NULL OR agent = ?) ORDER BY id LIMIT ?',
    ),
    getSetting: db.prepare('SELECT value FROM settings WHERE agent = ? AND kind = ?'),
    putSetting: db.prepare(
      'INSERT INTO settings (agent, kind, value) VALUES (?, ?, ?) ON CONFLICT(agent, kind) DO UPDATE SET value = excluded.value',
    ),
    addToken: db.prepare('INSERT INTO tokens (hash, role, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
    findToken: db.prepare(
      'SELECT hash, role, name, created_at AS createdAt, expires_at AS expiresAt, revoked_at AS revokedAt FROM tokens WHERE hash = ?',
    ),
    allTokens: db.prepare(
      'SELECT hash, role, name, created_at AS createdAt, expires_at AS expiresAt, revoked_at AS revokedAt FROM tokens ORDER BY created_at, hash',
    ),
    tokensById: db.prepare(
      'SELECT hash, role, name, created_at AS createdAt, expires_at AS expiresAt, revoked_at AS revokedAt FROM tokens WHERE substr(hash, 1, length(?)) = ?',
    ),
    revokeToken: db.prepare('UPDATE tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL'),
    getAggregate: db.prepare(
      'SELECT agent, version, segment, start_ms AS startMs, width_ms AS widthMs, requests, errors, input_tokens AS inputTokens, output_tokens AS outputTokens, cost_usd AS costUsd, tool_calls AS toolCalls, assertion_failures AS assertionFailures, latency, latency_p50 AS p50, latency_p95 AS p95, latency_p99 AS p99 FROM metric_buckets WHERE agent = ? AND version = ? AND segment = ? AND width_ms = ? AND start_ms = ?',
    ),
    putAggregate: db.prepare(
      `INSERT INTO metric_buckets (agent, version, segment, start_ms, width_ms, requests, errors, input_tokens, output_tokens, cost_usd, tool_calls, assertion_failures, latency, latency_p50, latency_p95, latency_p99)
       VALUES (@agent, @version, @segment, @startMs, @widthMs, @requests, @errors, @inputTokens, @outputTokens, @costUsd, @toolCalls, @assertionFailures, @latency, @p50, @p95, @p99)
       ON CONFLICT(agent, version, segment, width_ms, start_ms) DO UPDATE SET requests = excluded.requests, errors = excluded.errors,
         input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, cost_usd = excluded.cost_usd,
         tool_calls = excluded.tool_calls, assertion_failures = excluded.assertion_failures, latency = excluded.latency,
         latency_p50 = excluded.latency_p50, latency_p95 = excluded.latency_p95, latency_p99 = excluded.latency_p99`,
    ),
    aggregatesSince: db.prepare(
      'SELECT agent, version, segment, start_ms AS startMs, width_ms AS widthMs, requests, errors, input_tokens AS inputTokens, output_tokens AS outputTokens, cost_usd AS costUsd, tool_calls AS toolCalls, assertion_failures AS assertionFailures, latency, latency_p50 AS p50, latency_p95 AS p95, latency_p99 AS p99 FROM metric_buckets WHERE agent = ? AND width_ms = ? AND start_ms >= ? ORDER BY start_ms',
    ),
    trimAggregates: db.prepare('DELETE FROM metric_buckets WHERE width_ms = ? AND start_ms < ?'),
    addSample: db.prepare('INSERT INTO samples (at, agent, sample) VALUES (?, ?, ?)'),
    samples: db.prepare('SELECT id, at, agent, sample FROM samples WHERE agent = ? AND id > ? ORDER BY id LIMIT ?'),
    trimSamplesByAge: db.prepare('DELETE FROM samples WHERE agent = ? AND at < ?'),
    trimSamplesByCount: db.prepare(
      'DELETE FROM samples WHERE agent = ? AND id <= (SELECT id FROM samples WHERE agent = ? ORDER BY id DESC LIMIT 1 OFFSET ?)',
    ),
  };

  const json = jsonReader();
  const StateRow = z.object({ state: z.string() });
  const KeyRow = z.object({ key: z.string(), scope: z.string(), content: z.string(), command: z.string() });
  const KeyAnswerRow = KeyRow.extend({ answer: z.string() });
  const ValueRow = z.object({ value: z.string() });
  // Schemas are made once: building one costs more than a request's own work.
  const TokenRow = TokenInfo.omit({ id: true }).extend({ hash: z.string() });
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
  const AggregateRow = z.object({
    agent: z.string(),
    version: z.string(),
    segment: z.string(),
    startMs: z.int(),
    widthMs: z.int(),
    requests: z.int(),
    errors: z.int(),
    inputTokens: z.int(),
    outputTokens: z.int(),
    costUsd: z.number(),
    toolCalls: z.int(),
    assertionFailures: z.int(),
    // Read as text: a read at the stored width answers from it as it is (textQuantiles checks it
    // pair by pair); only a sum decodes it into counts.
    latency: z.string(),
    p50: z.number().nullable(),
    p95: z.number().nullable(),
    p99: z.number().nullable(),
  });
  /** A stored bucket: its histogram kept as the text it is stored as, decoded into counts only when something adds to it. */
  const aggregateOf = (raw: unknown): Aggregate => {
    const { p50, p95, p99, ...row } = rowOf(AggregateRow, raw);
    let counts: Counts | null = null;
    return {
      ...row,
      stored: { histogram: row.latency, quantiles: [p50, p95, p99] },
      get latency() {
        counts ??= addHistogram(newCounts(), row.latency);
        return counts;
      },
    };
  };
  const state = (agent: string): ReleaseState => {
    const row: unknown = statements.getState.get(agent);
    return row === undefined ? emptyState(agent, now()) : json(ReleaseState, rowOf(StateRow, row).state, 'release state');
  };
  const tokenInfo = (raw: unknown): TokenInfo => {
    const { hash, ...row } = rowOf(TokenRow, raw);
    return { id: hash.slice(0, TOKEN_ID_LENGTH), ...row };
  };
  const keyUse = (row: z.infer<typeof KeyRow>): KeyUse => ({
    key: row.key,
    scope: row.scope,
    content: row.content,
    command: row.command,
  });
  const putKey = (use: KeyUse, answer: unknown, at: string) =>
    statements.putCommand.run(use.key, use.scope, use.content, use.command, JSON.stringify(answer), at);
  const addEvent = (at: string, agent: string, event: Omit<RuntimeEvent, 'id' | 'at' | 'agent'>): RuntimeEvent => {
    const id = Number(statements.addEvent.run(at, agent, event.type, event.actor, JSON.stringify(event.detail)).lastInsertRowid);
    return { id, at, agent, ...event };
  };

  return {
    now,
    putVersion: (agent: string, version: VersionRef, files: Record<string, string>): boolean =>
      statements.putVersion.run(agent, version.hash, version.semver, JSON.stringify(files), now()).changes > 0,
    version: (agent: string, hash: string) => {
      const found: unknown = statements.getVersion.get(agent, hash);
      if (found === undefined) return undefined;
      const row = rowOf(VersionRow, found);
      return { agent: row.agent, ref: { hash: row.hash, semver: row.semver }, files: row.files };
    },
    state,
    releases: (): ReleaseState[] =>
      statements.allStates.all().map((row) => json(ReleaseState, rowOf(StateRow, row).state, 'release state')),
    answered: (key: string) => {
      const row: unknown = statements.getCommand.get(key);
      if (row === undefined) return undefined;
      const parsed = rowOf(KeyAnswerRow, row);
      return { use: keyUse(parsed), answer: (schema: z.ZodType) => json(schema, parsed.answer, 'command answer') };
    },
    /** The new state, the command's answer and its event, in one transaction. */
    commit: (next, change) =>
      writeTransaction(db, () => {
        const at = now();
        statements.putState.run(next.agent, JSON.stringify(next));
        if (change.key && change.answer) putKey(change.key, change.answer, at);
        return addEvent(at, next.agent, change.event);
      }),
    team: (name: string): TeamState => {
      const row: unknown = statements.getTeam.get(name);
      return row === undefined ? emptyTeam(name, now()) : json(TeamState, rowOf(StateRow, row).state, 'team state');
    },
    commitTeam: (team, states, change) =>
      writeTransaction(db, () => {
        const at = now();
        statements.putTeam.run(team.team, JSON.stringify(team));
        putKey(change.key, { ...change.answer, applied: false }, at);
        return states.map((state) => {
          statements.putState.run(state.agent, JSON.stringify(state));
          return addEvent(at, state.agent, change.event(state));
        });
      }),
    event: (agent, event) => addEvent(now(), agent, event),
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
    createToken: (role, name, expiresAt = null) => {
      const token = `slrt_${randomBytes(24).toString('base64url')}`;
      const hash = tokenHash(token);
      const createdAt = now();
      statements.addToken.run(hash, role, name, createdAt, expiresAt);
      return { token, info: { id: hash.slice(0, TOKEN_ID_LENGTH), role, name, createdAt, expiresAt, revokedAt: null } };
    },
    tokens: () => statements.allTokens.all().map(tokenInfo),
    revokeToken: (id) => {
      if (!/^[0-9a-f]{6,64}$/.test(id))
        throw new SlipwayError('invalid_input', `"${id}" is not a token id (6 or more hex digits, as \`token list\` shows)`);
      const found = statements.tokensById.all(id, id);
      if (found.length > 1)
        throw new SlipwayError('invalid_input', `${found.length} tokens have ids starting ${id}: give more of the id`);
      const row = found[0];
      if (row === undefined) return undefined;
      const { hash } = rowOf(TokenRow, row);
      const revoked = statements.revokeToken.run(now(), hash).changes > 0;
      return { info: tokenInfo(statements.findToken.get(hash)), revoked };
    },
    tokenHolder: (token) => {
      const row: unknown = statements.findToken.get(tokenHash(token));
      return row === undefined ? undefined : tokenInfo(row);
    },
    /** Aggregates from memory added to the stored ones, many at once (one transaction). */
    addAggregates: (aggregates) => {
      if (aggregates.length === 0) return;
      writeTransaction(db, () => {
        for (const aggregate of aggregates) {
          const raw: unknown = statements.getAggregate.get(
            aggregate.agent,
            aggregate.version,
            aggregate.segment,
            aggregate.widthMs,
            aggregate.startMs,
          );
          const merged = raw === undefined ? aggregate : addAggregate(aggregateOf(raw), aggregate);
          const [p50 = null, p95 = null, p99 = null] = histogramQuantiles(merged.latency, [0.5, 0.95, 0.99]);
          statements.putAggregate.run({
            agent: merged.agent,
            version: merged.version,
            segment: merged.segment,
            startMs: merged.startMs,
            widthMs: merged.widthMs,
            requests: merged.requests,
            errors: merged.errors,
            inputTokens: merged.inputTokens,
            outputTokens: merged.outputTokens,
            costUsd: merged.costUsd,
            toolCalls: merged.toolCalls,
            assertionFailures: merged.assertionFailures,
            latency: encodeHistogram(merged.latency),
            p50,
            p95,
            p99,
          });
        }
      });
    },
    aggregatesSince: (agent, widthMs, sinceMs) => statements.aggregatesSince.all(agent, widthMs, sinceMs).map(aggregateOf),
    trimAggregates: (widthMs, beforeMs) => {
      statements.trimAggregates.run(widthMs, beforeMs);
    },
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
    backup: async (file) => {
      await db.backup(file);
    },
    close: () => db.close(),
  };
}

/** The holder of a request's token; refused when it is missing, unknown, revoked, expired, or of a role that may not do this. */
export function requireRole(
  store: RuntimeStore,
  header: string | undefined,
  allowed: readonly Role[],
  nowMs = Date.now(),
): TokenInfo {
  const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  if (!token)
    throw new SlipwayError(
      'unauthorized',
      'send a token: Authorization: Bearer <token> (make one with `slipway-runtime token create --role ROLE`)',
    );
  const holder = store.tokenHolder(token);
  if (!holder) throw new SlipwayError('unauthorized', 'this token is not known to this runtime');
  if (holder.revokedAt !== null)
    throw new SlipwayError('unauthorized', `token ${holder.id} ("${holder.name}") was revoked at ${holder.revokedAt}`);
  if (holder.expiresAt !== null && Date.parse(holder.expiresAt) <= nowMs)
    throw new SlipwayError('unauthorized', `token ${holder.id} ("${holder.name}") expired at ${holder.expiresAt}`);
  if (!allowed.includes(holder.role))
    throw new SlipwayError('forbidden', `a ${holder.role} token may not do this (it needs ${allowed.join(' or ')})`);
  return holder;
}
