// A transfer waiting for its fee ends when its contract does (docs/domain.md "Transfers"; a cancelled or
// void contract has nothing to pass to a buyer): the transfers' status takes `closed`, with when and why
// (`closed_reason`: contract_cancelled or contract_voided). From now on cancelling or voiding a contract
// closes its pending transfer in the same transaction (src/transfers/transfer-closing.ts). The transfers
// still pending on a contract already cancelled or void are closed here, each with its audit row (the
// system's, saying it is this backfill). Going down, the closed transfers wait for their fee again
// (audited too) and the check refuses `closed`.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table transfers drop constraint transfers_status_check`.execute(db);
  await sql`alter table transfers add constraint transfers_status_check
    check (status in ('pending_fee', 'completed', 'rejected', 'closed'))`.execute(db);
  await sql`alter table transfers
    add column closed_at timestamptz,
    add column closed_reason text check (closed_reason in ('contract_cancelled', 'contract_voided'))`.execute(
    db,
  );
  // One statement: the transfers closed and their audit rows (on the contract, as every transfer's are).
  await sql`
    with closed as (
      update transfers t
         set status = 'closed', closed_at = now(), row_version = t.row_version + 1,
             closed_reason = case c.status when 'void' then 'contract_voided' else 'contract_cancelled' end
        from contracts c
       where c.id = t.contract_id and t.status = 'pending_fee' and c.status in ('cancelled', 'void')
      returning t.id, t.contract_id, t.closed_reason
    )
    insert into audit_events (actor_kind, actor_id, actor_label, action, entity_type, entity_id, reason, data)
    select 'system', null, 'system', 'contract.transfer_closed', 'contract', contract_id::text,
           'Backfill of migration 0055-transfer-closed: the contract had ended',
           jsonb_build_object('transferId', id, 'closedReason', closed_reason)
      from closed`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    with reopened as (
      update transfers t
         set status = 'pending_fee', row_version = t.row_version + 1
       where t.status = 'closed'
      returning t.id, t.contract_id
    )
    insert into audit_events (actor_kind, actor_id, actor_label, action, entity_type, entity_id, reason, data)
    select 'system', null, 'system', 'contract.transfer_reopened', 'contract', contract_id::text,
           'Rollback of migration 0055-transfer-closed: the status closed no longer exists',
           jsonb_build_object('transferId', id)
      from reopened`.execute(db);
  await sql`alter table transfers drop column closed_at, drop column closed_reason`.execute(db);
  await sql`alter table transfers drop constraint transfers_status_check`.execute(db);
  await sql`alter table transfers add constraint transfers_status_check
    check (status in ('pending_fee', 'completed', 'rejected'))`.execute(db);
}
