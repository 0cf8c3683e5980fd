// Anomaly flags for the staff work queues (issue 10): a repeat claim on the same VIN and component
// group within the plan's catalog window (claims.repeatClaimWindowDays), the same file (SHA-256) on
// two claims, a repair facility whose claim amount or labor rate jumps against its own history, and
// a claim soon after the contract's purchase (claims.earlyClaimDays). Each is one SQL query over the
// page's items; a flag carries the reason a person reads.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { formatUsd } from '../shared/money.js';

export type AnomalyCode =
  | 'repeat_claim'
  | 'same_document_file'
  | 'facility_amount_jump'
  | 'facility_rate_jump'
  | 'early_claim';

export interface AnomalyFlag {
  code: AnomalyCode;
  reason: string;
}

/** A facility's history: the claims before this one that its median is taken over (most recent first). */
export const FACILITY_HISTORY_CLAIMS = 20;
/** Fewer earlier claims than this is no history to compare against. */
export const FACILITY_MIN_HISTORY_CLAIMS = 5;
/** A claim above this multiple of the facility's median is a jump. */
export const FACILITY_JUMP_MULTIPLE = 2;

export interface FlaggableItem {
  kind: string;
  id: string;
}

const REPAIR_CLAIM_KINDS = new Set(['repair_claim_decision']);
const DOCUMENT_KINDS = new Set(['gap_document_review']);

function push(flags: Map<string, AnomalyFlag[]>, id: string, flag: AnomalyFlag): void {
  const list = flags.get(id) ?? [];
  if (!list.some((existing) => existing.code === flag.code && existing.reason === flag.reason))
    list.push(flag);
  flags.set(id, list);
}

/** A value of the contract's plan in the catalog version it was sold under (null when unset). */
function planClaimsSetting(field: 'repeatClaimWindowDays' | 'earlyClaimDays') {
  return sql<
    number | null
  >`(jsonb_path_query_first(cv.document, ${`$.plans[*] ? (@.code == $code).claims.${field}`}::jsonpath, jsonb_build_object('code', k.plan_code)) #>> '{}')::int`;
}

/** Flags per item id (items without a flag are absent). */
export async function anomalyFlags(
  db: Kysely<Database>,
  items: readonly FlaggableItem[],
): Promise<Map<string, AnomalyFlag[]>> {
  const flags = new Map<string, AnomalyFlag[]>();
  const claimIds = items.filter((item) => REPAIR_CLAIM_KINDS.has(item.kind)).map((item) => item.id);
  const documentIds = items.filter((item) => DOCUMENT_KINDS.has(item.kind)).map((item) => item.id);

  if (claimIds.length > 0) {
    const repeats = await sql<{ id: string; other_number: string; component_group: string; days: number }>`
      select distinct c.id, o.claim_number as other_number, l.component_group,
             (c.submitted_at::date - o.submitted_at::date) as days
      from repair_claims c
      join contracts k on k.id = c.contract_id
      join catalog_versions cv on cv.version = k.catalog_version
      join repair_claim_lines l on l.claim_id = c.id
      join repair_claims o on o.vin = c.vin and o.id <> c.id and o.submitted_at <= c.submitted_at
      join repair_claim_lines ol on ol.claim_id = o.id and ol.component_group = l.component_group
      where c.id in (${sql.join(claimIds)})
        and c.submitted_at::date - o.submitted_at::date <= ${planClaimsSetting('repeatClaimWindowDays')}`.execute(
      db,
    );
    for (const row of repeats.rows) {
      push(flags, row.id, {
        code: 'repeat_claim',
        reason: `Same VIN and component group (${row.component_group}) as claim ${row.other_number}, ${row.days === 0 ? 'the same day' : `${row.days} days earlier`}`,
      });
    }

    const early = await sql<{ id: string; days: number; limit_days: number }>`
      select c.id, (c.submitted_at::date - k.purchase_date) as days, ${planClaimsSetting('earlyClaimDays')} as limit_days
      from repair_claims c
      join contracts k on k.id = c.contract_id
      join catalog_versions cv on cv.version = k.catalog_version
      where c.id in (${sql.join(claimIds)})
        and c.submitted_at::date - k.purchase_date <= ${planClaimsSetting('earlyClaimDays')}`.execute(db);
    for (const row of early.rows) {
      push(flags, row.id, {
        code: 'early_claim',
        reason: `Submitted ${row.days} days after the contract was bought (flagged within ${row.limit_days})`,
      });
    }

    // Each claim against the median of the same facility's previous claims (amount and highest rate).
    const jumps = await sql<{
      id: string;
      amount_cents: number;
      rate_cents: number;
      median_amount: number;
      median_rate: number;
      history: number;
    }>`
      with totals as (
        select rc.id, rc.facility_id, rc.submitted_at,
               sum(l.requested_cents)::bigint as amount_cents, max(l.labor_rate_cents) as rate_cents
        from repair_claims rc join repair_claim_lines l on l.claim_id = rc.id
        where rc.facility_id in (select facility_id from repair_claims where id in (${sql.join(claimIds)}))
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
              order by p.submitted_at desc, p.id desc limit ${FACILITY_HISTORY_CLAIMS}) p
      ) h
      where t.id in (${sql.join(claimIds)}) and h.history >= ${FACILITY_MIN_HISTORY_CLAIMS}`.execute(db);
    for (const row of jumps.rows) {
      if (row.amount_cents > FACILITY_JUMP_MULTIPLE * row.median_amount) {
        push(flags, row.id, {
          code: 'facility_amount_jump',
          reason: `${formatUsd(row.amount_cents)} asked, over ${FACILITY_JUMP_MULTIPLE}× this facility's median of ${formatUsd(Math.round(row.median_amount))} over its last ${row.history} claims`,
        });
      }
      if (row.rate_cents > FACILITY_JUMP_MULTIPLE * row.median_rate) {
        push(flags, row.id, {
          code: 'facility_rate_jump',
          reason: `Labor rate ${formatUsd(row.rate_cents)}/h, over ${FACILITY_JUMP_MULTIPLE}× this facility's median of ${formatUsd(Math.round(row.median_rate))}/h`,
        });
      }
    }
  }

  if (claimIds.length > 0 || documentIds.length > 0) {
    const ids = [...claimIds, ...documentIds];
    const duplicates = await sql<{ item_id: string; other_type: string; other_id: string; sha256: string }>`
      select distinct case when d.owner_id::text in (${sql.join(ids)}) then d.owner_id::text else d.id::text end as item_id,
             o.owner_type as other_type, o.owner_id::text as other_id, d.sha256
      from documents d
      join documents o on o.sha256 = d.sha256 and o.owner_id <> d.owner_id
      where d.id::text in (${sql.join(ids)}) or d.owner_id::text in (${sql.join(ids)})`.execute(db);
    for (const row of duplicates.rows) {
      push(flags, row.item_id, {
        code: 'same_document_file',
        reason: `The same file (SHA-256 ${row.sha256.slice(0, 12)}…) is on ${row.other_type.replace(/_/g, ' ')} ${row.other_id}`,
      });
    }
  }
  return flags;
}
