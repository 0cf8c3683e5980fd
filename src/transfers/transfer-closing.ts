// A transfer waiting for its fee ends when its contract does (docs/domain.md "Transfers": the buyer takes
// over a contract in force; a cancelled or void one has nothing to pass on, and its fee would be owed for
// nothing). Cancelling a contract (by hand or by a lender event) and voiding it close its pending
// transfers in the same transaction, each with an audit row on the contract saying why; the holder's
// transfer page then says the transfer ended because the contract was cancelled (or voided).
import type { Kysely } from 'kysely';
import { type Actor, recordAudits } from '../platform/audit/audit.repository.js';
import type { Database, TransferClosedReason } from '../platform/db/schema.js';
import { closePendingTransferRows } from './transfer.repository.js';

const REASON_WORDS: Record<TransferClosedReason, string> = {
  contract_cancelled: 'The contract was cancelled before the transfer fee was received',
  contract_voided: 'The contract was voided before the transfer fee was received',
};

/** Closes the pending transfers of these contracts, audited; how many were closed. */
export async function closePendingTransfers(
  trx: Kysely<Database>,
  contractIds: readonly string[],
  reason: TransferClosedReason,
  context: { actor: Actor; requestId: string; now: Date },
): Promise<number> {
  const closed = await closePendingTransferRows(trx, contractIds, { reason, now: context.now });
  await recordAudits(
    trx,
    closed.map((transfer) => ({
      actor: context.actor,
      action: 'contract.transfer_closed',
      entityType: 'contract',
      entityId: transfer.contract_id,
      reason: REASON_WORDS[reason],
      data: { transferId: transfer.id, closedReason: reason, feeCents: Number(transfer.fee_cents) },
      requestId: context.requestId,
    })),
  );
  return closed.length;
}
