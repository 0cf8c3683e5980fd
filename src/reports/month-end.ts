// The month-end report (issue 16, "Reports"): written, earned and unearned premium by plan and state,
// claims paid and the loss ratio, dealer receivables aging and the lender-event refunds due and
// overdue, for one calendar month. The amounts come from the general ledger and the dealer accounts
// (month-end.repository.ts); this file adds them up, ages the receivables and writes the CSV. Pure.
//
// - Written: premium put on unearned premium by the month's contracts written (less voids).
// - Earned: the month's earning entries (and cancellations' earned part) on earned premium.
// - Unearned: the unearned-premium balance at the end of the month's last day.
// - Claims paid: cash paid out for claims (repair, rental, trip interruption, roadside, GAP) in the month.
// - Loss ratio: claims paid ÷ earned premium, in basis points, half-up; null when nothing was earned.
import { type Aging, ageItems, type OpenItem } from '../dealers/dealer-statement.js';
import { addDays, addMonths, type CalendarDate } from '../shared/calendar-date.js';
import { csvCell } from '../shared/csv.js';

export interface PremiumRow {
  planCode: string;
  state: string;
  writtenCents: number;
  earnedCents: number;
  unearnedCents: number;
  claimsPaidCents: number;
}

export interface PremiumReportRow extends PremiumRow {
  lossRatioBasisPoints: number | null;
}

export interface MonthTrend {
  month: string;
  writtenCents: number;
  earnedCents: number;
}

export interface DealerOpenItems {
  dealer: { code: string; name: string };
  items: readonly OpenItem[];
  unappliedCreditsCents: number;
}

export interface DealerAgingRow extends Aging {
  dealerCode: string;
  dealerName: string;
  balanceCents: number;
}

export const REFUND_STATES = ['paid_on_time', 'paid_late', 'due', 'overdue'] as const;
export type RefundState = (typeof REFUND_STATES)[number];

export interface RefundCount {
  count: number;
  amountCents: number;
}

