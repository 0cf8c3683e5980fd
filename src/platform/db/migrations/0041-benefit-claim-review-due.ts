// Rental and trip-interruption claims get a review due date, so the staff work queue can order them
// with repair claims and document reviews (issue 19, "Staff home = my work"). The date is decided when
// the claim is filed, from the review SLA of the contract's catalog version (benefits.*.reviewBusinessDays)
// and the business calendar, and stored like a document's review_due_on: the queue orders by it.
// Claims filed before this migration get the default SLA (2 business days after the business day of
// filing, 17:00 cutoff, America/New_York): the catalog versions they were filed under named none.
import { type Kysely, sql } from 'kysely';
import { createBusinessCalendar } from '../../../calendar/business-days.js';

const LEGACY_REVIEW_BUSINESS_DAYS = 2;
const BATCH = 1000;

async function backfill(db: Kysely<unknown>, table: 'rental_claims' | 'trip_interruption_claims') {
  const calendar = createBusinessCalendar({ timeZone: 'America/New_York', cutoffMinutes: 17 * 60 });
  for (;;) {
    const rows = await sql<{ id: string; created_at: Date }>`
      select id, created_at from ${sql.table(table)} where review_due_on is null order by id limit ${BATCH}`.execute(
      db,
    );
    if (rows.rows.length === 0) return;
    const values = sql.join(
      rows.rows.map(
        (row) =>
          sql`(${row.id}::uuid, ${calendar.reviewDueOn(new Date(row.created_at), LEGACY_REVIEW_BUSINESS_DAYS)}::date)`,
      ),
    );
    await sql`update ${sql.table(table)} t set review_due_on = v.due
      from (values ${values}) as v(id, due) where t.id = v.id`.execute(db);
    if (rows.rows.length < BATCH) return;
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['rental_claims', 'trip_interruption_claims'] as const) {
    await sql`alter table ${sql.table(table)} add column review_due_on date`.execute(db);
    await backfill(db, table);
    await sql`alter table ${sql.table(table)} alter column review_due_on set not null`.execute(db);
    // The work queue reads open claims in (due date, arrival, id) order.
    await sql`create index ${sql.id(`${table}_review_queue_idx`)} on ${sql.table(table)}
      (review_due_on, created_at, id) where status = 'submitted'`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['rental_claims', 'trip_interruption_claims'] as const) {
    await sql`drop index ${sql.id(`${table}_review_queue_idx`)}`.execute(db);
    await sql`alter table ${sql.table(table)} drop column review_due_on`.execute(db);
  }
}
