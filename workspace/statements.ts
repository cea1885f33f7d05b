import type { Database, Statement } from '../shared/node/sqlite';

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
export function sqlRows(db: Database, text: string): Statement {
  return cached(arrayRows, db, text, () => db.prepare(text).raw(true));
}
