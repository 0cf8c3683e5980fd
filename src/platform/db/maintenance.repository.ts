// SQL of the embedded database's maintenance (maintenance.ts): what PostgreSQL counts per table, and
// the VACUUM and ANALYZE statements themselves.
import { type Kysely, sql } from 'kysely';
import type { TableActivity, TableMaintenance } from './maintenance.js';

/**
 * The counts of every table of the database's own schemas (pg_stat_user_tables: the counts reach it
 * within about a second of the transactions that made them), with the planner's row estimate.
 */
export async function readTableActivity<DB>(db: Kysely<DB>): Promise<TableActivity[]> {
  const result = await sql<{
    schema: string;
    table: string;
    rows: number;
    dead_rows: string | number;
    changed_since_analyze: string | number;
    inserted_since_vacuum: string | number;
  }>`
    select s.schemaname as schema, s.relname as "table", c.reltuples::float8 as rows,
      s.n_dead_tup as dead_rows, s.n_mod_since_analyze as changed_since_analyze,
      s.n_ins_since_vacuum as inserted_since_vacuum
    from pg_stat_user_tables s join pg_class c on c.oid = s.relid
    order by s.schemaname, s.relname`.execute(db);
  return result.rows.map((row) => ({
    schema: row.schema,
    table: row.table,
    rows: Number(row.rows),
    deadRows: Number(row.dead_rows),
    changedSinceAnalyze: Number(row.changed_since_analyze),
    insertedSinceVacuum: Number(row.inserted_since_vacuum),
  }));
}

/** VACUUM (ANALYZE) or ANALYZE of one table, as `maintenance` says (outside any transaction). */
export async function maintainTable<DB>(db: Kysely<DB>, maintenance: TableMaintenance): Promise<void> {
  const table = sql.table(`${maintenance.schema}.${maintenance.table}`);
  if (maintenance.vacuum) {
    await (maintenance.analyze ? sql`vacuum (analyze) ${table}` : sql`vacuum ${table}`).execute(db);
  } else if (maintenance.analyze) {
    await sql`analyze ${table}`.execute(db);
  }
}
