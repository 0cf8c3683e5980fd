// Request bodies of the dealer channel shared by its tests.
import { withCheckDigit } from '../../src/contracts/vin.js';

/** A 2024 Honda (model-year code R in the 10th character) with a valid check digit. */
export const VIN_2024 = withCheckDigit('1HGCM8260RA104352');

export function rateBody(overrides: Record<string, unknown> = {}, vehicle: Record<string, unknown> = {}) {
  return {
    vin: VIN_2024,
    odometer: 12_000,
    saleDate: '2026-11-25',
    purchaseState: 'MO',
    ...overrides,
    vehicle: { year: 2024, make: 'Honda', model: 'Accord', ...vehicle },
  };
}

export function bookingBody(
  rateId: string,
  retailPriceCents: number,
  overrides: Record<string, unknown> = {},
) {
  return {
    rateId,
    retailPriceCents,
    holder: {
      firstName: 'Rosa',
      lastName: 'Delgado',
      email: 'rosa@example.com',
      address: { line1: '4 Oak St', city: 'Kansas City', state: 'MO', zip: '64111' },
    },
    lienholder: { name: 'Heartland Credit Union' },
    dealNumber: 'DEAL-77',
    ...overrides,
  };
}
