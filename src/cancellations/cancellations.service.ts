// Cancelling a contract: a quote anyone entitled may ask for (and which is recorded in the audit
// trail), and the cancellation itself, which locks the contract row, records the quote it was
// executed on (its figures; the words are re-derived: stored-quote.ts), pays the refund through the
// ledger and ends the contract, all in one transaction.

import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { type AllocationPart, allocateRefund, refundDueOn } from '../accounting/cancellation-allocation.js';
import { dealerCostCentsOf, postJournalEntry } from '../accounting/journal.repository.js';
import {
  type CancellationPosting,
  cancellationEntry,
  postCancellation,
  type SummaryEvent,
  summaryEntry,
} from '../accounting/journal-postings.js';
import type { EarningMethod } from '../accounting/premium-earning.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { EffectiveTerms } from '../catalog/effective-terms.js';
import { setContractStatus, setContractsStatus } from '../contracts/contract.repository.js';
import type { ContractView } from '../contracts/contract.view.js';
import { statusAsOf } from '../contracts/contract.view.js';
import { contractViewOf, loadContract, termsOf } from '../contracts/contract-access.js';
import { lastOdometerReadings } from '../contracts/contract-history.repository.js';
import { readingBelowLast } from '../contracts/odometer-readings.js';
import { insertDealerAccountEvent, insertDealerAccountEvents } from '../dealers/dealer.repository.js';
import { gapClaimsHoldingAddenda } from '../gap-claims/gap-claim.repository.js';
import { appendLedgerEntries, appendLedgerEntry } from '../ledger/ledger.repository.js';
import { rememberContractLanguage } from '../notifications/holder-language.repository.js';
import { type Actor, recordAudit, recordAudits } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { ContractRow, Database } from '../platform/db/schema.js';
import { asUseCase } from '../platform/db/transaction.js';
import {
  authorizedUnpaidCentsByContract,
  earliestUndecidedClaims,
  latestPayableClaims,
  type PayableClaim,
} from '../repair-claims/repair-claim.repository.js';
import {
  type CalendarDate,
  calendarDateInZone,
  compareDates,
  isCalendarDate,
} from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import type { HolderLanguage } from '../shared/language.js';
import type { Principal } from '../shared/principal.js';
import { closePendingTransfers } from '../transfers/transfer-closing.js';
import { emitEvent, emitEvents } from '../webhooks/webhook-events.js';
import {
  approvedUnpaidBenefitsCentsByContract,
  type CancellationRecord,
  claimsPaidByContract,
  claimsPaidCents,
  insertCancellation,
  insertCancellations,
} from './cancellation.repository.js';
import {
  claimBeforeCancellation,
  decideCancellationDate,
  undecidedClaimHoldsCancellation,
} from './cancellation-date.js';
import {
  type CancellationQuote,
  type CancellationRequest,
  quoteContractCancellation,
} from './cancellation-quote.js';
import { storedQuote } from './stored-quote.js';

/**
 * A cancellation or quote as asked for through the API: `cancelOn` may be left out (today), and staff
 * dating one before today say what proves that date (`evidence`, kept in the audit trail).
 */
export type CancellationAsked = Omit<CancellationRequest, 'cancelOn'> & {
  cancelOn?: string | undefined;
  evidence?: string | undefined;
};

/** What a dated request was: backdated by staff with its evidence (both written to the audit row). */
interface Dated {
  request: CancellationRequest;
  backdated: boolean;
  evidence: string | null;
}

/** A quote with who pays the refund (administrator and dealer parts) and when it is due. */
export type AllocatedQuote = CancellationQuote & { allocation: AllocationPart[]; refundDueOn: CalendarDate };

/** A cancellation quoted for a batch (cancelQuoted executes it under the id chosen here). */
export interface QuotedCancellation {
  row: ContractRow;
  quoted: AllocatedQuote;
  earningMethod: EarningMethod;
  cancellationId: string;
  /** The lender event that causes it (its refund is then a lender-event refund: the compliance view). */
  lenderEventId?: string;
}

export interface CancellationResult {
  contract: ContractView;
  refund: AllocatedQuote & {
    cancellationId: string;
    ledgerEntryId: string | null;
    journalEntryId: string | null;
  };
}

/** The claim holding a GAP addendum: open (it is being claimed) or paid (it is spent). */
type GapClaimHolding = { claimNumber: string; paid: boolean };

