// The reports' use cases: the unearned-reserve report as of a date and its nightly snapshot (issue 9),
// stored once per date in report_snapshots (a re-run replaces that date's snapshot).
import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { transactional } from '../platform/db/transaction.js';
import { addDays, addMonths, type CalendarDate, calendarDateInZone } from '../shared/calendar-date.js';
import { type MonthEndReport, monthBounds, monthEndReport } from './month-end.js';
import {
  dealersOpenItems,
  premiumByMonth,
  premiumByPlanAndState,
  refundStatesAsOf,
} from './month-end.repository.js';
import { findReportSnapshot, unearnedReserveRows, upsertReportSnapshot } from './reports.repository.js';
import { type UnearnedReserveReport, unearnedReserveReport } from './unearned-reserve.js';

export const UNEARNED_RESERVE_REPORT = 'unearned_reserve';

/** The unearned-premium reserve as of `asOf`, per plan and state, with its totals. */
export async function unearnedReserve(
  db: Kysely<Database>,
  asOf: CalendarDate,
  timeZone: string,
): Promise<UnearnedReserveReport> {
  return unearnedReserveReport(asOf, await unearnedReserveRows(db, asOf, timeZone));
}

/** Stores the report as of `asOf`; returns how many plan-and-state rows it holds. */
export async function storeUnearnedReserveSnapshot(
  db: Kysely<Database>,
  asOf: CalendarDate,
  timeZone: string,
): Promise<{ asOf: CalendarDate; rows: number }> {
  return transactional(db)(async (trx) => {
    const report = await unearnedReserve(trx, asOf, timeZone);
    await upsertReportSnapshot(trx, UNEARNED_RESERVE_REPORT, asOf, report);
    return { asOf, rows: report.rows.length };
  });
}

/** The date a nightly run reports on: yesterday in the business time zone (the day that just ended). */
export function nightlyAsOf(clock: Clock, timeZone: string): CalendarDate {
  return addDays(calendarDateInZone(clock.now(), timeZone), -1);
}

export function findUnearnedReserveSnapshot(db: Kysely<Database>, asOf: CalendarDate) {
  return findReportSnapshot(db, UNEARNED_RESERVE_REPORT, asOf);
}

/** The month-end report for `month` (YYYY-MM), with written and earned for the twelve months to it. */
export async function monthEnd(db: Kysely<Database>, month: string): Promise<MonthEndReport> {
  const { from, to } = monthBounds(month);
  const [premium, trend, dealers, refunds] = await Promise.all([
    premiumByPlanAndState(db, { from, to }),
    premiumByMonth(db, { from: addMonths(from, -11), to }),
    dealersOpenItems(db, to),
    refundStatesAsOf(db, to),
  ]);
  return monthEndReport({ month, premium, trend, dealers, refunds });
}
