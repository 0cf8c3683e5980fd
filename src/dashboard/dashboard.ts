// The staff dashboard (issue 10): the state of the portfolio at a glance, one chart per question, each
// a table of rows that the web app draws and exports. Every chart is one indexed aggregate query over
// the live tables (migration 0008-dashboard adds the indexes); nothing is computed row by row in JS.
import { type Kysely, sql } from 'kysely';
import { PREMIUM_LEDGER_KINDS } from '../ledger/ledger-kinds.js';
import type { Database } from '../platform/db/schema.js';
import { addDays, type CalendarDate } from '../shared/calendar-date.js';

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

const n = (value: string | number | null | undefined): number => Number(value ?? 0);

async function claimsByStatus(db: Kysely<Database>, today: CalendarDate, timeZone: string): Promise<Chart> {
  // Age is whole days from the day the claim was opened (business time zone) to today.
  const result = await sql<{ kind: string; status: string; bucket: string; claims: string }>`
    with claims as (
      select 'repair' as kind, status::text, (submitted_at at time zone ${timeZone})::date as opened_on
        from repair_claims
      union all
      select 'gap', status::text, (opened_at at time zone ${timeZone})::date from gap_claims
      union all
      select 'rental', status::text, (created_at at time zone ${timeZone})::date from rental_claims
      union all
      select 'trip_interruption', status::text, (created_at at time zone ${timeZone})::date
        from trip_interruption_claims
    )
    select kind, status,
      case when ${today}::date - opened_on <= 7 then '0-7'
           when ${today}::date - opened_on <= 30 then '8-30'
           else '31+' end as bucket,
      count(*) as claims
    from claims group by 1, 2, 3 order by 1, 2, 3`.execute(db);
  const byKey = new Map<string, ChartRow>();
  for (const r of result.rows) {
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
    row[column] = n(row[column]) + n(r.claims);
    row.total = n(row.total) + n(r.claims);
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

async function reviewsDue(db: Kysely<Database>, today: CalendarDate) {
  const row = await sql<{ due_today: string; overdue: string }>`
    select count(*) filter (where review_due_on = ${today}::date) as due_today,
           count(*) filter (where review_due_on < ${today}::date) as overdue
    from documents where status = 'pending_review' and review_due_on <= ${today}::date`.execute(db);
  return { dueToday: n(row.rows[0]?.due_today), overdue: n(row.rows[0]?.overdue) };
}

async function documentReviewsSla(
  db: Kysely<Database>,
  today: CalendarDate,
  timeZone: string,
): Promise<Chart> {
  // A review meets its SLA when it was decided on or before review_due_on (business time zone). Weeks
  // start on Monday and are those of the due date; reviews not yet due do not count yet.
  const from = addDays(today, -7 * SLA_WEEKS);
  const result = await sql<{ week: string; due: string; on_time: string }>`
    select to_char(date_trunc('week', review_due_on), 'YYYY-MM-DD') as week,
      count(*) as due,
      count(*) filter (
        where reviewed_at is not null and (reviewed_at at time zone ${timeZone})::date <= review_due_on
      ) as on_time
    from documents
    where review_due_on > ${from}::date and review_due_on <= ${today}::date and status <> 'superseded'
    group by 1 order by 1`.execute(db);
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
    rows: result.rows.map((r) => ({
      week: r.week,
      due: n(r.due),
      onTime: n(r.on_time),
      adherenceBasisPoints: n(r.due) === 0 ? 0 : Math.round((n(r.on_time) * 10_000) / n(r.due)),
    })),
  };
}

async function lossRatioByPlan(db: Kysely<Database>): Promise<Chart> {
  const result = await sql<{ plan_code: string; written_cents: string; paid_cents: string }>`
    with written as (
      select plan_code, sum(price_cents::bigint) as written_cents
      from contracts where status <> 'void' group by plan_code
    ), paid as (
      select c.plan_code,
        sum(case when l.direction = 'payout' then l.amount_cents else -l.amount_cents end) as paid_cents
      from ledger_entries l join contracts c on c.id = l.contract_id
      where l.kind not in (${sql.join(PREMIUM_LEDGER_KINDS.map((kind) => sql.lit(kind)))})
      group by c.plan_code
    )
    select w.plan_code, w.written_cents, coalesce(p.paid_cents, 0) as paid_cents
    from written w left join paid p on p.plan_code = w.plan_code order by w.plan_code`.execute(db);
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
    rows: result.rows.map((r) => ({
      planCode: r.plan_code,
      writtenPremiumCents: n(r.written_cents),
      paidClaimsCents: n(r.paid_cents),
      lossRatioBasisPoints:
        n(r.written_cents) === 0 ? 0 : Math.round((n(r.paid_cents) * 10_000) / n(r.written_cents)),
    })),
  };
}

