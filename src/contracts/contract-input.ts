// Turns a contract as a dealer or an admin sends it (API body or dealer-file row) into the row the
// registry stores, checking it against the catalog version it is sold under: the VIN check digit,
// ZIP and state, the plan and its product, the deductible and term the plan offers, and the term
// arithmetic (expiry by date and miles, waiting period). Pure: no database, no clock.
import type { Catalog } from '../catalog/catalog.schema.js';
import { isCaProvince, isRegionCode } from '../catalog/regions.js';
import type { NewContractRow } from '../platform/db/schema.js';
import {
  addDays,
  type CalendarDate,
  compareDates,
  FIRST_INPUT_YEAR,
  isCalendarDateInWindow,
  LAST_INPUT_YEAR,
} from '../shared/calendar-date.js';
import type { ErrorCode } from '../shared/errors.js';
import { computeContractTerm } from './contract-term.js';
import { modelYearProblem } from './model-year.js';
import { validateVin } from './vin.js';

export interface ContractInput {
  contractNumber?: string | undefined;
  product: 'vsc' | 'gap';
  planCode: string;
  holder: {
    firstName: string;
    lastName: string;
    email?: string | null | undefined;
    phone?: string | null | undefined;
    address: { line1: string; city: string; state: string; zip: string };
  };
  vehicle: { vin: string; year: number; make: string; model: string };
  odometerAtSale: number;
  purchaseDate: string;
  purchaseState: string;
  termMonths: number;
  termMiles?: number | null | undefined;
  priceCents: number;
  deductibleCents?: number | null | undefined;
  lienholder: { name: string } | null;
  sellingDealer?: { code: string; name: string } | null | undefined;
  amountFinancedCents?: number | null | undefined;
  msrpCents?: number | null | undefined;
  /** Sold after the vehicle sale and out of factory warranty: the plan's waiting period applies. */
  soldAfterVehicleSale?: boolean | undefined;
}

export type ContractInputResult =
  | {
      ok: true;
      row: Omit<NewContractRow, 'contract_number' | 'source' | 'import_id'> & {
        contract_number: string | null;
      };
    }
  | { ok: false; code: ErrorCode; detail: string; param: string };

/**
 * Bounds of a contract's numbers, for the API schema and the dealer file alike: realistic, and within
 * the columns (odometer, term and miles are int4; money is bigint, kept to $10,000,000 so that a
 * portfolio's sums stay exact). A file row beyond them was a failed COPY, not a rejected row.
 */
export const CONTRACT_LIMITS = {
  odometerAtSale: { minimum: 0, maximum: 2_000_000 },
  termMonths: { minimum: 1, maximum: 120 },
  termMiles: { minimum: 1, maximum: 1_000_000 },
  cents: { minimum: 0, maximum: 1_000_000_000 },
} as const;

const CONTRACT_NUMBER = /^[A-Z0-9][A-Z0-9-]{2,39}$/;
const US_ZIP = /^(\d{5})(?:-?\d{4})?$/;
const CA_POSTAL = /^([A-Z]\d[A-Z])\s?(\d[A-Z]\d)$/;
const ASCII_LETTERS = /^[A-Za-z]+$/;

/** A last name folded for matching: accents removed, case folded, only letters kept ("Núñez-O'Brien" → "nunezobrien"). */
export function lastNameKey(lastName: string): string {
  // Most names are plain ASCII letters: nothing to strip or fold but case.
  if (ASCII_LETTERS.test(lastName)) return lastName.toLowerCase();
  return lastName
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}]/gu, '');
}

/** ZIP5 from ZIP5 or ZIP+4, or a Canadian postal code as "A1A 1A1"; null when neither. */
export function normalizePostalCode(value: string, region: string): string | null {
  return isCaProvince(region) ? normalizeCaPostalCode(value) : normalizeUsZip(value);
}

/** ZIP5 from ZIP5 or ZIP+4; null when it is neither. */
export function normalizeUsZip(value: string): string | null {
  const match = US_ZIP.exec(value.trim().toUpperCase());
  return match ? match[1]! : null;
}

/** A Canadian postal code as "A1A 1A1"; null when it is not one. */
export function normalizeCaPostalCode(value: string): string | null {
  const match = CA_POSTAL.exec(value.trim().toUpperCase());
  return match ? `${match[1]} ${match[2]}` : null;
}

function refuse(code: ErrorCode, detail: string, param: string): ContractInputResult {
  return { ok: false, code, detail, param };
}

