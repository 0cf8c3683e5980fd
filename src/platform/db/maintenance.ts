// The embedded database's autovacuum. A PostgreSQL server vacuums and analyzes its tables by itself
// (autovacuum); the embedded PGlite runs no background workers, so without this its tables would never
// be vacuumed (dead rows of updated contracts, sessions, rate-limit counters and pg-boss's job tables
// would pile up for good) nor analyzed (the planner would keep the row counts of the day a table was
// last analyzed, and a journal analyzed when nearly empty would be scanned whole on every posting).
// The recurring job `maintain-embedded-database` (src/app.ts, every minute, PGlite only) applies
// autovacuum's own rules, with its default thresholds, to the counts PostgreSQL keeps per table
// (pg_stat_user_tables): a table is
//   - vacuumed when its dead rows exceed 50 + 20% of its rows, or the rows inserted since its last
//     vacuum exceed 1,000 + 20% of its rows (so that index-only scans keep a fresh visibility map);
//   - analyzed when the rows changed since its last analyze exceed 50 + 10% of its rows.
// The rules are a pure function (tablesToMaintain); the statements are in maintenance.repository.ts.
import type { Kysely } from 'kysely';
import { maintainTable, readTableActivity } from './maintenance.repository.js';

/** What PostgreSQL counts of one table (pg_stat_user_tables, and pg_class's row estimate). */
export interface TableActivity {
  schema: string;
  table: string;
  /** The planner's row count (pg_class.reltuples): -1 (never vacuumed nor analyzed) counts as 0. */
  rows: number;
  deadRows: number;
  changedSinceAnalyze: number;
  insertedSinceVacuum: number;
}

/** Autovacuum's thresholds (PostgreSQL's settings of the same names, without the `autovacuum_` prefix). */
export interface MaintenanceThresholds {
  vacuumThreshold: number;
  vacuumScaleFactor: number;
  vacuumInsertThreshold: number;
  vacuumInsertScaleFactor: number;
  analyzeThreshold: number;
  analyzeScaleFactor: number;
}

/** PostgreSQL 15's defaults. */
export const AUTOVACUUM_DEFAULTS: MaintenanceThresholds = {
  vacuumThreshold: 50,
  vacuumScaleFactor: 0.2,
  vacuumInsertThreshold: 1000,
  vacuumInsertScaleFactor: 0.2,
  analyzeThreshold: 50,
  analyzeScaleFactor: 0.1,
};

export interface TableMaintenance {
  schema: string;
  table: string;
  vacuum: boolean;
  analyze: boolean;
}

/** The tables autovacuum would vacuum or analyze now, and which of the two (or both) each needs. */
export function tablesToMaintain(
  activity: readonly TableActivity[],
  thresholds: MaintenanceThresholds = AUTOVACUUM_DEFAULTS,
): TableMaintenance[] {
  const due: TableMaintenance[] = [];
  for (const table of activity) {
    const rows = Math.max(0, table.rows);
    const vacuum =
      table.deadRows > thresholds.vacuumThreshold + thresholds.vacuumScaleFactor * rows ||
      table.insertedSinceVacuum >
        thresholds.vacuumInsertThreshold + thresholds.vacuumInsertScaleFactor * rows;
    const analyze =
      table.changedSinceAnalyze > thresholds.analyzeThreshold + thresholds.analyzeScaleFactor * rows;
    if (vacuum || analyze) due.push({ schema: table.schema, table: table.table, vacuum, analyze });
  }
  return due;
}

/**
 * One pass of the maintenance: reads the tables' counts, then vacuums and analyzes, one table at a
 * time, those autovacuum's rules name. Answers what it did, for the job's log line.
 */
export async function maintainDatabase<DB>(
  db: Kysely<DB>,
  thresholds: MaintenanceThresholds = AUTOVACUUM_DEFAULTS,
): Promise<{ vacuumed: string[]; analyzed: string[] }> {
  const due = tablesToMaintain(await readTableActivity(db), thresholds);
  const vacuumed: string[] = [];
  const analyzed: string[] = [];
  for (const table of due) {
    await maintainTable(db, table);
    const name = `${table.schema}.${table.table}`;
    if (table.vacuum) vacuumed.push(name);
    if (table.analyze) analyzed.push(name);
  }
  return { vacuumed, analyzed };
}
