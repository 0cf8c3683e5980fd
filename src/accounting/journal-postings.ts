// The one place money events become journal entries. Each service calls the function for its event in
// the transaction of the change, so the books move with the change or not at all; the event key makes a
// retried or raced call a no-op. The accounts each event touches are in postings.ts.
import type { Kysely } from 'kysely';
import type { Actor } from '../platform/audit/audit.repository.js';
import type { ContractRow, Database } from '../platform/db/schema.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import { type AllocationPart, allocateRefund } from './cancellation-allocation.js';
import {
  dealerCostCentsOf,
  findJournalEntryByKey,
  type NewJournalEntry,
  type PostedEntry,
  postContractsWritten,
  postJournalEntry,
} from './journal.repository.js';
import {
  cancellationLines,
  claimIncurredLines,
  claimPaidDirectLines,
  claimPaidLines,
  contractWrittenLines,
  feeReceivedLines,
  type LineDimensions,
  remittanceReceivedLines,
  reversalLines,
  summedLines,
} from './postings.js';
import { type EarningMethod, unearnedCents } from './premium-earning.js';

export interface PostingContext {
  effectiveOn: CalendarDate;
  actor: Actor;
  requestId?: string | null;
}

function dimensionsOf(contract: ContractRow): LineDimensions {
  return {
    contractId: contract.id,
    planCode: contract.plan_code,
    state: contract.purchase_state,
    dealerCode: contract.selling_dealer_code,
  };
}

/** A contract written through the API (or any one contract): its premium, receivable and unearned. */
export function postContractWritten(
  db: Kysely<Database>,
  contract: Pick<ContractRow, 'id' | 'contract_number'>,
  context: PostingContext,
): Promise<PostedEntry | null> {
  return postContractsWritten(
    db,
    { contractIds: [contract.id] },
    {
      eventType: 'contract_written',
      eventId: contract.id,
      eventKey: `contract_written:${contract.id}`,
      memo: `Contract ${contract.contract_number} written`,
      ...context,
    },
  );
}

/**
 * The contracts an import batch added. When every row of the batch went in, the batch's own totals per
 * plan and state are posted (no query); otherwise (some numbers were already on file) the rows this run
 * added in this transaction are looked up by their numbers.
 */
export function postImportBatchWritten(
  db: Kysely<Database>,
  batch: {
    importId: string;
    batchKey: string;
    contractNumbers: () => string[];
    allInserted: boolean;
    premiums: {
      planCode: string;
      state: string;
      dealerCode?: string | null;
      onDealerStatement: boolean;
      premiumCents: number;
    }[];
  },
  context: PostingContext,
): Promise<PostedEntry | null> {
  const event = {
    eventType: 'contracts_imported',
    eventId: batch.importId,
    eventKey: `contracts_imported:${batch.importId}:${batch.batchKey}`,
    memo: 'Contracts written by a dealer-file import (one batch)',
    ...context,
  };
  if (batch.allInserted)
    return postJournalEntry(db, {
      ...event,
      lines: batch.premiums.flatMap((group) =>
        contractWrittenLines(
          group.premiumCents,
          { planCode: group.planCode, state: group.state, dealerCode: group.dealerCode ?? null },
          group.onDealerStatement,
        ),
      ),
    });
  return postContractsWritten(
    db,
    { importId: batch.importId, contractNumbers: batch.contractNumbers() },
    event,
  );
}

/**
 * A contract voided by its dealer (the dealer channel calls this in the void's transaction): the contract
 * never existed for money, so its premium comes off the receivable and the unearned premium. What the
 * month-end runs had already earned on it is given back by the next run (void contracts earn nothing).
 */
export async function postContractVoided(
  db: Kysely<Database>,
  contract: ContractRow,
  context: PostingContext,
): Promise<PostedEntry | null> {
  const dealerCostCents = await dealerCostCentsOf(db, contract.id);
  const premiumCents = dealerCostCents ?? contract.price_cents;
  // Off the account it was written to (on the dealer's statement when it has a dealer and a cost).
  const onDealerStatement = contract.dealer_id !== null && dealerCostCents !== null;
  return postJournalEntry(db, {
    eventType: 'contract_voided',
    eventId: contract.id,
    eventKey: `contract_voided:${contract.id}`,
    memo: `Contract ${contract.contract_number} voided`,
    contractId: contract.id,
    lines: reversalLines(contractWrittenLines(premiumCents, dimensionsOf(contract), onDealerStatement)),
    ...context,
  });
}

