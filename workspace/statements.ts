import { z } from 'zod';
import { SlipwayError } from '../shared/errors';
import type { Database, Statement } from '../shared/node/sqlite';
import { describeIssues } from '../shared/issues';

type Cache = WeakMap<Database, Map<string, Statement>>;

const objectRows: Cache = new WeakMap();
const arrayRows: Cache = new WeakMap();

function cached(cache: Cache, db: Database, text: string, prepare: () => Statement): Statement {
  let statements = cache.get(db);
  if (!statements) {
    statements = new Map();
    cache.set(db, statements);
  }
  let statement = statements.get(text);
  if (!statement) {
    statement = prepare();
    statements.set(text, statement);
  }
  return statement;
}

/** A prepared statement, compiled once per database: the hot paths run the same SQL thousands of times. */
export function sql(db: Database, text: string): Statement {
  return cached(objectRows, db, text, () => db.prepare(text));
}

/** Like sql(), but rows come back as arrays: a third faster when reading thousands of rows. */
function sqlRows(db: Database, text: string): Statement {
  return cached(arrayRows, db, text, () => db.prepare(text).raw(true));
}

/**
 * A prepared statement whose rows are parsed by a schema on the way out (compiled once per
 * database, as sql() is): a row that is not what this Slipway expects — a column another version
 * wrote differently, JSON that no longer parses — is refused by name instead of trusted by a cast.
 */
export function typed<S extends z.ZodType>(db: Database, schema: S, text: string) {
  const statement = sql(db, text);
  return {
    get: (...params: unknown[]): z.output<S> | undefined => {
      const row: unknown = statement.get(...params);
      return row === undefined ? undefined : checkRow(schema, row);
    },
    all: (...params: unknown[]): Array<z.output<S>> => statement.all(...params).map((row) => checkRow(schema, row)),
    /** The row a statement always returns (an aggregate, a row another one guarantees). */
    one: (...params: unknown[]): z.output<S> => {
      const row: unknown = statement.get(...params);
      if (row === undefined) throw new SlipwayError('internal', `no row where one must be: ${text.split('\n')[0]}`);
      return checkRow(schema, row);
    },
  };
}

function checkRow<S extends z.ZodType>(schema: S, row: unknown): z.output<S> {
  const parsed = schema.safeParse(row);
  if (parsed.success) return parsed.data;
  throw new SlipwayError(
    'workspace',
    `the workspace holds a row this Slipway cannot read (${describeIssues(parsed.error, { root: 'row', most: 1 })}) — was it written by a newer Slipway?`,
  );
}

/**
 * For a history of thousands of rows of plain SQL columns (no JSON): rows as arrays (sqlRows, a
 * third faster), the first checked by the tuple schema so that a renamed or retyped column fails
 * the first read, the rest — from the same statement, so of the same shape — taken as they come:
 * checking each of 10,000 rows would cost more than reading them (bench/store's list).
 */
export function typedArrays<S extends z.ZodType<unknown[]>>(db: Database, schema: S, text: string) {
  const statement = sqlRows(db, text);
  return {
    all: (...params: unknown[]): Array<z.output<S>> => {
      const rows: unknown[] = statement.all(...params);
      if (rows.length > 0) checkRow(schema, rows[0]);
      return rows as Array<z.output<S>>;
    },
  };
}
