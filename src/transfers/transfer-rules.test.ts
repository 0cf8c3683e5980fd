import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDefaultCatalog } from '../catalog/default-catalog.js';
import { resolveTerms } from '../catalog/effective-terms.js';
import { addDays } from '../shared/calendar-date.js';
import { decideTransfer, type TransferContractFacts, type TransferRequestFacts } from './transfer-rules.js';

const catalog = loadDefaultCatalog();
const ruleOf = (planCode: string, state: string) => resolveTerms(catalog, planCode, state)!.transfer;

const TODAY = '2026-11-25';
const CONTRACT: TransferContractFacts = {
  status: 'active',
  purchaseDate: '2026-01-15',
  expiresOn: '2029-01-15',
  odometerAtSale: 30_000,
  expiresAtMiles: 66_000,
};
function request(overrides: Partial<TransferRequestFacts> = {}): TransferRequestFacts {
  return { ownershipTransferredOn: '2026-11-20', saleType: 'private', odometer: 41_000, ...overrides };
}

describe('decideTransfer', () => {
  it.each([
    ['charges the default $50 fee in Missouri', 'VALUE_GUARD', 'MO', 5000],
    ['charges $40 in Florida', 'VALUE_GUARD', 'FL', 4000],
    ['charges nothing in Massachusetts', 'MAJOR_GUARD', 'MA', 0],
    ['charges the default fee for a Basic Guard bought in Kansas', 'BASIC_GUARD', 'KS', 5000],
  ])('%s', (_name, planCode, state, feeCents) => {
    expect(decideTransfer(CONTRACT, ruleOf(planCode, state), request(), TODAY)).toMatchObject({
      ok: true,
      feeCents,
    });
  });

  it.each([
    ['accepts a transfer reported on day 30 after the sale', addDays(TODAY, -30), { ok: true }],
    [
      'refuses a transfer 31 days after the sale',
      addDays(TODAY, -31),
      { ok: false, code: 'transfer_window_elapsed', param: 'ownershipTransferredOn' },
    ],
    ['accepts a transfer reported on the day of the sale', TODAY, { ok: true }],
    [
      'refuses an ownership change dated tomorrow',
      addDays(TODAY, 1),
      { ok: false, code: 'invalid_date', param: 'ownershipTransferredOn' },
    ],
    [
      'refuses an ownership change before the contract was bought',
      '2026-01-14',
      { ok: false, code: 'invalid_date', param: 'ownershipTransferredOn' },
    ],
  ] as const)('%s', (_name, ownershipTransferredOn, expected) => {
    expect(
      decideTransfer(CONTRACT, ruleOf('VALUE_GUARD', 'MO'), request({ ownershipTransferredOn }), TODAY),
    ).toMatchObject(expected);
  });

  it.each([
    ['refuses a GAP addendum', 'GAP', CONTRACT, request(), 'not_transferable'],
    [
      'refuses a dealer sale',
      'VALUE_GUARD',
      CONTRACT,
      request({ saleType: 'dealer' }),
      'transfer_requires_private_sale',
    ],
    [
      'refuses a trade-in',
      'VALUE_GUARD',
      CONTRACT,
      request({ saleType: 'trade_in' }),
      'transfer_requires_private_sale',
    ],
    [
      'refuses a cancelled contract',
      'VALUE_GUARD',
      { ...CONTRACT, status: 'cancelled' },
      request(),
      'contract_not_active',
    ],
    [
      'refuses a void contract',
      'VALUE_GUARD',
      { ...CONTRACT, status: 'void' },
      request(),
      'contract_not_active',
    ],
    [
      'refuses a contract past its last day',
      'VALUE_GUARD',
      { ...CONTRACT, expiresOn: addDays(TODAY, -1) },
      request(),
      'contract_not_active',
    ],
    [
      'refuses a contract past its mileage limit',
      'VALUE_GUARD',
      CONTRACT,
      request({ odometer: 66_001 }),
      'contract_not_active',
    ],
    [
      'refuses an odometer below the sale reading',
      'VALUE_GUARD',
      CONTRACT,
      request({ odometer: 29_999 }),
      'odometer_below_sale',
    ],
  ] as const)('%s', (_name, planCode, contract, transferRequest, code) => {
    expect(decideTransfer(contract, ruleOf(planCode, 'MO'), transferRequest, TODAY)).toMatchObject({
      ok: false,
      code,
    });
  });

  it('accepts exactly the days within the window, for any window length', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 200 }),
        (windowDays, daysAgo) => {
          const rule = { ...ruleOf('VALUE_GUARD', 'MO'), windowDays };
          const decision = decideTransfer(
            { ...CONTRACT, purchaseDate: '2025-01-01' },
            rule,
            request({ ownershipTransferredOn: addDays(TODAY, -daysAgo) }),
            TODAY,
          );
          expect(decision.ok).toBe(daysAgo <= windowDays);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});