export interface CancellationPosting {
  cancellationId: string;
  contract: ContractRow;
  cancelOn: CalendarDate;
  earningMethod: EarningMethod;
  refundCents: number;
  grossRefundCents: number;
  feeCents: number;
  shareNumerator: number;
  shareDenominator: number;
}

/**
 * The entry a cancellation posts, and the allocation it posts (pure: the caller passes the dealer cost
 * recorded on the contract, or null). One builder for the single cancellation and for a batch of them.
 */
export function cancellationEntry(
  cancellation: CancellationPosting,
  dealerCostCents: number | null,
  context: PostingContext,
): { entry: NewJournalEntry; allocation: AllocationPart[] } {
  const { contract } = cancellation;
  const premiumCents = dealerCostCents ?? contract.price_cents;
  const allocation = allocateRefund({
    refundCents: cancellation.refundCents,
    retailCents: contract.price_cents,
    dealerCostCents,
    shareNumerator: cancellation.shareNumerator,
    shareDenominator: cancellation.shareDenominator,
  });
  const released = unearnedCents(
    {
      premiumCents,
      expiresOn: contract.expires_on,
      termDays: contract.term_days,
      termMonths: contract.term_months,
    },
    cancellation.cancelOn,
    cancellation.earningMethod,
  );
  return {
    entry: {
      eventType: 'cancellation',
      eventId: cancellation.cancellationId,
      eventKey: `cancellation:${cancellation.cancellationId}`,
      memo: `Cancellation of contract ${contract.contract_number} as of ${cancellation.cancelOn}`,
      contractId: contract.id,
      lines: cancellationLines(
        {
          unearnedReleasedCents: released,
          refundCents: cancellation.refundCents,
          dealerChargebackCents: allocation.find((part) => part.party === 'dealer')!.amountCents,
          feeKeptCents: Math.min(cancellation.feeCents, cancellation.grossRefundCents),
        },
        dimensionsOf(contract),
      ),
      ...context,
    },
    allocation,
  };
}

/** What names a summary entry: its event (a lender-event run's batch, say) and memo. */
export interface SummaryEvent {
  eventType: string;
  eventId: string;
  eventKey: string;
  memo: string;
}

/**
 * Many entries posted as ONE summary entry (a batch of cancellations a lender-event run executes, as an
 * import batch posts one entry per batch): their lines summed by account, plan and state, and dealer on
 * the dealer accounts (summedLines), so every total the books report on is the same as the entries'
 * would be; no contract on the entry or its lines (the per-contract detail is in the subledger:
 * cancellations, refunds, dealer account events). Null when nothing moved.
 */
export function summaryEntry(
  entries: readonly NewJournalEntry[],
  summary: SummaryEvent,
  context: PostingContext,
): NewJournalEntry | null {
  const lines = summedLines(entries.flatMap((entry) => entry.lines));
  if (lines.length === 0) return null;
  return { ...summary, contractId: null, lines, ...context };
}

/**
 * A cancellation: releases what the earning rule had not earned by the cancellation date, makes the
 * refund payable, charges the dealer its share and keeps the fee. Returns the allocation it posted.
 */
export async function postCancellation(
  db: Kysely<Database>,
  cancellation: CancellationPosting,
  context: PostingContext,
) {
  const dealerCostCents = await dealerCostCentsOf(db, cancellation.contract.id);
  const { entry, allocation } = cancellationEntry(cancellation, dealerCostCents, context);
  return { entry: await postJournalEntry(db, entry), allocation };
}

export type ClaimSourceType =
  | 'repair_claim'
  | 'rental_claim'
  | 'trip_interruption_claim'
  | 'roadside_request'
  | 'gap_claim';

