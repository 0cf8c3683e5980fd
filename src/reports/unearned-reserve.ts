// Unearned-premium reserve (issue 9, docs/domain.md "Cancellations", the pro-rata-days rule): as of a date,
// each contract sold by then has earned its price in proportion to the days of its term that have
// passed; the rest is unearned. The per-contract figures are one SQL statement over the whole portfolio,
// grouped per plan and state (reports.repository.ts); this file adds them up and writes the CSV.
import type { CalendarDate } from '../shared/calendar-date.js';
import { csvCell } from '../shared/csv.js';

export interface UnearnedReserveRow {
  planCode: string;
  /** The purchase state: the state whose rules govern the contract. */
  state: string;
  contracts: number;
  /** Contracts cancelled on or before the as-of date. */
  cancelledContracts: number;
  writtenPremiumCents: number;
  earnedCents: number;
  unearnedCents: number;
  /** Refunds of contracts cancelled on or before the as-of date (not part of the reserve). */
  refundedCents: number;
}

export interface UnearnedReserveReport {
  asOf: CalendarDate;
  rows: UnearnedReserveRow[];
  totals: Omit<UnearnedReserveRow, 'planCode' | 'state'>;
}

/** The report as of `asOf` from its plan-and-state rows (see unearnedReserveRows for how each is figured). */
export function unearnedReserveReport(asOf: CalendarDate, rows: UnearnedReserveRow[]): UnearnedReserveReport {
  const totals = {
    contracts: 0,
    cancelledContracts: 0,
    writtenPremiumCents: 0,
    earnedCents: 0,
    unearnedCents: 0,
    refundedCents: 0,
  };
  for (const row of rows) {
    totals.contracts += row.contracts;
    totals.cancelledContracts += row.cancelledContracts;
    totals.writtenPremiumCents += row.writtenPremiumCents;
    totals.earnedCents += row.earnedCents;
    totals.unearnedCents += row.unearnedCents;
    totals.refundedCents += row.refundedCents;
  }
  return { asOf, rows, totals };
}

const CSV_COLUMNS = [
  'plan_code',
  'state',
  'contracts',
  'cancelled_contracts',
  'written_premium_cents',
  'earned_cents',
  'unearned_cents',
  'refunded_cents',
] as const;

/** The report as CSV: a header, one line per plan and state, amounts in cents. */
export function unearnedReserveCsv(report: UnearnedReserveReport): string {
  const lines: string[] = [CSV_COLUMNS.join(',')];
  for (const r of report.rows) {
    lines.push(
      [
        r.planCode,
        r.state,
        r.contracts,
        r.cancelledContracts,
        r.writtenPremiumCents,
        r.earnedCents,
        r.unearnedCents,
        r.refundedCents,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
