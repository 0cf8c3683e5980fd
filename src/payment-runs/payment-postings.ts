// The journal entry of paying a payable out of a run (DOMAIN.md "Books"): a claim settles claims payable
// against cash (journal-postings.ts postClaimPaid); a cancellation refund settles refunds payable
// against cash. Both in the run's transaction, keyed by the source so a payable posts its payment once.
import type { Kysely } from 'kysely';
import { ACCOUNTS } from '../accounting/chart-of-accounts.js';
import { type PostedEntry, postJournalEntry } from '../accounting/journal.repository.js';
import { type PostingContext, postClaimPaid } from '../accounting/journal-postings.js';
import type { JournalLine, LineDimensions } from '../accounting/postings.js';
import type { ContractRow, Database, PayableSourceType } from '../platform/db/schema.js';

/** A refund paid: refunds payable down, cash down. */
export function refundPaidLines(amountCents: number, dims: LineDimensions): JournalLine[] {
  if (amountCents === 0) return [];
  return [
    { account: ACCOUNTS.refundsPayable, debitCents: amountCents, creditCents: 0, ...dims },
    { account: ACCOUNTS.cash, debitCents: 0, creditCents: amountCents, ...dims },
  ];
}

export function postPayablePaid(
  db: Kysely<Database>,
  payable: { sourceType: PayableSourceType; sourceId: string; amountCents: number; label: string },
  contract: ContractRow,
  context: PostingContext,
): Promise<PostedEntry | null> {
  if (payable.sourceType !== 'cancellation')
    return postClaimPaid(
      db,
      {
        type: payable.sourceType,
        id: payable.sourceId,
        label: payable.label,
        amountCents: payable.amountCents,
        contract,
      },
      context,
    );
  return postJournalEntry(db, {
    eventType: 'cancellation_refund_paid',
    eventId: payable.sourceId,
    eventKey: `cancellation_refund_paid:${payable.sourceId}`,
    memo: `${payable.label}: paid`,
    contractId: contract.id,
    lines: refundPaidLines(payable.amountCents, {
      contractId: contract.id,
      planCode: contract.plan_code,
      state: contract.purchase_state,
      dealerCode: contract.selling_dealer_code,
    }),
    ...context,
  });
}
