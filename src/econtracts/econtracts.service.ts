// E-contracting and voids (docs/domain.md "Selling through dealers"). Booking a stored rate registers the
// contract exactly as POST /contracts does (the contracts service, its validation, audit and coverage),
// under the catalog version the rate was priced with, and records the dealer, its cost and the retail
// price; a rate books once. A void ends a contract that never existed for money: its dealer may void
// it within the void window if no claim was filed, staff at any time; no refund, no fee. Both put an
// event on the dealer's account (booked: + dealer cost; voided: − dealer cost) for the statement.

import type { Kysely, Transaction } from 'kysely';
import { postContractVoided } from '../accounting/journal-postings.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import { voidContractRow } from '../contracts/contract.repository.js';
import type { ContractView } from '../contracts/contract.view.js';
import { loadContract } from '../contracts/contract-access.js';
import { PURCHASE_DATE_GRACE_DAYS } from '../contracts/contract-input.js';
import type { ContractsService } from '../contracts/contracts.service.js';
import { findDealerById, insertDealerAccountEvent } from '../dealers/dealer.repository.js';
import { type Actor, recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { asUseCase, joining } from '../platform/db/transaction.js';
import { findQuotedOfferLockingRate, findRateBooking, insertRateBooking } from '../rating/rate.repository.js';
import type { RatedVehicle } from '../rating/rates.service.js';
import { addDays, type CalendarDate, calendarDateInZone } from '../shared/calendar-date.js';
import { AppError } from '../shared/errors.js';
import { formatUsd } from '../shared/money.js';
import { dealerIdOf, type Principal } from '../shared/principal.js';
import { closePendingTransfers } from '../transfers/transfer-closing.js';
import { emitEvent } from '../webhooks/webhook-events.js';

export interface BookingInput {
  rateId: string;
  retailPriceCents: number;
  holder: {
    firstName: string;
    lastName: string;
    email?: string | null | undefined;
    phone?: string | null | undefined;
    address: { line1: string; city: string; state: string; zip: string };
  };
  lienholder?: { name: string } | null | undefined;
  dealNumber?: string | undefined;
  amountFinancedCents?: number | undefined;
  msrpCents?: number | undefined;
}

export type BookedContract = ContractView & { dealerCode: string | null; dealerCostCents: number | null };

/** Whether a sale on `purchaseDate` may still be voided by its dealer on `onDate` (inclusive window). */
export function withinVoidWindow(
  purchaseDate: CalendarDate,
  onDate: CalendarDate,
  voidWindowDays: number,
): boolean {
  return onDate <= addDays(purchaseDate, voidWindowDays);
}

export function createEcontractsService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  catalog: CatalogService;
  contracts: ContractsService;
  timeZone: string;
}) {
  const { clock, contracts } = deps;
  const today = (): CalendarDate => calendarDateInZone(clock.now(), deps.timeZone);

  async function book(
    trx: Transaction<Database>,
    input: BookingInput,
    principal: Principal,
    actor: Actor,
    requestId: string,
  ): Promise<BookedContract> {
    const dealerId = dealerIdOf(principal);
    if (!dealerId) throw new AppError('forbidden', 'Only a dealer books its rates.');
    // The rate is locked: a second booking of the same rate waits here, then finds it booked.
    const quoted = await findQuotedOfferLockingRate(trx, input.rateId);
    const rate = quoted?.offer;
    if (!quoted || !rate || quoted.dealerId !== dealerId)
      throw new AppError('not_found', 'No rate with that id for this dealer.', { param: 'rateId' });
    if ((await findRateBooking(trx, rate.rateId)) !== null)
      throw new AppError(
        'rate_already_used',
        'This rate has already booked a contract; rate the vehicle again.',
        {
          param: 'rateId',
        },
      );
    const onDate = today();
    if (onDate > quoted.expiresOn)
      throw new AppError(
        'rate_expired',
        `This rate could be booked until ${quoted.expiresOn}; rate the vehicle again.`,
        {
          param: 'rateId',
        },
      );
    // The cost and the cap are the stored offer's: what the dealer sends is only the retail price.
    if (input.retailPriceCents < rate.dealerCostCents)
      throw new AppError(
        'retail_price_below_cost',
        `The retail price may not be below the dealer cost of ${formatUsd(rate.dealerCostCents)}.`,
        { param: 'retailPriceCents' },
      );
    if (input.retailPriceCents > rate.maxRetailCents)
      throw new AppError(
        'retail_price_above_cap',
        `The retail price may be at most ${formatUsd(rate.maxRetailCents)} for this offer.`,
        { param: 'retailPriceCents' },
      );
    const vehicle = quoted.vehicle as unknown as RatedVehicle;
    if (rate.product === 'gap') {
      // GAP was rated from the loan; a booking may repeat its figures but not change them.
      for (const [field, rated] of [
        ['amountFinancedCents', vehicle.loan?.amountFinancedCents],
        ['msrpCents', vehicle.loan?.msrpCents],
      ] as const) {
        if (input[field] !== undefined && input[field] !== rated)
          throw new AppError('validation_failed', `${field} must be the ${rated} the rate was priced with.`, {
            param: field,
          });
      }
    }
    // A rate may be asked ahead of the sale (within its validity), but a contract is booked for a sale
    // that has happened: say so about the rate, the field the dealer sent, not about a purchase date.
    if (vehicle.saleDate > addDays(onDate, PURCHASE_DATE_GRACE_DAYS))
      throw new AppError(
        'invalid_date',
        `This rate is for a sale on ${vehicle.saleDate}: book it on that day or after (the rate is good until ${quoted.expiresOn}).`,
        { param: 'rateId' },
      );
    const dealer = await findDealerById(trx, dealerId);
    if (!dealer) throw new AppError('not_found', 'No dealer with that id.');
    // The contract is registered in this booking's transaction.
    const contract = await contracts.create(
      joining(trx),
      {
        product: rate.product,
        planCode: rate.planCode,
        holder: input.holder,
        vehicle: {
          vin: vehicle.vin,
          year: vehicle.vehicle.year,
          make: vehicle.vehicle.make,
          model: vehicle.vehicle.model,
        },
        odometerAtSale: vehicle.odometer,
        purchaseDate: vehicle.saleDate,
        purchaseState: vehicle.purchaseState,
        termMonths: rate.termMonths,
        termMiles: rate.termMiles,
        priceCents: input.retailPriceCents,
        deductibleCents: rate.product === 'vsc' ? rate.deductibleCents : null,
        lienholder: input.lienholder ?? null,
        sellingDealer: { code: dealer.code, name: dealer.name },
        amountFinancedCents: rate.product === 'gap' ? (vehicle.loan?.amountFinancedCents ?? null) : null,
        msrpCents: rate.product === 'gap' ? (vehicle.loan?.msrpCents ?? null) : null,
      },
      actor,
      requestId,
      { catalogVersion: quoted.catalogVersion, dealerId, dealerCostCents: rate.dealerCostCents },
    );
    if (
      !(await insertRateBooking(trx, {
        rateId: rate.rateId,
        quoteId: quoted.quoteId,
        contractId: contract.id,
        now: clock.now(),
      }))
    )
      throw new AppError('rate_already_used', 'This rate has already booked a contract.', {
        param: 'rateId',
      });
    await insertDealerAccountEvent(trx, {
      dealerId,
      contractId: contract.id,
      kind: 'contract_booked',
      amountCents: rate.dealerCostCents,
      occurredOn: onDate,
      requestId,
    });
    await recordAudit(trx, {
      actor,
      action: 'contract.booked',
      entityType: 'contract',
      entityId: contract.id,
      data: {
        rateId: rate.rateId,
        dealerCode: dealer.code,
        dealerCostCents: rate.dealerCostCents,
        retailPriceCents: input.retailPriceCents,
        dealNumber: input.dealNumber?.trim() ?? null,
      },
      requestId,
    });
    return { ...contract, dealerCode: dealer.code, dealerCostCents: rate.dealerCostCents };
  }

  async function voidContract(
    trx: Transaction<Database>,
    contractId: string,
    reasonAsSent: string,
    principal: Principal,
    actor: Actor,
    requestId: string,
  ): Promise<ContractView> {
    const dealerId = dealerIdOf(principal);
    const reason = reasonAsSent.trim();
    const row = await loadContract(trx, principal, contractId, { forUpdate: true });
    if (row.status !== 'active')
      throw new AppError(
        'contract_not_active',
        `The contract is ${row.status}; only an active contract is voided.`,
      );
    const onDate = today();
    if (dealerId !== null) {
      // The dealer's void is for a deal that unwound: soon after the sale, before any claim.
      const { catalog } = await deps.catalog.byVersion(row.catalog_version, trx);
      const windowDays = catalog.rating?.voidWindowDays ?? 0;
      if (!withinVoidWindow(row.purchase_date, onDate, windowDays))
        throw new AppError(
          'void_window_elapsed',
          `A dealer may void a contract within ${windowDays} days of the sale (until ${addDays(row.purchase_date, windowDays)}); ask the administrator to cancel it instead.`,
        );
      if (row.has_claims)
        throw new AppError(
          'contract_has_claims',
          'A claim was filed on this contract: it can be cancelled, not voided.',
        );
    }
    const voided = await voidContractRow(trx, row.id, { reason, now: clock.now() });
    if (!voided) throw new AppError('contract_not_active', 'The contract is not active.');
    // A transfer waiting for its fee has no contract left to pass on.
    await closePendingTransfers(trx, [row.id], 'contract_voided', { actor, requestId, now: clock.now() });
    // The books: the premium comes off the receivable and the unearned premium (no refund, no fee).
    await postContractVoided(trx, row, { effectiveOn: onDate, actor, requestId });
    if (row.dealer_id !== null && row.dealer_cost_cents !== null) {
      await insertDealerAccountEvent(trx, {
        dealerId: row.dealer_id,
        contractId: row.id,
        kind: 'contract_voided',
        amountCents: -row.dealer_cost_cents,
        occurredOn: onDate,
        requestId,
      });
    }
    await emitEvent(trx, 'contract.voided', { contractId: row.id, contractNumber: row.contract_number });
    await recordAudit(trx, {
      actor,
      action: 'contract.voided',
      entityType: 'contract',
      entityId: row.id,
      reason,
      data: { dealerCostCents: row.dealer_cost_cents, byDealer: dealerId !== null },
      requestId,
    });
    return contracts.view(voided, true, trx);
  }

  return { book: asUseCase(book), voidContract: asUseCase(voidContract), today };
}

export type EcontractsService = ReturnType<typeof createEcontractsService>;