export interface MonthEndReport {
  month: string;
  from: CalendarDate;
  to: CalendarDate;
  premium: PremiumReportRow[];
  premiumTotals: Omit<PremiumReportRow, 'planCode' | 'state'>;
  trend: MonthTrend[];
  receivables: DealerAgingRow[];
  receivablesTotals: Aging & { balanceCents: number };
  refunds: Record<RefundState, RefundCount>;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

/** The first and last day of a YYYY-MM month. */
export function monthBounds(month: string): { from: CalendarDate; to: CalendarDate } {
  const from = `${month}-01`;
  return { from, to: addDays(addMonths(from, 1), -1) };
}

/** Claims ÷ earned in basis points, half-up; null when nothing (or a negative amount) was earned. */
export function lossRatioBasisPoints(claimsPaidCents: number, earnedCents: number): number | null {
  if (earnedCents <= 0) return null;
  const sign = claimsPaidCents < 0 ? -1 : 1;
  return sign * Math.floor((Math.abs(claimsPaidCents) * 10_000 * 2 + earnedCents) / (earnedCents * 2));
}

export function monthEndReport(input: {
  month: string;
  premium: readonly PremiumRow[];
  trend: readonly MonthTrend[];
  dealers: readonly DealerOpenItems[];
  refunds: Partial<Record<RefundState, RefundCount>>;
}): MonthEndReport {
  const { from, to } = monthBounds(input.month);
  const premium = [...input.premium]
    .filter(
      (row) =>
        row.writtenCents !== 0 ||
        row.earnedCents !== 0 ||
        row.unearnedCents !== 0 ||
        row.claimsPaidCents !== 0,
    )
    .sort((a, b) => a.planCode.localeCompare(b.planCode) || a.state.localeCompare(b.state))
    .map((row) => ({
      ...row,
      lossRatioBasisPoints: lossRatioBasisPoints(row.claimsPaidCents, row.earnedCents),
    }));
  const sums = { writtenCents: 0, earnedCents: 0, unearnedCents: 0, claimsPaidCents: 0 };
  for (const row of premium) {
    sums.writtenCents += row.writtenCents;
    sums.earnedCents += row.earnedCents;
    sums.unearnedCents += row.unearnedCents;
    sums.claimsPaidCents += row.claimsPaidCents;
  }
  const receivables = input.dealers
    .map((dealer) => {
      const aging = ageItems(dealer.items, dealer.unappliedCreditsCents, to);
      return {
        dealerCode: dealer.dealer.code,
        dealerName: dealer.dealer.name,
        ...aging,
        balanceCents: aging.currentCents + aging.days30Cents + aging.days60Cents + aging.days90PlusCents,
      };
    })
    .filter(
      (row) =>
        row.currentCents !== 0 || row.days30Cents !== 0 || row.days60Cents !== 0 || row.days90PlusCents !== 0,
    );
  const receivablesTotals = {
    currentCents: 0,
    days30Cents: 0,
    days60Cents: 0,
    days90PlusCents: 0,
    balanceCents: 0,
  };
  for (const row of receivables) {
    receivablesTotals.currentCents += row.currentCents;
    receivablesTotals.days30Cents += row.days30Cents;
    receivablesTotals.days60Cents += row.days60Cents;
    receivablesTotals.days90PlusCents += row.days90PlusCents;
    receivablesTotals.balanceCents += row.balanceCents;
  }
  const refunds = Object.fromEntries(
    REFUND_STATES.map((state) => [state, input.refunds[state] ?? { count: 0, amountCents: 0 }]),
  ) as Record<RefundState, RefundCount>;
  return {
    month: input.month,
    from,
    to,
    premium,
    premiumTotals: {
      ...sums,
      lossRatioBasisPoints: lossRatioBasisPoints(sums.claimsPaidCents, sums.earnedCents),
    },
    trend: [...input.trend].sort((a, b) => a.month.localeCompare(b.month)),
    receivables,
    receivablesTotals,
    refunds,
  };
}

/**
 * The report as one tidy CSV: `section,plan_code,state,dealer_code,measure,value` — one line per
 * figure (amounts in cents; the loss ratio in basis points), so a spreadsheet can pivot it.
 */
export function monthEndCsv(report: MonthEndReport): string {
  const lines = ['month,section,plan_code,state,dealer_code,measure,value'];
  const push = (
    section: string,
    keys: { planCode?: string; state?: string; dealerCode?: string },
    measure: string,
    value: number | null,
  ) =>
    lines.push(
      [report.month, section, keys.planCode, keys.state, keys.dealerCode, measure, value]
        .map(csvCell)
        .join(','),
    );
  const premiumMeasures = [
    ['written_cents', 'writtenCents'],
    ['earned_cents', 'earnedCents'],
    ['unearned_cents', 'unearnedCents'],
    ['claims_paid_cents', 'claimsPaidCents'],
    ['loss_ratio_bp', 'lossRatioBasisPoints'],
  ] as const;
  for (const row of report.premium)
    for (const [measure, key] of premiumMeasures) push('premium', row, measure, row[key]);
  for (const [measure, key] of premiumMeasures) push('premium_total', {}, measure, report.premiumTotals[key]);
  const agingMeasures = [
    ['current_cents', 'currentCents'],
    ['days_30_cents', 'days30Cents'],
    ['days_60_cents', 'days60Cents'],
    ['days_90_plus_cents', 'days90PlusCents'],
    ['balance_cents', 'balanceCents'],
  ] as const;
  for (const row of report.receivables)
    for (const [measure, key] of agingMeasures)
      push('receivables', { dealerCode: row.dealerCode }, measure, row[key]);
  for (const [measure, key] of agingMeasures)
    push('receivables_total', {}, measure, report.receivablesTotals[key]);
  for (const state of REFUND_STATES) {
    push('refunds', {}, `${state}_count`, report.refunds[state].count);
    push('refunds', {}, `${state}_cents`, report.refunds[state].amountCents);
  }
  return `${lines.join('\n')}\n`;
}
