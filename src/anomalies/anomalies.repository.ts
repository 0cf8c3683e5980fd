// SQL of the anomaly flags (anomaly-flags.ts decides what each row means): repeat claims on a VIN and
// component group, early claims, each claim against its facility's history, and files seen twice.
import { type Kysely, sql } from 'kysely';
import { recordedReadings } from '../contracts/contract-history.repository.js';
import type { Database } from '../platform/db/schema.js';
import type { AnomalyEvidence } from './anomaly-flags.js';

/** A value of the contract's plan in the catalog version it was sold under (null when unset). */
function planClaimsSetting(field: 'repeatClaimWindowDays' | 'earlyClaimDays') {
  return sql<
    number | null
  >`(jsonb_path_query_first(cv.document, ${`$.plans[*] ? (@.code == $code).claims.${field}`}::jsonpath, jsonb_build_object('code', k.plan_code)) #>> '{}')::int`;
}

/** Earlier claims on the same VIN and component group within the plan's repeatClaimWindowDays. */
export async function repeatClaimRows(db: Kysely<Database>, claimIds: readonly string[]) {
  const result = await sql<AnomalyEvidence['repeats'][number]>`
    select distinct c.id, o.claim_number as other_number, l.component_group,
           (c.submitted_at::date - o.submitted_at::date) as days
    from repair_claims c
    join contracts k on k.id = c.contract_id
    join catalog_versions cv on cv.version = k.catalog_version
    join repair_claim_lines l on l.claim_id = c.id
    join repair_claims o on o.vin = c.vin and o.id <> c.id and o.submitted_at <= c.submitted_at
    join repair_claim_lines ol on ol.claim_id = o.id and ol.component_group = l.component_group
    where c.id in (${sql.join([...claimIds])})
      and c.submitted_at::date - o.submitted_at::date <= ${planClaimsSetting('repeatClaimWindowDays')}`.execute(
    db,
  );
  return result.rows;
}

/** Claims submitted within the plan's earlyClaimDays of the contract's purchase. */
export async function earlyClaimRows(db: Kysely<Database>, claimIds: readonly string[]) {
  const result = await sql<AnomalyEvidence['early'][number]>`
    select c.id, (c.submitted_at::date - k.purchase_date) as days, ${planClaimsSetting('earlyClaimDays')} as limit_days
    from repair_claims c
    join contracts k on k.id = c.contract_id
    join catalog_versions cv on cv.version = k.catalog_version
    where c.id in (${sql.join([...claimIds])})
      and c.submitted_at::date - k.purchase_date <= ${planClaimsSetting('earlyClaimDays')}`.execute(db);
  return result.rows;
}

/** Each claim's amount and highest labor rate against the medians of its facility's previous claims. */
export async function facilityHistoryRows(
  db: Kysely<Database>,
  claimIds: readonly string[],
  history: { claims: number; minimumClaims: number },
) {
  const result = await sql<AnomalyEvidence['jumps'][number]>`
    with totals as (
      select rc.id, rc.facility_id, rc.submitted_at,
             sum(l.requested_cents)::bigint as amount_cents, max(l.labor_rate_cents) as rate_cents
      from repair_claims rc join repair_claim_lines l on l.claim_id = rc.id
      where rc.facility_id in (select facility_id from repair_claims where id in (${sql.join([...claimIds])}))
      group by rc.id
    )
    select t.id, t.amount_cents::int as amount_cents, t.rate_cents,
           h.median_amount, h.median_rate, h.history
    from totals t
    cross join lateral (
      select percentile_cont(0.5) within group (order by p.amount_cents)::float8 as median_amount,
             percentile_cont(0.5) within group (order by p.rate_cents)::float8 as median_rate,
             count(*)::int as history
      from (select amount_cents, rate_cents from totals p
            where p.facility_id = t.facility_id and (p.submitted_at, p.id) < (t.submitted_at, t.id)
            order by p.submitted_at desc, p.id desc limit ${history.claims}) p
    ) h
    where t.id in (${sql.join([...claimIds])}) and h.history >= ${history.minimumClaims}`.execute(db);
  return result.rows;
}

/** Files (by SHA-256) of these items, or owned by them, that are also on another owner. */
export async function sharedFileRows(db: Kysely<Database>, ids: readonly string[]) {
  const result = await sql<AnomalyEvidence['duplicates'][number]>`
    select distinct case when d.owner_id::text in (${sql.join([...ids])}) then d.owner_id::text else d.id::text end as item_id,
           o.owner_type as other_type, o.owner_id::text as other_id, d.sha256
    from documents d
    join documents o on o.sha256 = d.sha256 and o.owner_id <> d.owner_id
    where d.id::text in (${sql.join([...ids])}) or d.owner_id::text in (${sql.join([...ids])})`.execute(db);
  return result.rows;
}

/** Claims whose contract is cancelled or void, with the date its cancellation is dated (null: none). */
export async function endedContractRows(db: Kysely<Database>, claimIds: readonly string[]) {
  return db
    .selectFrom('repair_claims as c')
    .innerJoin('contracts as k', 'k.id', 'c.contract_id')
    .leftJoin('cancellations as x', 'x.contract_id', 'k.id')
    .select(['c.id', 'c.submitted_at', 'k.contract_number', 'k.status', 'x.cancel_on'])
    .where('c.id', 'in', [...claimIds])
    .where('k.status', 'in', ['cancelled', 'void'])
    .execute();
}

/**
 * Claims whose odometer is below the highest reading recorded on their contract before them (another
 * claim, a transfer, a cancellation: recordedReadings), with that reading.
 */
export async function readingBelowRows(db: Kysely<Database>, claimIds: readonly string[], timeZone: string) {
  const result = await sql<NonNullable<AnomalyEvidence['readingsBelow']>[number]>`
    select c.id, c.odometer as claim_odometer, r.odometer, r.read_on, r.source, r.reference
      from repair_claims c
      cross join lateral (
        select r.odometer, r.read_on, r.source, r.reference
          from ${recordedReadings(timeZone)} r
         where r.contract_id = c.contract_id and r.recorded_at < c.submitted_at
         order by r.odometer desc, r.recorded_at desc
         limit 1
      ) r
     where c.id in (${sql.join([...claimIds])}) and r.odometer > c.odometer`.execute(db);
  return result.rows;
}
