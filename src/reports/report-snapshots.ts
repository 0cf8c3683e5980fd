// The nightly unearned-reserve snapshot (issue 9): the report as of the business day that just ended,
// stored once per date in report_snapshots (a re-run replaces that date's snapshot).
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { addDays, type CalendarDate, calendarDateInZone } from '../shared/calendar-date.js';
import { unearnedReserve } from './unearned-reserve.js';

export const UNEARNED_RESERVE_REPORT = 'unearned_reserve';

/** Stores the report as of `asOf`; returns how many plan-and-state rows it holds. */
export async function storeUnearnedReserveSnapshot(
  db: Kysely<Database>,
  asOf: CalendarDate,
): Promise<{ asOf: CalendarDate; rows: number }> {
  return db.transaction().execute(async (trx) => {
    const report = await unearnedReserve(trx, asOf);
    await trx
      .insertInto('report_snapshots')
      .values({ report: UNEARNED_RESERVE_REPORT, as_of: asOf, data: JSON.stringify(report) })
      .onConflict((oc) =>
        oc
          .columns(['report', 'as_of'])
          .doUpdateSet({ data: (eb) => eb.ref('excluded.data'), created_at: sql`now()` }),
      )
      .execute();
    return { asOf, rows: report.rows.length };
  });
}

/** The date a nightly run reports on: yesterday in the business time zone (the day that just ended). */
export function nightlyAsOf(clock: Clock, timeZone: string): CalendarDate {
  return addDays(calendarDateInZone(clock.now(), timeZone), -1);
}

export async function findUnearnedReserveSnapshot(db: Kysely<Database>, asOf: CalendarDate) {
  return db
    .selectFrom('report_snapshots')
    .select(['as_of', 'data', 'created_at'])
    .where('report', '=', UNEARNED_RESERVE_REPORT)
    .where('as_of', '=', asOf)
    .executeTakeFirst();
}