/** A GAP addendum whose benefit was paid is spent: nothing is refunded, so it is never cancelled. */
function benefitAlreadyPaid(claimNumber: string): AppError {
  return new AppError(
    'gap_benefit_already_paid',
    `This GAP addendum paid its benefit on claim ${claimNumber}: it is spent, so nothing is refunded and it cannot be cancelled.`,
  );
}

const REFUSAL_DETAILS = {
  cancel_date_before_purchase: {
    detail: 'The cancellation date is before the contract was bought.',
    param: 'cancelOn',
  },
  odometer_below_sale: {
    detail: 'The odometer reading is below the reading when the contract was sold.',
    param: 'odometer',
  },
} as const;

export function createCancellationsService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  catalog: CatalogService;
  timeZone: string;
}) {
  const { db, clock, catalog } = deps;
  const today = (): CalendarDate => calendarDateInZone(clock.now(), deps.timeZone);

  /**
   * Refuses a contract that is not active. A GAP addendum whose benefit was paid (status `claimed`) says
   * so first (422 gap_benefit_already_paid), rather than only that it is not active.
   */
  function assertActive(row: ContractRow, onDate: CalendarDate, gapClaim: GapClaimHolding | undefined): void {
    if (gapClaim?.paid) throw benefitAlreadyPaid(gapClaim.claimNumber);
    const status = statusAsOf(row, onDate);
    if (status !== 'active') {
      throw new AppError(
        'contract_not_active',
        `Contract ${row.contract_number} is ${status}: it cannot be cancelled.`,
      );
    }
  }

  /** The quote with its allocation and deadline, from what the caller loaded; a refusal throws. */
  function allocatedQuote(
    row: ContractRow,
    terms: EffectiveTerms,
    claimsPaid: number,
    dealerCostCents: number | null,
    request: CancellationRequest,
    gapClaim: GapClaimHolding | undefined,
  ): { quoted: AllocatedQuote; earningMethod: EarningMethod } {
    // A GAP addendum on a total loss is claimed, not cancelled (docs/domain.md): a refund would pay for
    // the addendum as well as its benefit. A denied claim leaves it cancellable; a paid one spent it.
    if (gapClaim?.paid) throw benefitAlreadyPaid(gapClaim.claimNumber);
    if (gapClaim)
      throw new AppError(
        'gap_claim_open',
        `GAP claim ${gapClaim.claimNumber} is open on this GAP addendum: a GAP addendum with a claim is claimed, not cancelled. It can be cancelled if the claim is denied.`,
      );
    if (!isCalendarDate(request.cancelOn)) {
      throw new AppError('invalid_date', `"${request.cancelOn}" is not a calendar date (YYYY-MM-DD).`, {
        param: 'cancelOn',
      });
    }
    const result = quoteContractCancellation(row, terms, claimsPaid, request);
    if (!result.ok) {
      const refusal = REFUSAL_DETAILS[result.code];
      throw new AppError(result.code, refusal.detail, { param: refusal.param });
    }
    const quoted = result.quote;
    const allocation = allocateRefund({
      refundCents: quoted.refundCents,
      retailCents: row.price_cents,
      dealerCostCents,
      shareNumerator: quoted.shareNumerator,
      shareDenominator: quoted.shareDenominator,
    });
    return {
      quoted: {
        ...quoted,
        allocation,
        refundDueOn: refundDueOn(quoted.cancelOn, terms.cancellation.refundDueDays),
      },
      earningMethod: terms.cancellation.method,
    };
  }

  /** The claim holding a GAP addendum (open, or paid: spent); undefined for a service contract. */
  async function gapClaimHolding(
    executor: Kysely<Database>,
    row: ContractRow,
  ): Promise<GapClaimHolding | undefined> {
    return row.product === 'gap'
      ? (await gapClaimsHoldingAddenda(executor, [row.id])).get(row.id)
      : undefined;
  }

  /**
   * Refuses a date on or before the last repair claim authorized or paid on the contract
   * (cancellation-date.ts claimBeforeCancellation: 422 cancel_date_before_claim).
   */
  function assertAfterPayableClaim(request: CancellationRequest, claim: PayableClaim | undefined): void {
    const refusal = claimBeforeCancellation(
      request.cancelOn,
      claim && {
        claimNumber: claim.claimNumber,
        status: claim.status,
        claimDate: calendarDateInZone(claim.submittedAt, deps.timeZone),
      },
    );
    if (refusal) throw new AppError(refusal.code, refusal.detail, { param: refusal.param });
  }

  /**
   * Where the state deducts claims, refuses (409 repair_claim_undecided) while a repair claim of the
   * cancellation's day or before is still being decided (cancellation-date.ts
   * undecidedClaimHoldsCancellation). Holders and staff only: a lender's payoff or repossession is
   * cancelled on its event's date whatever is pending, its refund being owed by a deadline.
   */
  async function assertNoUndecidedClaim(
    executor: Kysely<Database>,
    row: ContractRow,
    request: CancellationRequest,
    terms: EffectiveTerms,
  ): Promise<void> {
    if (row.product !== 'vsc' || !terms.cancellation.claimsDeducted) return;
    const claim = (await earliestUndecidedClaims(executor, [row.id])).get(row.id);
    const refusal = undecidedClaimHoldsCancellation(
      request.cancelOn,
      terms.cancellation.claimsDeducted,
      claim && {
        claimNumber: claim.claimNumber,
        claimDate: calendarDateInZone(claim.submittedAt, deps.timeZone),
      },
    );
    if (refusal) throw new AppError(refusal.code, refusal.detail);
  }

  async function computeQuote(
    executor: Kysely<Database>,
    row: ContractRow,
    request: CancellationRequest,
    gapClaim: GapClaimHolding | undefined,
  ): Promise<{ quoted: AllocatedQuote; earningMethod: EarningMethod }> {
    assertAfterPayableClaim(request, (await latestPayableClaims(executor, [row.id])).get(row.id));
    const { terms } = await termsOf(catalog, row, executor);
    // A repair authorization is a promise to pay the shop (docs/domain.md "Repair claims"), and an
    // approved reimbursement one to pay the holder: where the state deducts claims, one not yet paid is
    // deducted as a paid one is.
    const claimsPaid =
      (await claimsPaidCents(executor, row.id)) +
      ((await authorizedUnpaidCentsByContract(executor, [row.id])).get(row.id) ?? 0) +
      ((await approvedUnpaidBenefitsCentsByContract(executor, [row.id])).get(row.id) ?? 0);
    const allocated = allocatedQuote(
      row,
      terms,
      claimsPaid,
      await dealerCostCentsOf(executor, row.id),
      request,
      gapClaim,
    );
    await assertNoUndecidedClaim(executor, row, request, terms);
    // Not below a reading recorded on the contract by the cancellation's day (after the sale reading's
    // own check above: odometer_below_sale). Lender events, whose odometer may be absent (the sale
    // reading stands in), are not held to it.
    const last = await lastOdometerReadings(executor, [row.id], {
      timeZone: deps.timeZone,
      onOrBefore: request.cancelOn,
    });
    const below = readingBelowLast(request.odometer, last.get(row.id));
    if (below) throw new AppError(below.code, below.detail, { param: below.param });
    return allocated;
  }

  /**
   * The date the request is for (cancellation-date.ts): today for a holder, an earlier day only from
   * staff with its evidence when it is executed; a refusal throws.
   */
  function dated(
    asked: CancellationAsked,
    principal: Principal,
    onDate: CalendarDate,
    executing: boolean,
  ): Dated {
    const decision = decideCancellationDate({
      by: principal.kind === 'holder' ? 'holder' : 'staff',
      executing,
      cancelOn: asked.cancelOn,
      evidence: asked.evidence,
      today: onDate,
    });
    if (!decision.ok) throw new AppError(decision.code, decision.detail, { param: decision.param });
    return {
      request: { cancelOn: decision.cancelOn, odometer: asked.odometer, reason: asked.reason },
      backdated: decision.backdated,
      evidence: decision.evidence,
    };
  }

  function assertNotFuture(request: CancellationRequest, onDate: CalendarDate): void {
    if (isCalendarDate(request.cancelOn) && compareDates(request.cancelOn, onDate) > 0) {
      throw new AppError(
        'invalid_date',
        'A cancellation cannot be dated after today; ask for a quote instead.',
        {
          param: 'cancelOn',
        },
      );
    }
  }

  /** A refund quote for an active contract; recorded in the contract's audit trail. */
  async function quote(
    contractId: string,
    asked: CancellationAsked,
    principal: Principal,
    actor: Actor,
    requestId: string,
  ): Promise<AllocatedQuote> {
    const row = await loadContract(db, principal, contractId);
    const onDate = today();
    const gapClaim = await gapClaimHolding(db, row);
    assertActive(row, onDate, gapClaim);
    const { request, evidence } = dated(asked, principal, onDate, false);
    const { quoted } = await computeQuote(db, row, request, gapClaim);
    await recordAudit(db, {
      actor,
      action: 'contract.cancellation_quoted',
      entityType: 'contract',
      entityId: row.id,
      reason: request.reason,
      data: {
        cancelOn: quoted.cancelOn,
        odometer: quoted.odometer,
        method: quoted.method,
        refundCents: quoted.refundCents,
        payee: quoted.payee,
        ruleIds: quoted.ruleIds,
        ...(evidence === null ? {} : { evidence }),
      },
      requestId,
    });
    return quoted;
  }

  /** Cancels the contract; pass the idempotent use case's transaction. */
  async function cancel(
    trx: Transaction<Database>,
    contractId: string,
    asked: CancellationAsked & { language?: HolderLanguage | undefined },
    principal: Principal,
    actor: Actor,
    requestId: string,
  ): Promise<CancellationResult> {
    // The lock makes a second, concurrent cancellation wait here and then find the contract cancelled.
    const row = await loadContract(trx, principal, contractId, { forUpdate: true });
    // The holder pages' language, for the emails written later about this contract (docs/languages.md).
    if (principal.kind === 'holder' && asked.language)
      await rememberContractLanguage(trx, [row.id], asked.language, clock.now());
    const onDate = today();
    const gapClaim = await gapClaimHolding(trx, row);
    assertActive(row, onDate, gapClaim);
    const { request, ...backdating } = dated(asked, principal, onDate, true);
    const { quoted, earningMethod } = await computeQuote(trx, row, request, gapClaim);
    const cancellationId = randomUUID();
    const item: QuotedCancellation = { row, quoted, earningMethod, cancellationId };

    const entry =
      quoted.refundCents > 0 ? await appendLedgerEntry(trx, refundEntryOf(item, actor, requestId)) : null;
    const posted = await postCancellation(trx, postingOf(item), { effectiveOn: onDate, actor, requestId });
    await insertCancellation(
      trx,
      cancellationRecordOf(
        item,
        { ledgerEntryId: entry?.id ?? null, journalEntryId: posted.entry?.id ?? null },
        actor,
      ),
    );
    // The dealer's share of the refund goes on its statement as a chargeback (owed by the dealer).
    const chargebackCents = posted.allocation.find((part) => part.party === 'dealer')?.amountCents ?? 0;
    if (row.dealer_id !== null && chargebackCents > 0)
      await insertDealerAccountEvent(trx, {
        dealerId: row.dealer_id,
        contractId: row.id,
        kind: 'chargeback',
        amountCents: chargebackCents,
        occurredOn: onDate,
        requestId,
      });
    const updated = await setContractStatus(trx, row, { status: 'cancelled', now: clock.now() });
    if (!updated)
      throw new AppError('conflict', 'The contract changed while it was being cancelled; try again.');
    // A transfer waiting for its fee has no contract left to pass on.
    await closePendingTransfers(trx, [row.id], 'contract_cancelled', { actor, requestId, now: clock.now() });
    await emitEvent(trx, 'contract.cancelled', {
      contractId: row.id,
      cancellationId,
      cancelOn: quoted.cancelOn,
      refundCents: quoted.refundCents,
    });
    await recordAudit(
      trx,
      cancelledAudit(row.id, quoted, cancellationId, entry?.id ?? null, actor, requestId, backdating),
    );
    return {
      contract: await contractViewOf(catalog, updated, trx, onDate),
      refund: {
        ...quoted,
        cancellationId,
        ledgerEntryId: entry?.id ?? null,
        journalEntryId: posted.entry?.id ?? null,
      },
    };
  }

  /**
   * Quotes cancellations for a batch use case (lender events) that has locked the contracts: the claims
   * paid on all of them are read in one statement, then each quote is the same rule as cancel()'s (the
   * same checks and refusals, thrown as the same AppError). Nothing is written.
   */
  async function batchQuoter(trx: Transaction<Database>, rows: readonly ContractRow[]) {
    const ids = rows.map((row) => row.id);
    const claimsPaid = await claimsPaidByContract(trx, ids);
    const authorizedUnpaid = await authorizedUnpaidCentsByContract(trx, ids);
    const benefitsUnpaid = await approvedUnpaidBenefitsCentsByContract(trx, ids);
    const payableClaims = await latestPayableClaims(trx, ids);
    const gapClaims = await gapClaimsHoldingAddenda(
      trx,
      rows.filter((row) => row.product === 'gap').map((row) => row.id),
    );
    const onDate = today();
    return async (row: ContractRow, request: CancellationRequest): Promise<QuotedCancellation> => {
      assertActive(row, onDate, gapClaims.get(row.id));
      assertNotFuture(request, onDate);
      assertAfterPayableClaim(request, payableClaims.get(row.id));
      const { terms } = await termsOf(catalog, row, trx);
      const dealerCostCents = row.dealer_cost_cents === null ? null : Number(row.dealer_cost_cents);
      return {
        row,
        ...allocatedQuote(
          row,
          terms,
          (claimsPaid.get(row.id) ?? 0) +
            (authorizedUnpaid.get(row.id) ?? 0) +
            (benefitsUnpaid.get(row.id) ?? 0),
          dealerCostCents,
          request,
          gapClaims.get(row.id),
        ),
        cancellationId: randomUUID(),
      };
    };
  }

  /**
   * Executes quoted cancellations of locked contracts, a batch at a time: what cancel() writes for one
   * contract (payments-ledger refund, cancellation record, dealer chargeback, status, webhook event,
   * audit row), each kind of row written with one statement for the whole batch. The general ledger gets
   * ONE summary entry for the batch, named by `summary` (the lines every cancellation's own entry would
   * have, summed by account, plan, state and dealer: journal-postings.ts summaryEntry); the per-contract
   * detail is in the rows above. A summary whose event key is already posted refuses the batch (its
   * lines would otherwise be lost): the transaction rolls back.
   */
  async function cancelQuoted(
    trx: Transaction<Database>,
    items: readonly QuotedCancellation[],
    actor: Actor,
    requestId: string,
    summary: SummaryEvent,
  ): Promise<Map<string, { ledgerEntryId: string | null; journalEntryId: string | null }>> {
    const written = new Map<string, { ledgerEntryId: string | null; journalEntryId: string | null }>();
    if (items.length === 0) return written;
    const onDate = today();
    const ledgerIds = await appendLedgerEntries(
      trx,
      items
        .filter(({ quoted }) => quoted.refundCents > 0)
        .map((item) => refundEntryOf(item, actor, requestId)),
    );
    const postings = items.map((item) =>
      cancellationEntry(
        postingOf(item),
        item.row.dealer_cost_cents === null ? null : Number(item.row.dealer_cost_cents),
        { effectiveOn: onDate, actor, requestId },
      ),
    );
    const entry = summaryEntry(
      postings.map((posting) => posting.entry),
      summary,
      { effectiveOn: onDate, actor, requestId },
    );
    const posted = entry ? await postJournalEntry(trx, entry) : null;
    if (entry && !posted)
      throw new AppError('conflict', `The journal entry ${summary.eventKey} was already posted; try again.`);
    // Each record names the summary entry, so the journal's contract filter finds its cancellation.
    await insertCancellations(
      trx,
      items.map((item) =>
        cancellationRecordOf(
          item,
          { ledgerEntryId: ledgerIds.get(item.cancellationId) ?? null, journalEntryId: posted?.id ?? null },
          actor,
        ),
      ),
    );
    // The dealer's share of each refund goes on its statement as a chargeback (owed by the dealer).
    await insertDealerAccountEvents(
      trx,
      items.flatMap(({ row }, index) => {
        const chargebackCents =
          postings[index]!.allocation.find((part) => part.party === 'dealer')?.amountCents ?? 0;
        return row.dealer_id !== null && chargebackCents > 0
          ? [
              {
                dealerId: row.dealer_id,
                contractId: row.id,
                kind: 'chargeback' as const,
                amountCents: chargebackCents,
                occurredOn: onDate,
                requestId,
              },
            ]
          : [];
      }),
    );
    const updated = await setContractsStatus(
      trx,
      items.map((item) => item.row),
      { status: 'cancelled', now: clock.now() },
    );
    if (updated.length !== items.length)
      throw new AppError('conflict', 'A contract changed while it was being cancelled; try again.');
    await closePendingTransfers(
      trx,
      items.map(({ row }) => row.id),
      'contract_cancelled',
      { actor, requestId, now: clock.now() },
    );
    await emitEvents(
      trx,
      'contract.cancelled',
      items.map(({ row, quoted, cancellationId }) => ({
        contractId: row.id,
        cancellationId,
        cancelOn: quoted.cancelOn,
        refundCents: quoted.refundCents,
      })),
    );
    await recordAudits(
      trx,
      items.map(({ row, quoted, cancellationId }) =>
        cancelledAudit(
          row.id,
          quoted,
          cancellationId,
          ledgerIds.get(cancellationId) ?? null,
          actor,
          requestId,
        ),
      ),
    );
    for (const { cancellationId } of items)
      written.set(cancellationId, {
        ledgerEntryId: ledgerIds.get(cancellationId) ?? null,
        journalEntryId: posted?.id ?? null,
      });
    return written;
  }

  return { quote, cancel: asUseCase(cancel), today, batchQuoter, cancelQuoted };
}

