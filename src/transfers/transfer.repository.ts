// The SQL of contract transfers: the transfer rows and, on completion, the seller's holder sessions.
import { type Insertable, type Kysely, sql } from 'kysely';
import type { Database, TransferClosedReason, TransferRow, TransfersTable } from '../platform/db/schema.js';

export function findTransfer(
  db: Kysely<Database>,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<TransferRow | undefined> {
  let query = db.selectFrom('transfers').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** The contract's transfer waiting for its fee, if any. */
export function findPendingTransfer(db: Kysely<Database>, contractId: string) {
  return db
    .selectFrom('transfers')
    .select('id')
    .where('contract_id', '=', contractId)
    .where('status', '=', 'pending_fee')
    .executeTakeFirst();
}

export function insertTransfer(trx: Kysely<Database>, row: Insertable<TransfersTable>): Promise<TransferRow> {
  return trx.insertInto('transfers').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Completes the transfer when its row_version is still the one read; undefined when it changed. */
export function completeTransferRow(
  trx: Kysely<Database>,
  transfer: Pick<TransferRow, 'id' | 'row_version'>,
  values: { now: Date; feeLedgerEntryId: string | null },
): Promise<TransferRow | undefined> {
  return trx
    .updateTable('transfers')
    .set({
      status: 'completed',
      completed_at: values.now,
      fee_ledger_entry_id: values.feeLedgerEntryId,
      row_version: transfer.row_version + 1,
    })
    .where('id', '=', transfer.id)
    .where('row_version', '=', transfer.row_version)
    .returningAll()
    .executeTakeFirst();
}

export function rejectTransferRow(
  trx: Kysely<Database>,
  transfer: Pick<TransferRow, 'id' | 'row_version'>,
  values: { reason: string; now: Date },
): Promise<TransferRow> {
  return trx
    .updateTable('transfers')
    .set({
      status: 'rejected',
      rejection_reason: values.reason,
      rejected_at: values.now,
      row_version: transfer.row_version + 1,
    })
    .where('id', '=', transfer.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A contract's transfers, newest first (`limit` rows at the most). */
export function listTransfersOfContract(
  db: Kysely<Database>,
  contractId: string,
  limit: number,
): Promise<TransferRow[]> {
  return db
    .selectFrom('transfers')
    .selectAll()
    .where('contract_id', '=', contractId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/** The seller's open holder sessions lose the contract (they keep their other contracts). */
export async function removeContractFromHolderSessions(
  trx: Kysely<Database>,
  contractId: string,
): Promise<void> {
  await sql`
      update sessions
      set holder_scope = jsonb_set(holder_scope, '{contractIds}', (holder_scope -> 'contractIds') - ${contractId}::text)
      where holder_scope is not null
        and revoked_at is null
        and holder_scope -> 'contractIds' @> ${JSON.stringify([contractId])}::jsonb`.execute(trx);
}

/** Closes the transfers of these contracts that wait for their fee (migration 0055); the rows closed. */
export function closePendingTransferRows(
  trx: Kysely<Database>,
  contractIds: readonly string[],
  values: { reason: TransferClosedReason; now: Date },
): Promise<TransferRow[]> {
  if (contractIds.length === 0) return Promise.resolve([]);
  return trx
    .updateTable('transfers')
    .set((eb) => ({
      status: 'closed',
      closed_at: values.now,
      closed_reason: values.reason,
      row_version: eb('row_version', '+', 1),
    }))
    .where('contract_id', 'in', [...new Set(contractIds)])
    .where('status', '=', 'pending_fee')
    .returningAll()
    .execute();
}
