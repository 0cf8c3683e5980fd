import { withCheckDigit } from '../../src/contracts/vin.js';

// The contracts and repair estimate the staff-side tests (claims, the work queue, search, payments) start
// from: a 2024 Honda Accord sold in Missouri by Plaza Honda under Value Guard (36 months, $1,999), a repair
// shop's estimate for its front brakes, and a GAP addendum sold in Texas.

/** Fresh VINs (`1HGCM82603A` and a serial counted on from `after`, with the check digit), one per call. */
export function vinSequence(after: number): () => string {
  let serial = after;
  return () => {
    serial += 1;
    return withCheckDigit(`1HGCM82603A${String(serial).padStart(6, '0')}`);
  };
}

export const STAFF_HOLDER = {
  firstName: 'Rosa',
  lastName: 'Delgado',
  address: { line1: '9 Oak St', city: 'Kansas City', state: 'MO', zip: '64111' },
};

/** A `POST /contracts` body of a Value Guard service contract on `vin`, with `overrides` on top. */
export function staffVscBody(vin: string, overrides: Record<string, unknown> = {}) {
  return {
    product: 'vsc',
    planCode: 'VALUE_GUARD',
    holder: STAFF_HOLDER,
    vehicle: { vin, year: 2024, make: 'Honda', model: 'Accord' },
    odometerAtSale: 10_000,
    purchaseDate: '2026-01-31',
    purchaseState: 'MO',
    termMonths: 36,
    termMiles: 36_000,
    priceCents: 199_900,
    deductibleCents: 10_000,
    lienholder: null,
    sellingDealer: { code: 'D-1001', name: 'Plaza Honda' },
    ...overrides,
  };
}

/** Front calipers (brakes, covered by Value Guard): $400 parts + 2.5 h at $120 = $700. */
export const BRAKES_LINE = {
  componentGroup: 'brakes',
  description: 'Front calipers',
  partsCents: 40_000,
  laborHours: 2.5,
  laborRateCents: 12_000,
};

/** A `POST /repair-claims` body: the front brakes of `vin` at 21,000 miles, with `overrides` on top. */
export function brakesEstimate(vin: string, overrides: Record<string, unknown> = {}) {
  return {
    vin,
    odometer: 21_000,
    complaint: 'Grinding noise when braking',
    cause: 'Front calipers seized',
    correction: 'Replace both front calipers',
    lines: [BRAKES_LINE],
    ...overrides,
  };
}

export const GAP_HOLDER = {
  firstName: 'Lena',
  lastName: 'Okoye',
  address: { line1: '2 Oak St', city: 'Austin', state: 'TX', zip: '78701' },
};

/**
 * A `POST /contracts` body of a GAP addendum on `vin`: a 2025 Ford F-150 sold in Texas on 2026-03-01,
 * $30,000 financed by First Prairie Bank, with `overrides` on top.
 */
export function gapAddendumBody(vin: string, overrides: Record<string, unknown> = {}) {
  return {
    product: 'gap',
    planCode: 'GAP',
    holder: GAP_HOLDER,
    vehicle: { vin, year: 2025, make: 'Ford', model: 'F-150' },
    odometerAtSale: 10,
    purchaseDate: '2026-03-01',
    purchaseState: 'TX',
    termMonths: 60,
    priceCents: 79_500,
    lienholder: { name: 'First Prairie Bank' },
    amountFinancedCents: 3_000_000,
    msrpCents: 3_200_000,
    ...overrides,
  };
}