/**
 * A claim became owed (a repair authorized, a rental or trip reimbursement filed, a tow completed, a
 * GAP benefit approved).
 */
export function postClaimIncurred(
  db: Kysely<Database>,
  claim: { type: ClaimSourceType; id: string; label: string; amountCents: number; contract: ContractRow },
  context: PostingContext,
): Promise<PostedEntry | null> {
  return postJournalEntry(db, {
    eventType: `${claim.type}_incurred`,
    eventId: claim.id,
    eventKey: `${claim.type}_incurred:${claim.id}`,
    memo: `${claim.label}: owed`,
    contractId: claim.contract.id,
    lines: claimIncurredLines(claim.amountCents, dimensionsOf(claim.contract)),
    ...context,
  });
}

/**
 * A claim denied after it was incurred (a rental or trip reimbursement is owed from its filing): what it
 * put in claims payable and claims expense comes back off. Nothing when it was never incurred.
 */
export async function postClaimDenied(
  db: Kysely<Database>,
  claim: { type: ClaimSourceType; id: string; label: string; amountCents: number; contract: ContractRow },
  context: PostingContext,
): Promise<PostedEntry | null> {
  const incurred = await findJournalEntryByKey(db, `${claim.type}_incurred:${claim.id}`);
  if (!incurred) return null;
  return postJournalEntry(db, {
    eventType: `${claim.type}_denied`,
    eventId: claim.id,
    eventKey: `${claim.type}_denied:${claim.id}`,
    memo: `${claim.label}: denied`,
    contractId: claim.contract.id,
    reversesEntryId: incurred.id,
    lines: reversalLines(claimIncurredLines(claim.amountCents, dimensionsOf(claim.contract))),
    ...context,
  });
}

/**
 * A claim paid out. When the claim's liability was posted (it was incurred after the books began) the
 * payment settles claims payable; otherwise the expense is recognised as it is paid.
 */
export async function postClaimPaid(
  db: Kysely<Database>,
  claim: {
    type: ClaimSourceType;
    id: string;
    label: string;
    amountCents: number;
    contract: ContractRow;
  },
  context: PostingContext,
): Promise<PostedEntry | null> {
  const incurred = await findJournalEntryByKey(db, `${claim.type}_incurred:${claim.id}`);
  const dims = dimensionsOf(claim.contract);
  return postJournalEntry(db, {
    eventType: `${claim.type}_paid`,
    eventId: claim.id,
    eventKey: `${claim.type}_paid:${claim.id}`,
    memo: `${claim.label}: paid`,
    contractId: claim.contract.id,
    lines: incurred ? claimPaidLines(claim.amountCents, dims) : claimPaidDirectLines(claim.amountCents, dims),
    ...context,
  });
}

/** A transfer fee received. */
export function postTransferFee(
  db: Kysely<Database>,
  transfer: { id: string; amountCents: number; contract: ContractRow },
  context: PostingContext,
): Promise<PostedEntry | null> {
  return postJournalEntry(db, {
    eventType: 'transfer_fee',
    eventId: transfer.id,
    eventKey: `transfer_fee:${transfer.id}`,
    memo: `Transfer fee for contract ${transfer.contract.contract_number}`,
    contractId: transfer.contract.id,
    lines: feeReceivedLines(transfer.amountCents, dimensionsOf(transfer.contract)),
    ...context,
  });
}

/** A dealer's remittance received (recorded by an admin, or a dealer's notice an admin matched). */
export function postDealerRemittance(
  db: Kysely<Database>,
  remittance: { id: string; amountCents: number; reference: string; dealerCode: string },
  context: PostingContext,
): Promise<PostedEntry | null> {
  return postJournalEntry(db, {
    eventType: 'dealer_remittance',
    eventId: remittance.id,
    eventKey: `dealer_remittance:${remittance.id}`,
    memo: `Remittance ${remittance.reference} from dealer ${remittance.dealerCode}`,
    lines: remittanceReceivedLines(remittance.amountCents, { dealerCode: remittance.dealerCode }),
    ...context,
  });
}
