// The SQL of the staff dashboard: each chart is one indexed aggregate query over the live tables
// (migration 0008-dashboard adds the indexes); rows come back with their counts and cents as numbers.
import { type Kysely, sql } from 'kysely';
import { AWAITS_REVIEW } from '../documents/document.repository.js';
import { PREMIUM_LEDGER_KINDS } from '../ledger/ledger-kinds.js';
import type { Database } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import type { ClaimAgeBucket } from './dashboard.js';

const n = (value: string | number | null | undefined): number => Number(value ?? 0);

/**
 * Claims of every kind by status and age bucket; the age is whole days from the day the claim was
 * opened (in `timeZone`) to `today`.
 */
export async function claimCountsByStatusAndAge(
  db: Kysely<Database>,
  today: CalendarDate,
  timeZone: string,
): Promise<{ kind: string; status: string; bucket: ClaimAgeBucket; claims: number }[]> {
  const result = await sql<{ kind: string; status: string; bucket: ClaimAgeBucket; claims: string }>`
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
  return result.rows.map((r) => ({ kind: r.kind, status: r.status, bucket: r.bucket, claims: n(r.claims) }));
}

/** Documents waiting for review that are due today and those already overdue. */
export async function countReviewsDue(
  db: Kysely<Database>,
  today: CalendarDate,
): Promise<{ dueToday: number; overdue: number }> {
  const row = await sql<{ due_today: string; overdue: string }>`
    select count(*) filter (where review_due_on = ${today}::date) as due_today,
           count(*) filter (where review_due_on < ${today}::date) as overdue
    from documents where ${AWAITS_REVIEW} and review_due_on <= ${today}::date`.execute(db);
  return { dueToday: n(row.rows[0]?.due_today), overdue: n(row.rows[0]?.overdue) };
}

/**
 * Document reviews due per week (weeks start on Monday, of the due date) with due dates after `from`
 * up to `today`, and how many were decided on or before their due date (in `timeZone`).
 */
export async function reviewsDueByWeek(
  db: Kysely<Database>,
  range: { from: CalendarDate; today: CalendarDate },
  timeZone: string,
): Promise<{ week: string; due: number; onTime: number }[]> {
  const result = await sql<{ week: string; due: string; on_time: string }>`
    select to_char(date_trunc('week', review_due_on), 'YYYY-MM-DD') as week,
      count(*) as due,
      count(*) filter (
        where reviewed_at is not null and (reviewed_at at time zone ${timeZone})::date <= review_due_on
      ) as on_time
    from documents
    where review_due_on > ${range.from}::date and review_due_on <= ${range.today}::date and status <> 'superseded'
    group by 1 order by 1`.execute(db);
  return result.rows.map((r) => ({ week: r.week, due: n(r.due), onTime: n(r.on_time) }));
}

/**
 * Per plan, the written premium of every contract that is not void and the claim payments from the
 * ledger (net of reversals; premium kinds left out).
 */
export async function writtenAndPaidByPlan(
  db: Kysely<Database>,
): Promise<{ planCode: string; writtenCents: number; paidCents: number }[]> {
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
  return result.rows.map((r) => ({
    planCode: r.plan_code,
    writtenCents: n(r.written_cents),
    paidCents: n(r.paid_cents),
  }));
}

/** Cancellations and their refunds per month (YYYY-MM, by cancellation date) of the last `months` months. */
export async function cancellationsPerMonth(
  db: Kysely<Database>,
  today: CalendarDate,
  months: number,
): Promise<{ month: string; cancellations: number; refundCents: number }[]> {
  const result = await sql<{ month: string; cancellations: string; refund_cents: string }>`
    select to_char(cancel_on, 'YYYY-MM') as month, count(*) as cancellations,
      sum(refund_cents::bigint) as refund_cents
    from cancellations
    where cancel_on >= (date_trunc('month', ${today}::date) - make_interval(months => ${months - 1}))::date
      and cancel_on <= ${today}::date
    group by 1 order by 1`.execute(db);
  return result.rows.map((r) => ({
    month: r.month,
    cancellations: n(r.cancellations),
    refundCents: n(r.refund_cents),
  }));
}

/** Active contracts and their premium per plan and state of purchase. */
export async function activeContractsByPlanAndState(
  db: Kysely<Database>,
): Promise<{ planCode: string; state: string; contracts: number; premiumCents: number }[]> {
  const result = await sql<{ plan_code: string; state: string; contracts: string; premium_cents: string }>`
    select plan_code, purchase_state as state, count(*) as contracts,
      sum(price_cents::bigint) as premium_cents
    from contracts where status = 'active'
    group by 1, 2 order by 1, 2`.execute(db);
  return result.rows.map((r) => ({
    planCode: r.plan_code,
    state: r.state,
    contracts: n(r.contracts),
    premiumCents: n(r.premium_cents),
  }));
}
