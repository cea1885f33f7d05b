import type { Database, Statement } from '../../shared/node/sqlite';

const cache = new WeakMap<Database, Map<string, Statement>>();

/** A prepared statement, compiled once per database: the hot paths run the same SQL thousands of times. */
export function sql(db: Database, text: string): Statement {
  let statements = cache.get(db);
  if (!statements) {
    statements = new Map();
    cache.set(db, statements);
  }
  let statement = statements.get(text);
  if (!statement) {
    statement = db.prepare(text);
    statements.set(text, statement);
  }
  return statement;
}