export type CancellationsService = ReturnType<typeof createCancellationsService>;

// What a cancellation writes, the same for one made by hand (cancel) and a batch (cancelQuoted).

/** The payments-ledger refund (written only when the refund is above zero). */
function refundEntryOf({ row, quoted, cancellationId }: QuotedCancellation, actor: Actor, requestId: string) {
  return {
    contractId: row.id,
    kind: 'cancellation_refund',
    direction: 'payout' as const,
    amountCents: quoted.refundCents,
    payee: quoted.payee,
    source: { type: 'cancellation', id: cancellationId },
    memo: `Refund on cancellation of contract ${row.contract_number} (${quoted.method})`,
    actor,
    requestId,
  };
}

/** The cancellation record, with the quote it was executed on, its refund's ledger entry and its journal entry. */
function cancellationRecordOf(
  { row, quoted, cancellationId, lenderEventId }: QuotedCancellation,
  posted: { ledgerEntryId: string | null; journalEntryId: string | null },
  actor: Actor,
): CancellationRecord {
  return {
    id: cancellationId,
    contract_id: row.id,
    cancel_on: quoted.cancelOn,
    odometer: quoted.odometer,
    reason: quoted.reason,
    method: quoted.method,
    gross_refund_cents: quoted.grossRefundCents,
    fee_cents: quoted.feeCents,
    claims_deducted_cents: quoted.claimsDeductedCents,
    refund_cents: quoted.refundCents,
    payee_kind: quoted.payee.kind,
    payee_name: quoted.payee.name,
    quote: storedQuote(quoted),
    ledger_entry_id: posted.ledgerEntryId,
    journal_entry_id: posted.journalEntryId,
    lender_event_id: lenderEventId ?? null,
    refund_due_on: quoted.refundDueOn,
    requested_by: actor.label,
  };
}

