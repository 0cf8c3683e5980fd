// An OFAC hold decided after its payment run was approved left that run's item reading `held` for good
// (a decision settled only the items of draft runs), so the approved run listed a payment it never made
// as still waiting. From now on a decision also settles the items of approved runs
// (src/ofac/ofac.repository.ts settleHeldRunItems): released, the item is `skipped` with the reason
// `released_after_approval` (the payable stays open and a later run pays it); blocked, `blocked`.
//
// The backfill does the same for the items already so, each change audited as the system saying it is
// this migration: an approved run's held item whose payable has no open hold is blocked when any hold
// of the payable was blocked, else skipped when one was released. Going down leaves the items as they
// are: they say what happened.
import { type Kysely, sql } from 'kysely';

const REASON = 'Backfill of migration 0053-ofac-decided-after-approval';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    with decided as (
      select i.id,
             case when exists (select 1 from ofac_holds h where h.source_type = i.source_type
                                 and h.source_id = i.source_id and h.status = 'blocked') then 'blocked'
                  else 'skipped' end as status
        from payment_run_items i
        join payment_runs r on r.id = i.run_id
       where r.status = 'approved' and i.status = 'held'
         and not exists (select 1 from ofac_holds h where h.source_type = i.source_type
                           and h.source_id = i.source_id and h.status = 'held')
         and exists (select 1 from ofac_holds h where h.source_type = i.source_type
                       and h.source_id = i.source_id and h.status in ('blocked', 'released'))
    ),
    changed as (
      update payment_run_items i
         set status = d.status,
             skip_reason = case when d.status = 'skipped' then 'released_after_approval' else i.skip_reason end
        from decided d
       where i.id = d.id
      returning i.id, i.run_id, i.status, i.skip_reason, i.source_type, i.source_id
    )
    insert into audit_events (actor_kind, actor_id, actor_label, action, entity_type, entity_id, reason, data)
    select 'system', null, 'system', 'payment_run.item_settled', 'payment_run', run_id::text,
           ${sql.lit(REASON)} || ': the payable''s OFAC decision came after the run was approved',
           jsonb_build_object('itemId', id, 'status', status, 'skipReason', skip_reason,
                              'source', jsonb_build_object('type', source_type, 'id', source_id))
      from changed`.execute(db);
}

export async function down(_db: Kysely<unknown>): Promise<void> {
  // The items say what happened to them; going back would make them say a payment still waits.
}
