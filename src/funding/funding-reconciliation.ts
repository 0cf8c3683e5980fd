// Funding reconciliation (issue 16): a lender's funded deals matched against the registry, as a pure
// function over plain data. Holders otherwise learn at claim time that a contract their loan paid for
// was never registered or its dealer cost never remitted. A deal matches the registered contract on
// the same VIN and product (one contract per deal; the same dealer preferred); per dealer the report
// lists deals financed but not registered, contracts registered but not remitted more than N days
// after the sale, and deals whose amount financed for the add-on differs from the contract's price.
//
// "Remitted": the dealer's remittances (dealer statements, migration 0024) cover the contract's dealer
// cost, paying the account's charges oldest first (funding.repository.ts remittedContracts); a booked
// contract (dealer cost on the dealer's account) not covered N days after the sale is reported.
import { PURCHASE_DATE_GRACE_DAYS } from '../contracts/contract-input.js';
import { validateVin } from '../contracts/vin.js';
import {
  addDays,
  type CalendarDate,
  compareDates,
  daysBetween,
  isCalendarDateInWindow,
} from '../shared/calendar-date.js';

export interface FundedDeal {
  line: number;
  vin: string;
  product: 'vsc' | 'gap';
  amountFinancedCents: number;
  fundedOn: CalendarDate;
  dealerCode: string;
}

export interface RegisteredContract {
  id: string;
  contractNumber: string;
  vin: string;
  product: 'vsc' | 'gap';
  priceCents: number;
  purchaseDate: CalendarDate;
  dealerCode: string | null;
  /** Booked through a dealer (a dealer cost is on its account) and so owed to the administrator. */
  booked: boolean;
  remitted: boolean;
  status: 'active' | 'cancelled' | 'expired' | 'void' | 'claimed';
}

export type FundingException =
  | { kind: 'financed_not_registered'; deal: FundedDeal }
  | { kind: 'registered_not_remitted'; deal: FundedDeal; contract: RegisteredContract; daysSinceSale: number }
  | { kind: 'price_mismatch'; deal: FundedDeal; contract: RegisteredContract; differenceCents: number };

export interface DealerReconciliation {
  dealerCode: string;
  deals: number;
  matched: number;
  exceptions: FundingException[];
}

/** Matches deals to contracts and reports the exceptions per dealer (dealers in code order). */
export function reconcileFunding(
  deals: readonly FundedDeal[],
  contracts: readonly RegisteredContract[],
  options: { today: CalendarDate; remittanceDays: number },
): DealerReconciliation[] {
  const byKey = new Map<string, RegisteredContract[]>();
  for (const contract of contracts) {
    if (contract.status === 'void') continue; // a void contract never existed for money
    const key = `${contract.vin}|${contract.product}`;
    byKey.set(key, [...(byKey.get(key) ?? []), contract]);
  }
  const used = new Set<string>();
  const dealers = new Map<string, DealerReconciliation>();
  for (const deal of [...deals].sort((a, b) => a.line - b.line)) {
    const report = dealers.get(deal.dealerCode) ?? {
      dealerCode: deal.dealerCode,
      deals: 0,
      matched: 0,
      exceptions: [],
    };
    dealers.set(deal.dealerCode, report);
    report.deals += 1;
    const candidates = (byKey.get(`${deal.vin}|${deal.product}`) ?? []).filter((c) => !used.has(c.id));
    const contract =
      candidates.find((c) => c.dealerCode === deal.dealerCode) ??
      candidates.sort((a, b) => compareDates(b.purchaseDate, a.purchaseDate))[0];
    if (!contract) {
      report.exceptions.push({ kind: 'financed_not_registered', deal });
      continue;
    }
    used.add(contract.id);
    report.matched += 1;
    if (contract.priceCents !== deal.amountFinancedCents) {
      report.exceptions.push({
        kind: 'price_mismatch',
        deal,
        contract,
        differenceCents: deal.amountFinancedCents - contract.priceCents,
      });
    }
    const deadline = addDays(contract.purchaseDate, options.remittanceDays);
    if (contract.booked && !contract.remitted && compareDates(options.today, deadline) > 0) {
      report.exceptions.push({
        kind: 'registered_not_remitted',
        deal,
        contract,
        daysSinceSale: daysBetween(contract.purchaseDate, options.today),
      });
    }
  }
  return [...dealers.values()].sort((a, b) =>
    a.dealerCode < b.dealerCode ? -1 : a.dealerCode > b.dealerCode ? 1 : 0,
  );
}

/** The columns of a funded-deals file, as the README and the upload page name them. */
export const FUNDED_DEAL_COLUMNS = [
  'vin',
  'product',
  'amount_financed_cents',
  'funded_on',
  'dealer_code',
] as const;
export type FundedDealColumn = (typeof FUNDED_DEAL_COLUMNS)[number];

/**
 * Days a funding date may be after the administrator's business day: a lender in a time zone ahead of
 * it is already on the next day (as for a contract's purchase date). Anything later has not happened.
 */
export const FUNDED_ON_GRACE_DAYS = PURCHASE_DATE_GRACE_DAYS;

export type FundedDealRow =
  | { ok: true; deal: FundedDeal }
  | {
      ok: false;
      code: 'invalid_vin' | 'unknown_product' | 'invalid_amount' | 'invalid_date' | 'validation_failed';
      detail: string;
      /** The column, by the name the README gives it (the service names it as the file wrote it). */
      param: FundedDealColumn;
    };

/** Checks one CSV row of a funded-deals file; `today` is the administrator's business day. */
export function checkFundedDeal(
  line: number,
  raw: Record<FundedDealColumn, string>,
  today: CalendarDate,
): FundedDealRow {
  const vin = validateVin(raw.vin);
  if (!vin.ok) return { ok: false, code: 'invalid_vin', detail: vin.detail, param: 'vin' };
  const product = raw.product.trim().toLowerCase();
  if (product !== 'vsc' && product !== 'gap') {
    return {
      ok: false,
      code: 'unknown_product',
      detail: `"${raw.product}" is not a product; use vsc or gap.`,
      param: 'product',
    };
  }
  const amount = raw.amount_financed_cents.trim();
  if (!/^\d{1,12}$/.test(amount)) {
    return {
      ok: false,
      code: 'invalid_amount',
      detail: `"${raw.amount_financed_cents}" is not a whole number of cents.`,
      param: 'amount_financed_cents',
    };
  }
  const fundedOn = raw.funded_on.trim();
  if (!isCalendarDateInWindow(fundedOn)) {
    return {
      ok: false,
      code: 'invalid_date',
      detail: `"${raw.funded_on}" is not a calendar date (YYYY-MM-DD).`,
      param: 'funded_on',
    };
  }
  if (compareDates(fundedOn, addDays(today, FUNDED_ON_GRACE_DAYS)) > 0) {
    return {
      ok: false,
      code: 'invalid_date',
      detail: `The funding date ${fundedOn} is after today (${today}): send a deal once it is funded.`,
      param: 'funded_on',
    };
  }
  const dealerCode = raw.dealer_code.trim();
  if (dealerCode === '' || dealerCode.length > 64) {
    return {
      ok: false,
      code: 'validation_failed',
      detail: 'The dealer code is empty or too long.',
      param: 'dealer_code',
    };
  }
  return {
    ok: true,
    deal: { line, vin: vin.vin, product, amountFinancedCents: Number(amount), fundedOn, dealerCode },
  };
}