/** What the journal posts for the cancellation. */
function postingOf({ row, quoted, earningMethod, cancellationId }: QuotedCancellation): CancellationPosting {
  return {
    cancellationId,
    contract: row,
    cancelOn: quoted.cancelOn,
    earningMethod,
    refundCents: quoted.refundCents,
    grossRefundCents: quoted.grossRefundCents,
    feeCents: quoted.feeCents,
    shareNumerator: quoted.shareNumerator,
    shareDenominator: quoted.shareDenominator,
  };
}

/** The audit row of a cancellation, the same for one made by hand and one a lender event makes. */
function cancelledAudit(
  contractId: string,
  quoted: CancellationQuote,
  cancellationId: string,
  ledgerEntryId: string | null,
  actor: Actor,
  requestId: string,
  backdating: Omit<Dated, 'request'> | null = null,
) {
  return {
    actor,
    action: 'contract.cancelled',
    entityType: 'contract',
    entityId: contractId,
    reason: quoted.reason,
    data: {
      cancellationId,
      cancelOn: quoted.cancelOn,
      odometer: quoted.odometer,
      method: quoted.method,
      grossRefundCents: quoted.grossRefundCents,
      feeCents: quoted.feeCents,
      claimsDeductedCents: quoted.claimsDeductedCents,
      refundCents: quoted.refundCents,
      payee: quoted.payee,
      ledgerEntryId,
      ruleIds: quoted.ruleIds,
      // Staff dating it before today say what proves the date (a lender event is dated by its event).
      ...(backdating ? { backdated: backdating.backdated, evidence: backdating.evidence } : {}),
    },
    requestId,
  };
}
