// The contracts the lender-event and funding tests build a portfolio from: a Ford in Missouri financed by
// First Prairie Bank, as a service contract (Value Guard, 36 months) and a GAP addendum on the same loan.

export const LENDER_HOLDER = {
  firstName: 'Ana',
  lastName: 'Núñez',
  address: { line1: '1 Elm St', city: 'Topeka', state: 'KS', zip: '66603' },
};

/** A `POST /contracts` body of a service contract on `vin` ($1,200 unless `overrides` say otherwise). */
export function lenderVscBody(vin: string, overrides: Record<string, unknown> = {}) {
  return {
    product: 'vsc',
    planCode: 'VALUE_GUARD',
    holder: LENDER_HOLDER,
    vehicle: { vin, year: 2022, make: 'Ford', model: 'F-150' },
    odometerAtSale: 30_000,
    purchaseDate: '2026-01-15',
    purchaseState: 'MO',
    termMonths: 36,
    termMiles: 36_000,
    priceCents: 120_000,
    deductibleCents: 10_000,
    lienholder: { name: 'First Prairie Bank' },
    ...overrides,
  };
}

/** A `POST /contracts` body of a GAP addendum on `vin`'s loan. */
export function lenderGapBody(vin: string) {
  return {
    product: 'gap',
    planCode: 'GAP',
    holder: LENDER_HOLDER,
    vehicle: { vin, year: 2022, make: 'Ford', model: 'F-150' },
    odometerAtSale: 30_000,
    purchaseDate: '2026-01-15',
    purchaseState: 'MO',
    termMonths: 60,
    priceCents: 80_000,
    lienholder: { name: 'First Prairie Bank' },
    amountFinancedCents: 3_000_000,
    msrpCents: 3_500_000,
  };
}