async function cancellationsByMonth(db: Kysely<Database>, today: CalendarDate): Promise<Chart> {
  const result = await sql<{ month: string; cancellations: string; refund_cents: string }>`
    select to_char(cancel_on, 'YYYY-MM') as month, count(*) as cancellations,
      sum(refund_cents::bigint) as refund_cents
    from cancellations
    where cancel_on >= (date_trunc('month', ${today}::date) - make_interval(months => ${CANCELLATION_MONTHS - 1}))::date
      and cancel_on <= ${today}::date
    group by 1 order by 1`.execute(db);
  return {
    id: 'cancellations_by_month',
    title: 'Cancellations and refunds by month',
    caption: `Contracts cancelled each month of the last ${CANCELLATION_MONTHS} months (by cancellation date) and the refunds due.`,
    columns: [
      { key: 'month', label: 'Month', kind: 'text' },
      { key: 'cancellations', label: 'Cancellations', kind: 'count' },
      { key: 'refundCents', label: 'Refunds', kind: 'cents' },
    ],
    rows: result.rows.map((r) => ({
      month: r.month,
      cancellations: n(r.cancellations),
      refundCents: n(r.refund_cents),
    })),
  };
}

async function portfolioByTierState(db: Kysely<Database>): Promise<Chart> {
  const result = await sql<{ plan_code: string; state: string; contracts: string; premium_cents: string }>`
    select plan_code, purchase_state as state, count(*) as contracts,
      sum(price_cents::bigint) as premium_cents
    from contracts where status = 'active'
    group by 1, 2 order by 1, 2`.execute(db);
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
    rows: result.rows.map((r) => ({
      planCode: r.plan_code,
      state: r.state,
      contracts: n(r.contracts),
      premiumCents: n(r.premium_cents),
    })),
  };
}

/** One chart, by id. */
export async function dashboardChart(
  db: Kysely<Database>,
  id: ChartId,
  today: CalendarDate,
  timeZone: string,
): Promise<Chart> {
  switch (id) {
    case 'claims_by_status':
      return claimsByStatus(db, today, timeZone);
    case 'document_reviews_sla':
      return documentReviewsSla(db, today, timeZone);
    case 'loss_ratio_by_plan':
      return lossRatioByPlan(db);
    case 'cancellations_by_month':
      return cancellationsByMonth(db, today);
    case 'portfolio_by_tier_state':
      return portfolioByTierState(db);
  }
}

/** Every chart and the review counters, as of `today` in the business time zone. */
export async function buildDashboard(
  db: Kysely<Database>,
  today: CalendarDate,
  timeZone: string,
): Promise<Dashboard> {
  // Concurrent: on a server each chart's query takes a pool connection of its own, so the page waits
  // for the slowest one, not the sum; PGlite's single-connection pool simply queues them.
  const [due, ...charts] = await Promise.all([
    reviewsDue(db, today),
    ...CHART_IDS.map((id) => dashboardChart(db, id, today, timeZone)),
  ]);
  return { asOf: today, reviewsDueToday: due.dueToday, reviewsOverdue: due.overdue, charts };
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A chart's table as CSV: a header of column keys, one line per row, money in cents. */
export function chartCsv(chart: Chart): string {
  const lines = [chart.columns.map((c) => csvCell(c.key)).join(',')];
  for (const row of chart.rows) lines.push(chart.columns.map((c) => csvCell(row[c.key] ?? '')).join(','));
  return `${lines.join('\n')}\n`;
}