/**
 * Days a purchase date may be after the administrator's business day: a dealer in a time zone ahead of
 * it is already on the next day. Anything later is a sale that has not happened.
 */
export const PURCHASE_DATE_GRACE_DAYS = 1;

/** `today` is the business day the contract is booked (or imported) on. */
export function prepareContract(
  input: ContractInput,
  catalog: Catalog,
  catalogVersion: number,
  today: CalendarDate,
): ContractInputResult {
  let contractNumber: string | null = null;
  if (input.contractNumber !== undefined && input.contractNumber !== '') {
    contractNumber = input.contractNumber.trim().toUpperCase();
    if (!CONTRACT_NUMBER.test(contractNumber)) {
      return refuse(
        'validation_failed',
        'A contract number is 3–40 letters, digits and dashes.',
        'contractNumber',
      );
    }
  }
  const plan = catalog.plans.find((p) => p.code === input.planCode);
  if (!plan || plan.product !== input.product) {
    const offered = catalog.plans.filter((p) => p.product === input.product).map((p) => p.code);
    return refuse(
      'unknown_plan',
      `There is no ${input.product.toUpperCase()} plan "${input.planCode}" in catalog version ${catalogVersion}; offered: ${offered.join(', ')}.`,
      'planCode',
    );
  }
  const vin = validateVin(input.vehicle.vin);
  if (!vin.ok) return refuse('invalid_vin', vin.detail, 'vehicle.vin');

  const addressState = input.holder.address.state.trim().toUpperCase();
  if (!isRegionCode(addressState)) {
    return refuse(
      'invalid_state',
      `"${input.holder.address.state}" is not a U.S. state or Canadian province code.`,
      'holder.address.state',
    );
  }
  const purchaseState = input.purchaseState.trim().toUpperCase();
  if (!isRegionCode(purchaseState)) {
    return refuse(
      'invalid_state',
      `"${input.purchaseState}" is not a U.S. state or Canadian province code.`,
      'purchaseState',
    );
  }
  const zip = normalizePostalCode(input.holder.address.zip, addressState);
  if (!zip) {
    return refuse(
      'invalid_zip',
      isCaProvince(addressState)
        ? 'A Canadian postal code looks like A1A 1A1.'
        : 'A ZIP code is 5 digits, or ZIP+4 (12345-6789).',
      'holder.address.zip',
    );
  }
  if (!isCalendarDateInWindow(input.purchaseDate)) {
    return refuse(
      'invalid_date',
      `"${input.purchaseDate}" is not a calendar date (YYYY-MM-DD) in the years ${FIRST_INPUT_YEAR}–${LAST_INPUT_YEAR}.`,
      'purchaseDate',
    );
  }
  const latest = addDays(today, PURCHASE_DATE_GRACE_DAYS);
  if (compareDates(input.purchaseDate, latest) > 0) {
    return refuse(
      'invalid_date',
      `The purchase date ${input.purchaseDate} is after today (${today}): a contract is booked for a sale that has happened.`,
      'purchaseDate',
    );
  }
  const outOfBounds = numberOutOfBounds(input);
  if (outOfBounds) {
    const { minimum, maximum } = outOfBounds.limits;
    return refuse(
      'validation_failed',
      `${outOfBounds.field} must be a whole number from ${minimum} to ${maximum}.`,
      outOfBounds.field,
    );
  }
  const modelYear = modelYearProblem(input.vehicle.year, input.purchaseDate);
  if (modelYear?.field === 'sale_date') {
    return refuse('invalid_date', `The purchase date ${modelYear.detail}`, 'purchaseDate');
  }
  if (modelYear) return refuse('validation_failed', modelYear.detail, 'vehicle.year');
  const holderLastNameKey = lastNameKey(input.holder.lastName);
  if (!input.holder.firstName.trim() || !holderLastNameKey) {
    return refuse(
      'validation_failed',
      'The holder needs a first and a last name.',
      input.holder.firstName.trim() ? 'holder.lastName' : 'holder.firstName',
    );
  }

  let termMiles: number | null = null;
  let deductibleCents = 0;
  let waitingPeriod: { days: number; miles: number } | null = null;
  if (plan.product === 'vsc') {
    if (input.termMiles === undefined || input.termMiles === null) {
      return refuse('validation_failed', 'A service contract needs termMiles.', 'termMiles');
    }
    termMiles = input.termMiles;
    if (!plan.termOptions.some((t) => t.months === input.termMonths && t.miles === termMiles)) {
      const offered = plan.termOptions.map((t) => `${t.months} months/${t.miles} miles`).join(', ');
      return refuse('term_not_offered', `${plan.name} is sold for ${offered}.`, 'termMonths');
    }
    deductibleCents = input.deductibleCents ?? 0;
    if (!plan.deductibleOptionsCents.includes(deductibleCents)) {
      const offered = plan.deductibleOptionsCents.map((c) => `$${c / 100}`).join(', ');
      return refuse(
        'deductible_not_offered',
        `${plan.name} offers deductibles of ${offered}.`,
        'deductibleCents',
      );
    }
    if (input.soldAfterVehicleSale) waitingPeriod = plan.waitingPeriod;
  } else {
    if (input.amountFinancedCents === undefined || input.amountFinancedCents === null) {
      return refuse('validation_failed', 'A GAP addendum needs amountFinancedCents.', 'amountFinancedCents');
    }
    if (input.msrpCents === undefined || input.msrpCents === null) {
      return refuse(
        'validation_failed',
        'A GAP addendum needs msrpCents (MSRP or retail book value).',
        'msrpCents',
      );
    }
    // GAP covers a loan: its benefit is paid to the lienholder, and the lender's events find it by name.
    if (!input.lienholder?.name.trim()) {
      return refuse(
        'validation_failed',
        'A GAP addendum needs the lienholder (the lender of the loan it covers): its benefit is paid to them.',
        'lienholder.name',
      );
    }
  }

  // GAP addenda run for the loan term in months only; miles do not end them.
  const term = computeContractTerm({
    purchaseDate: input.purchaseDate,
    termMonths: input.termMonths,
    odometerAtSale: input.odometerAtSale,
    termMiles: termMiles ?? 0,
    waitingPeriod,
  });

  return {
    ok: true,
    row: {
      contract_number: contractNumber,
      product: plan.product,
      plan_code: plan.code,
      catalog_version: catalogVersion,
      status: 'active',
      holder_first_name: input.holder.firstName.trim(),
      holder_last_name: input.holder.lastName.trim(),
      holder_last_name_key: holderLastNameKey,
      holder_email: input.holder.email?.trim() || null,
      holder_phone: input.holder.phone?.trim() || null,
      address_line1: input.holder.address.line1.trim(),
      address_city: input.holder.address.city.trim(),
      address_state: addressState,
      address_zip: zip,
      vin: vin.vin,
      vehicle_year: input.vehicle.year,
      vehicle_make: input.vehicle.make.trim(),
      vehicle_model: input.vehicle.model.trim(),
      odometer_at_sale: input.odometerAtSale,
      purchase_date: input.purchaseDate,
      purchase_state: purchaseState,
      term_months: input.termMonths,
      term_miles: termMiles,
      term_days: term.termDays,
      expires_on: term.expiresOn,
      expires_at_miles: plan.product === 'vsc' ? term.expiresAtMiles : null,
      waiting_period_ends_on: term.waitingPeriodEndsOn,
      waiting_period_ends_at_miles: term.waitingPeriodEndsAtMiles,
      price_cents: input.priceCents,
      deductible_cents: deductibleCents,
      lienholder_name: input.lienholder?.name.trim() || null,
      selling_dealer_code: input.sellingDealer?.code.trim() || null,
      selling_dealer_name: input.sellingDealer?.name.trim() || null,
      amount_financed_cents: input.amountFinancedCents ?? null,
      msrp_cents: input.msrpCents ?? null,
    },
  };
}

/** The first number of the contract outside CONTRACT_LIMITS, with its limits, or null. */
function numberOutOfBounds(
  input: ContractInput,
): { field: string; limits: { minimum: number; maximum: number } } | null {
  const checks: [string, number | null | undefined, { minimum: number; maximum: number }][] = [
    ['odometerAtSale', input.odometerAtSale, CONTRACT_LIMITS.odometerAtSale],
    ['termMonths', input.termMonths, CONTRACT_LIMITS.termMonths],
    ['termMiles', input.termMiles, CONTRACT_LIMITS.termMiles],
    ['priceCents', input.priceCents, CONTRACT_LIMITS.cents],
    ['deductibleCents', input.deductibleCents, CONTRACT_LIMITS.cents],
    ['amountFinancedCents', input.amountFinancedCents, CONTRACT_LIMITS.cents],
    ['msrpCents', input.msrpCents, CONTRACT_LIMITS.cents],
  ];
  for (const [field, value, limits] of checks) {
    if (value === null || value === undefined) continue;
    if (!Number.isInteger(value) || value < limits.minimum || value > limits.maximum)
      return { field, limits };
  }
  return null;
}
