// Whether a contract may pass to a new owner, and for what fee (docs/domain.md "Transfers": private sale
// only, reported within 30 days of the ownership change, fee $50 — FL $40, MA $0 — and GAP is not
// transferable; the numbers come from the contract's catalog terms). Pure: the service passes in the
// contract, its terms and today's date.

import type { TransferRule } from '../catalog/catalog.schema.js';
import type { TransferRefusalCode } from '../explanations/explanations.js';
import type { ContractStatusValue, TransferSaleType } from '../platform/db/schema.js';
import {
  addDays,
  type CalendarDate,
  compareDates,
  daysBetween,
  isCalendarDate,
} from '../shared/calendar-date.js';

export interface TransferContractFacts {
  status: ContractStatusValue;
  purchaseDate: CalendarDate;
  expiresOn: CalendarDate;
  odometerAtSale: number;
  /** Null when the term has no mileage limit. */
  expiresAtMiles: number | null;
}

export interface TransferRequestFacts {
  ownershipTransferredOn: CalendarDate;
  saleType: TransferSaleType;
  odometer: number;
}

export type TransferDecision =
  | { ok: true; feeCents: number; windowEndsOn: CalendarDate; daysSinceTransfer: number }
  | { ok: false; code: TransferRefusalCode; param?: string };

/**
 * The checks in order: the product (a GAP addendum never transfers), the contract (cancelled, void
 * or run out by date or miles), the dates, the kind of sale, the reporting window (inclusive: day 30
 * of a 30-day window is in time), and the odometer.
 */
export function decideTransfer(
  contract: TransferContractFacts,
  rule: TransferRule,
  request: TransferRequestFacts,
  today: CalendarDate,
): TransferDecision {
  if (!rule.allowed) return { ok: false, code: 'not_transferable' };
  const expired =
    compareDates(today, contract.expiresOn) > 0 ||
    (contract.expiresAtMiles !== null && request.odometer > contract.expiresAtMiles);
  if (contract.status !== 'active' || expired) return { ok: false, code: 'contract_not_active' };
  if (
    !isCalendarDate(request.ownershipTransferredOn) ||
    compareDates(request.ownershipTransferredOn, today) > 0 ||
    compareDates(request.ownershipTransferredOn, contract.purchaseDate) < 0
  ) {
    return { ok: false, code: 'invalid_date', param: 'ownershipTransferredOn' };
  }
  if (rule.privateSaleOnly && request.saleType !== 'private') {
    return { ok: false, code: 'transfer_requires_private_sale', param: 'saleType' };
  }
  const daysSinceTransfer = daysBetween(request.ownershipTransferredOn, today);
  if (daysSinceTransfer > rule.windowDays) {
    return { ok: false, code: 'transfer_window_elapsed', param: 'ownershipTransferredOn' };
  }
  if (request.odometer < contract.odometerAtSale) {
    return { ok: false, code: 'odometer_below_sale', param: 'odometer' };
  }
  return {
    ok: true,
    feeCents: rule.feeCents,
    windowEndsOn: addDays(request.ownershipTransferredOn, rule.windowDays),
    daysSinceTransfer,
  };
}
