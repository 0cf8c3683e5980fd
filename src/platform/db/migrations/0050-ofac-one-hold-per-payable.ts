// One open OFAC hold per payable (src/ofac/ofac.service.ts holdPayment): each payment-run preview used to
// add a hold for a payment already held, so the holds page listed one payable several times, blocking one
// hold and releasing another left the payable both blocked and "released", and the other holds kept
// asking for a decision. From now on a preview reuses the payable's open hold and a decision settles the
// payable in every draft run; a unique index keeps it to one open hold.
//
// The backfill, before the index, each change audited as the system saying it is this migration:
// 1. an open hold of a payable that already has a decided hold is settled with it: blocked when any hold
//    of the payable was blocked (a block is never undone by a sibling's release), else released;
// 2. of several open holds on one payable, the newest (naming the newest run item) stays open; the
//    others, never decided, are merged into it: deleted, each audit row keeping what the hold was;
// 3. the items of draft runs follow: a held item of a payable with no open hold takes the decision
//    (blocked, or ready when released), and a ready item of a blocked payable is blocked (a sibling's
//    release had made it ready to pay).
// Going down drops the index only: the holds merged or settled stay so.
import { type Kysely, sql } from 'kysely';

const REASON = 'Backfill of migration 0050-ofac-one-hold-per-payable (one hold per payable)';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    with decided as (
      select distinct on (source_type, source_id) source_type, source_id, id, status, decided_by
        from ofac_holds
       where status in ('blocked', 'released')
       order by source_type, source_id, (status = 'blocked') desc, decided_at desc, id
    ),
    settled as (
      update ofac_holds h
         set status = d.status, decided_by = 'system', decided_at = now(),
             decision_reason = 'Settled with hold ' || d.id || ', ' || d.status || ' by ' || coalesce(d.decided_by, 'an administrator')
                               || ': one hold per payable (migration 0050).'
        from decided d
       where h.source_type = d.source_type and h.source_id = d.source_id and h.status = 'held'
      returning h.id, h.status, h.payee_name, h.matched_name, h.ent_num, h.score, h.source_type, h.source_id,
                d.id as settled_with
    )
    insert into audit_events (actor_kind, actor_id, actor_label, action, entity_type, entity_id, reason, data)
    select 'system', null, 'system',
           case when status = 'blocked' then 'ofac.hold_blocked' else 'ofac.hold_released' end,
           'ofac_hold', id::text, ${sql.lit(REASON)} || ': settled with hold ' || settled_with,
           jsonb_build_object('payeeName', payee_name, 'matchedName', matched_name, 'entNum', ent_num,
                              'score', score, 'source', jsonb_build_object('type', source_type, 'id', source_id),
                              'settledWith', settled_with)
      from settled`.execute(db);

  await sql`
    with ranked as (
      select id,
             first_value(id) over (partition by source_type, source_id order by created_at desc, id desc) as kept,
             row_number() over (partition by source_type, source_id order by created_at desc, id desc) as n
        from ofac_holds
       where status = 'held'
    ),
    merged as (
      delete from ofac_holds h
       using ranked r
       where h.id = r.id and r.n > 1
      returning h.id, h.item_id, h.source_type, h.source_id, h.payee_name, h.list_id, h.ent_num, h.matched_name,
                h.sdn_type, h.program, h.remarks, h.score, h.created_at, r.kept
    )
    insert into audit_events (actor_kind, actor_id, actor_label, action, entity_type, entity_id, reason, data)
    select 'system', null, 'system', 'ofac.hold_merged', 'ofac_hold', id::text,
           ${sql.lit(REASON)} || ': merged into hold ' || kept,
           jsonb_build_object('mergedInto', kept, 'itemId', item_id,
                              'source', jsonb_build_object('type', source_type, 'id', source_id),
                              'payeeName', payee_name, 'listId', list_id, 'entNum', ent_num,
                              'matchedName', matched_name, 'sdnType', sdn_type, 'program', program,
                              'remarks', remarks, 'score', score, 'createdAt', created_at)
      from merged`.execute(db);

  await sql`
    with changed as (
      update payment_run_items i
         set status = case
               when exists (select 1 from ofac_holds h where h.source_type = i.source_type
                              and h.source_id = i.source_id and h.status = 'blocked') then 'blocked'
               else 'ready' end
       where i.status in ('held', 'ready')
         and exists (select 1 from payment_runs r where r.id = i.run_id and r.status = 'draft')
         and (
           (i.status = 'held'
             and not exists (select 1 from ofac_holds h where h.source_type = i.source_type
                               and h.source_id = i.source_id and h.status = 'held')
             and exists (select 1 from ofac_holds h where h.source_type = i.source_type
                           and h.source_id = i.source_id))
           or (i.status = 'ready'
             and exists (select 1 from ofac_holds h where h.source_type = i.source_type
                           and h.source_id = i.source_id and h.status = 'blocked')))
      returning i.id, i.run_id, i.status, i.source_type, i.source_id
    )
    insert into audit_events (actor_kind, actor_id, actor_label, action, entity_type, entity_id, reason, data)
    select 'system', null, 'system', 'payment_run.item_settled', 'payment_run', run_id::text,
           ${sql.lit(REASON)} || ': the payable''s OFAC decision',
           jsonb_build_object('itemId', id, 'status', status,
                              'source', jsonb_build_object('type', source_type, 'id', source_id))
      from changed`.execute(db);

  await sql`create unique index ofac_holds_one_open_per_payable on ofac_holds (source_type, source_id)
    where status = 'held'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index ofac_holds_one_open_per_payable`.execute(db);
}
