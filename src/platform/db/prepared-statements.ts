// Named prepared statements for the few statements every busy request runs (the coverage select, the
// statements of a holder sign-in). An unnamed statement is parsed, analysed and planned by PostgreSQL
// on every execution; a named one once per connection, then only bound and executed. A repository
// opts a compiled query in with `prepared(query)`; the connections of the pool (database.ts) send a
// registered text under its name. Only texts a call site registers are named, so the statements a
// connection keeps stay few and bounded (a statement built with a varying number of values is not
// registered), and every other statement runs unnamed as before.
import type pg from 'pg';

const names = new Map<string, string>();

/** Marks `query`'s SQL text to run as a named prepared statement; returns the query unchanged. */
export function prepared<Q extends { readonly sql: string }>(query: Q): Q {
  if (!names.has(query.sql)) names.set(query.sql, `coverwise_${names.size + 1}`);
  return query;
}

/** Has `client` send every registered text as its named prepared statement (once per pool client). */
export function namePreparedStatements(client: pg.ClientBase): void {
  const query = client.query as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = function namedQuery(this: pg.ClientBase, ...args: unknown[]) {
    const [text, values] = args;
    if (typeof text === 'string' && (values === undefined || Array.isArray(values))) {
      const name = names.get(text);
      if (name !== undefined) return query.call(this, { name, text, values }, ...args.slice(2));
    }
    return query.apply(this, args);
  };
}
