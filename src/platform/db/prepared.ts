// Server-side prepared (named) statements for the few statements a hot path sends on every request.
//
// Kysely sends every statement unnamed: the server parses and plans it each time. For a statement of
// a few CTEs that is most of its cost: measured on PGlite (2026-12-05, the rating call's quote + audit
// statement, 1,500 runs in a row) ~1.0 ms of CPU a run unnamed, ~0.5 ms named — the engine runs in the
// app's process, so that is the app's CPU; on PostgreSQL it is the server's. A statement marked with
// `prepared(...)` is sent with a name derived from its text (node-postgres then parses it once per
// connection and only binds and executes it afterwards). Only marked statements are named: their texts
// are a fixed set, so each connection keeps a bounded number of them (an unmarked statement whose text
// varies, an `in (...)` of any length, would pile up). Behind a pooler in transaction mode this needs
// one that tracks protocol-level prepared statements (PgBouncer 1.21+ with max_prepared_statements).
import { createHash } from 'node:crypto';
import { type CompiledQuery, type RawBuilder, sql } from 'kysely';
import type pg from 'pg';

/** The comment a marked statement's text starts with. */
export const PREPARED_MARK = '/* prepared */ ';

/**
 * The statement sent as a named prepared statement (it must be one statement, as every query is): a raw
 * statement, or a query compiled by the builder (run it with `db.executeQuery`).
 */
export function prepared<T>(statement: RawBuilder<T>): RawBuilder<T>;
export function prepared<T>(statement: CompiledQuery<T>): CompiledQuery<T>;
export function prepared<T>(statement: RawBuilder<T> | CompiledQuery<T>): RawBuilder<T> | CompiledQuery<T> {
  if (isCompiledQuery(statement)) {
    return statement.sql.startsWith(PREPARED_MARK)
      ? statement
      : { ...statement, sql: `${PREPARED_MARK}${statement.sql}` };
  }
  return sql<T>`${sql.raw(PREPARED_MARK)}${statement}`;
}

function isCompiledQuery<T>(statement: RawBuilder<T> | CompiledQuery<T>): statement is CompiledQuery<T> {
  return typeof (statement as CompiledQuery<T>).sql === 'string';
}

const names = new Map<string, string>();
const MAX_NAMES = 1_000;

/** A name for the text: the same text, the same name on every connection (at most 63 characters). */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `cw_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    if (names.size >= MAX_NAMES) names.clear();
    names.set(text, name);
  }
  return name;
}

// A migration that changes the row type a named statement answers (a column's type, say, while a rolling
// deploy still runs the older processes) makes PostgreSQL refuse that statement on every connection that
// prepared it, with "cached plan must not change result type" (SQLSTATE 0A000), for as long as the
// connection lives: node-postgres would keep sending the name it parsed there. The connection then
// sends that text under a new name (a fresh parse and plan) from its next use on, and the request that
// met the error is answered 503 (`isDatabaseUnavailable`), so its retry succeeds.
const FEATURE_NOT_SUPPORTED = '0A000';
const RESULT_TYPE_CHANGED = /cached plan must not change result type/;

/** Whether `error` is PostgreSQL refusing a named statement whose result type a schema change altered. */
export function isResultTypeChanged(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === FEATURE_NOT_SUPPORTED && typeof message === 'string' && RESULT_TYPE_CHANGED.test(message);
}

/**
 * Makes a pool's client send marked statements named (call it as the pool connects the client, before
 * anyone uses it). Everything else goes through unchanged.
 */
export function namePreparedStatements(client: pg.ClientBase): void {
  const query = client.query as (...args: unknown[]) => unknown;
  // The names this connection renamed after their result type changed: name → how many times.
  const renamed = new Map<string, number>();
  client.query = function (this: pg.ClientBase, ...args: unknown[]) {
    const [text, values] = args;
    if (!(args.length <= 2 && typeof text === 'string' && text.startsWith(PREPARED_MARK)))
      return query.apply(this, args);
    const base = statementName(text);
    const times = renamed.get(base) ?? 0;
    const answer = query.call(this, { name: times === 0 ? base : `${base}_${times}`, text, values });
    if (!(answer instanceof Promise)) return answer;
    return answer.catch((error: unknown) => {
      if (isResultTypeChanged(error)) renamed.set(base, times + 1);
      throw error;
    });
  } as typeof client.query;
}
