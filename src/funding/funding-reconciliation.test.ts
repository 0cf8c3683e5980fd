import { describe, expect, it } from 'vitest';
import { withCheckDigit } from '../contracts/vin.js';
import {
  checkFundedDeal,
  type FundedDeal,
  type RegisteredContract,
  reconcileFunding,
} from './funding-reconciliation.js';

const V1 = withCheckDigit('1FTFW1E50NF000101');
const V2 = withCheckDigit('1FTFW1E50NF000102');
const TODAY = '2026-11-25';

const deal = (o: Partial<FundedDeal> = {}): FundedDeal => ({
  line: 2,
  vin: V1,
  product: 'vsc',
  amountFinancedCents: 250_000,
  fundedOn: '2026-11-01',
  dealerCode: 'D1',
  ...o,
});
const contract = (o: Partial<RegisteredContract> = {}): RegisteredContract => ({
  id: 'c1',
  contractNumber: 'CW-1',
  vin: V1,
  product: 'vsc',
  priceCents: 250_000,
  purchaseDate: '2026-11-01',
  dealerCode: 'D1',
  booked: true,
  remitted: false,
  status: 'active',
  ...o,
});

describe('reconcileFunding', () => {
  const cases: [string, Partial<FundedDeal>, Partial<RegisteredContract> | null, string[]][] = [
    ['registered at the financed price, within the remittance window', {}, {}, []],
    ['no contract on the VIN', {}, null, ['financed_not_registered']],
    ['a contract on the VIN for the other product', { product: 'gap' }, {}, ['financed_not_registered']],
    ['a void contract does not count', {}, { status: 'void' }, ['financed_not_registered']],
    ['price differs', { amountFinancedCents: 260_000 }, {}, ['price_mismatch']],
    [
      'booked, not remitted, sold 31 days ago',
      {},
      { purchaseDate: '2026-10-25' },
      ['registered_not_remitted'],
    ],
    ['booked, not remitted, sold exactly 30 days ago', {}, { purchaseDate: '2026-10-26' }, []],
    ['remitted long ago', {}, { purchaseDate: '2026-01-01', remitted: true }, []],
    [
      'not booked through a dealer (no dealer cost owed)',
      {},
      { purchaseDate: '2026-01-01', booked: false },
      [],
    ],
    [
      'price differs and not remitted',
      { amountFinancedCents: 1 },
      { purchaseDate: '2026-01-01' },
      ['price_mismatch', 'registered_not_remitted'],
    ],
    ['a cancelled contract still matches', {}, { status: 'cancelled' }, []],
  ];
  it.each(cases)('%s', (_name, d, c, expected) => {
    const [report] = reconcileFunding([deal(d)], c ? [contract(c)] : [], {
      today: TODAY,
      remittanceDays: 30,
    });
    expect(report!.exceptions.map((e) => e.kind)).toEqual(expected);
  });

  it('groups by dealer, uses each contract once and prefers the same dealer', () => {
    const reports = reconcileFunding(
      [deal({ line: 2 }), deal({ line: 3 }), deal({ line: 4, vin: V2, dealerCode: 'D0' })],
      [contract({ id: 'other', dealerCode: 'D9' }), contract({ id: 'mine' })],
      { today: TODAY, remittanceDays: 30 },
    );
    expect(reports.map((r) => [r.dealerCode, r.deals, r.matched])).toEqual([
      ['D0', 1, 0],
      ['D1', 2, 2],
    ]);
    expect(reports[1]!.exceptions).toEqual([]);
    expect(reports[0]!.exceptions[0]!.kind).toBe('financed_not_registered');
  });

  it('the price difference is financed minus price', () => {
    const [report] = reconcileFunding([deal({ amountFinancedCents: 240_000 })], [contract()], {
      today: TODAY,
      remittanceDays: 30,
    });
    expect(report!.exceptions[0]).toMatchObject({ kind: 'price_mismatch', differenceCents: -10_000 });
  });
});

describe('checkFundedDeal', () => {
  const good = {
    vin: V1,
    product: 'VSC',
    amount_financed_cents: '250000',
    funded_on: '2026-11-01',
    dealer_code: 'D1',
  };
  const cases: [string, Partial<typeof good>, string | null, string | null][] = [
    // name, overrides, code, param (the column as the README names it)
    ['a good row', {}, null, null],
    ['a bad VIN', { vin: 'X' }, 'invalid_vin', 'vin'],
    ['an unknown product', { product: 'tires' }, 'unknown_product', 'product'],
    ['dollars with a point', { amount_financed_cents: '2500.00' }, 'invalid_amount', 'amount_financed_cents'],
    ['a negative amount', { amount_financed_cents: '-1' }, 'invalid_amount', 'amount_financed_cents'],
    ['a bad date', { funded_on: '11/01/2026' }, 'invalid_date', 'funded_on'],
    ['funded today', { funded_on: TODAY }, null, null],
    ['funded tomorrow (a lender a time zone ahead)', { funded_on: '2026-11-26' }, null, null],
    ['funded the day after tomorrow', { funded_on: '2026-11-27' }, 'invalid_date', 'funded_on'],
    ['funded next year', { funded_on: '2027-11-01' }, 'invalid_date', 'funded_on'],
    ['no dealer code', { dealer_code: ' ' }, 'validation_failed', 'dealer_code'],
  ];
  it.each(cases)('%s', (_name, overrides, code, param) => {
    const checked = checkFundedDeal(2, { ...good, ...overrides }, TODAY);
    if (code === null)
      expect(checked).toMatchObject({ ok: true, deal: { product: 'vsc', amountFinancedCents: 250_000 } });
    else expect(checked).toMatchObject({ ok: false, code, param });
  });
});
