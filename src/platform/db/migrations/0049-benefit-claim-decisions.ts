// Rental and trip-interruption claims are decided by claims staff before a payment run pays them
// (DOMAIN.md "Benefits": trip interruption needs receipts). Before this migration a claim went from
// `submitted` straight to `paid` by the next run, with nobody's decision. Now: submitted → approved |
// denied (by an adjuster or admin, who and when recorded, a denial with its reason code) → paid (approved
// only). The status checks 0005 created (PostgreSQL's default names `<table>_status_check`) take the new
// values, and a decided claim must name its decider (a denial its reason code) — the database enforces it.
// Claims still `submitted` stay so: they wait for a decision, as the work queue already showed them.
import { type Kysely, sql } from 'kysely';

const TABLES = ['rental_claims', 'trip_interruption_claims'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(`${table}_status_check`)}`.execute(
      db,
    );
    await sql`alter table ${sql.table(table)}
      add column decided_by text,
      add column decided_at timestamptz,
      add column decision_reason_code text,
      add column decision_reason text`.execute(db);
    await sql`alter table ${sql.table(table)} add constraint ${sql.ref(`${table}_status_check`)}
      check (status in ('submitted', 'approved', 'denied', 'paid'))`.execute(db);
    await sql`alter table ${sql.table(table)} add constraint ${sql.ref(`${table}_decision_check`)}
      check ((status not in ('approved', 'denied') or (decided_by is not null and decided_at is not null))
         and (status <> 'denied' or decision_reason_code is not null))`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // An approved claim waits for its run again; a denied one cannot be said without this migration, so
  // going down is refused (before anything changes) rather than silently making it payable.
  for (const table of TABLES) {
    const denied = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}
      where status = 'denied'`.execute(db);
    if ((denied.rows[0]?.n ?? 0) > 0)
      throw new Error(`${table} holds denied claims; they cannot be represented before migration 0049.`);
  }
  for (const table of TABLES) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(`${table}_decision_check`)}`.execute(
      db,
    );
    await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(`${table}_status_check`)}`.execute(
      db,
    );
    await sql`update ${sql.table(table)} set status = 'submitted' where status = 'approved'`.execute(db);
    await sql`alter table ${sql.table(table)}
      drop column decided_by, drop column decided_at, drop column decision_reason_code,
      drop column decision_reason`.execute(db);
    await sql`alter table ${sql.table(table)} add constraint ${sql.ref(`${table}_status_check`)}
      check (status in ('submitted', 'paid'))`.execute(db);
  }
}
