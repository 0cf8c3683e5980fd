// The staff dashboard (issue 10): the state of the portfolio at a glance, one chart per question, each
// a table of rows that the web app draws and exports. Every chart's data is one indexed aggregate query
// over the live tables (dashboard.repository.ts); this file shapes those totals into charts (pure).
import { addDays, type CalendarDate } from '../shared/calendar-date.js';
import { csvCell } from '../shared/csv.js';

export type ChartId =
  | 'claims_by_status'
  | 'document_reviews_sla'
  | 'loss_ratio_by_plan'
  | 'cancellations_by_month'
  | 'portfolio_by_tier_state';

export const CHART_IDS: readonly ChartId[] = [
  'claims_by_status',
  'document_reviews_sla',
  'loss_ratio_by_plan',
  'cancellations_by_month',
  'portfolio_by_tier_state',
];

export interface ChartColumn {
  key: string;
  label: string;
  kind: 'text' | 'count' | 'cents' | 'basis_points';
}

/** A claim's age in whole days since it was opened, as the claims chart groups it. */
export type ClaimAgeBucket = '0-7' | '8-30' | '31+';

export type ChartRow = Record<string, string | number>;

export interface Chart {
  id: ChartId;
  title: string;
  caption: string;
  columns: ChartColumn[];
  rows: ChartRow[];
}

export interface Dashboard {
  asOf: CalendarDate;
  reviewsDueToday: number;
  reviewsOverdue: number;
  charts: Chart[];
}

/** How far back the weekly and monthly series reach. */
export const SLA_WEEKS = 12;
export const CANCELLATION_MONTHS = 12;

/** The claims chart: one row per kind and status, its claims counted per age bucket. */
export function claimsByStatusChart(
  counts: { kind: string; status: string; bucket: ClaimAgeBucket; claims: number }[],
): Chart {
  const byKey = new Map<string, ChartRow>();
  for (const r of counts) {
    const key = `${r.kind}\n${r.status}`;
    const row = byKey.get(key) ?? {
      kind: r.kind,
      status: r.status,
      age0to7: 0,
      age8to30: 0,
      age31plus: 0,
      total: 0,
    };
    const column = r.bucket === '0-7' ? 'age0to7' : r.bucket === '8-30' ? 'age8to30' : 'age31plus';
    row[column] = Number(row[column]) + r.claims;
    row.total = Number(row.total) + r.claims;
    byKey.set(key, row);
  }
  return {
    id: 'claims_by_status',
    title: 'Claims by status and age',
    caption:
      'Repair, GAP, rental and trip-interruption claims by status, split by days since the claim was opened.',
    columns: [
      { key: 'kind', label: 'Claim kind', kind: 'text' },
      { key: 'status', label: 'Status', kind: 'text' },
      { key: 'age0to7', label: '0–7 days', kind: 'count' },
      { key: 'age8to30', label: '8–30 days', kind: 'count' },
      { key: 'age31plus', label: '31+ days', kind: 'count' },
      { key: 'total', label: 'Total', kind: 'count' },
    ],
    rows: [...byKey.values()],
  };
}

/** The first day before the SLA chart's weeks: reviews due after it count. */
export function slaWindowStart(today: CalendarDate): CalendarDate {
  return addDays(today, -7 * SLA_WEEKS);
}

/**
 * The SLA chart: a review meets its SLA when it was decided on or before its due date (business time
 * zone); reviews not yet due do not count yet.
 */
export function documentReviewsSlaChart(weeks: { week: string; due: number; onTime: number }[]): Chart {
  return {
    id: 'document_reviews_sla',
    title: 'Document reviews: SLA adherence by week',
    caption: `Document reviews due each week of the last ${SLA_WEEKS} weeks and the share reviewed on or before the due date.`,
    columns: [
      { key: 'week', label: 'Week of', kind: 'text' },
      { key: 'due', label: 'Reviews due', kind: 'count' },
      { key: 'onTime', label: 'On time', kind: 'count' },
      { key: 'adherenceBasisPoints', label: 'Adherence', kind: 'basis_points' },
    ],
    rows: weeks.map((r) => ({
      week: r.week,
      due: r.due,
      onTime: r.onTime,
      adherenceBasisPoints: r.due === 0 ? 0 : Math.round((r.onTime * 10_000) / r.due),
    })),
  };
}

export function lossRatioByPlanChart(
  plans: { planCode: string; writtenCents: number; paidCents: number }[],
): Chart {
  return {
    id: 'loss_ratio_by_plan',
    title: 'Paid claims and loss ratio by plan',
    caption:
      'Claim payments from the ledger (net of reversals) against written premium of every contract that is not void.',
    columns: [
      { key: 'planCode', label: 'Plan', kind: 'text' },
      { key: 'writtenPremiumCents', label: 'Written premium', kind: 'cents' },
      { key: 'paidClaimsCents', label: 'Paid claims', kind: 'cents' },
      { key: 'lossRatioBasisPoints', label: 'Loss ratio', kind: 'basis_points' },
    ],
    rows: plans.map((r) => ({
      planCode: r.planCode,
      writtenPremiumCents: r.writtenCents,
      paidClaimsCents: r.paidCents,
      lossRatioBasisPoints: r.writtenCents === 0 ? 0 : Math.round((r.paidCents * 10_000) / r.writtenCents),
    })),
  };
}

export function cancellationsByMonthChart(
  months: { month: string; cancellations: number; refundCents: number }[],
): Chart {
  return {
    id: 'cancellations_by_month',
    title: 'Cancellations and refunds by month',
    caption: `Contracts cancelled each month of the last ${CANCELLATION_MONTHS} months (by cancellation date) and the refunds due.`,
    columns: [
      { key: 'month', label: 'Month', kind: 'text' },
      { key: 'cancellations', label: 'Cancellations', kind: 'count' },
      { key: 'refundCents', label: 'Refunds', kind: 'cents' },
    ],
    rows: months.map((r) => ({ month: r.month, cancellations: r.cancellations, refundCents: r.refundCents })),
  };
}

export function portfolioByTierStateChart(
  groups: { planCode: string; state: string; contracts: number; premiumCents: number }[],
): Chart {
  return {
    id: 'portfolio_by_tier_state',
    title: 'Portfolio by tier and state',
    caption: 'Active contracts per plan and state of purchase, with their premium.',
    columns: [
      { key: 'planCode', label: 'Plan', kind: 'text' },
      { key: 'state', label: 'State', kind: 'text' },
      { key: 'contracts', label: 'Active contracts', kind: 'count' },
      { key: 'premiumCents', label: 'Premium', kind: 'cents' },
    ],
    rows: groups.map((r) => ({
      planCode: r.planCode,
      state: r.state,
      contracts: r.contracts,
      premiumCents: r.premiumCents,
    })),
  };
}

/** A chart's table as CSV: a header of column keys, one line per row, money in cents. */
export function chartCsv(chart: Chart): string {
  const lines = [chart.columns.map((c) => csvCell(c.key)).join(',')];
  for (const row of chart.rows) lines.push(chart.columns.map((c) => csvCell(row[c.key] ?? '')).join(','));
  return `${lines.join('\n')}\n`;
}
