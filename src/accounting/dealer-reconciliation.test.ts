// The dealer statements tied to the books, as a table a person can check by hand.
import { describe, expect, it } from 'vitest';
import { reconcileDealerAccounts } from './dealer-reconciliation.js';

const plaza = { id: 'p', code: 'D-1001', name: 'Plaza Honda' };
const sunflower = { id: 's', code: 'D-2002', name: 'Sunflower Ford' };

describe('reconcileDealerAccounts', () => {
  it.each([
    {
      case: 'every statement agrees with the books',
      statements: [
        { ...plaza, balanceCents: 120_000 },
        { ...sunflower, balanceCents: -5_000 },
      ],
      ledger: [
        { dealerCode: 'D-2002', netCents: -5_000 },
        { dealerCode: 'D-1001', netCents: 120_000 },
      ],
      differences: [
        ['D-1001', 0],
        ['D-2002', 0],
      ],
      tiesOut: true,
      totalDifference: 0,
    },
    {
      case: 'the books hold more for a dealer than its statement',
      statements: [{ ...plaza, balanceCents: 120_000 }],
      ledger: [{ dealerCode: 'D-1001', netCents: 270_000 }],
      differences: [['D-1001', 150_000]],
      tiesOut: false,
      totalDifference: 150_000,
    },
    {
      case: 'a dealer with a statement and nothing in the books',
      statements: [{ ...plaza, balanceCents: 90_000 }],
      ledger: [],
      differences: [['D-1001', -90_000]],
      tiesOut: false,
      totalDifference: -90_000,
    },
    {
      case: 'a dealer code in the books without an account, and lines naming no dealer, listed last',
      statements: [{ ...plaza, balanceCents: 0 }],
      ledger: [
        { dealerCode: null, netCents: 1_000 },
        { dealerCode: 'D-0999', netCents: 2_500 },
        { dealerCode: 'D-0998', netCents: 0 },
      ],
      differences: [
        ['D-0999', 2_500],
        ['D-1001', 0],
        [null, 1_000],
      ],
      tiesOut: false,
      totalDifference: 3_500,
    },
    {
      case: 'no dealers and no lines',
      statements: [],
      ledger: [],
      differences: [],
      tiesOut: true,
      totalDifference: 0,
    },
  ])('$case', ({ statements, ledger, differences, tiesOut, totalDifference }) => {
    const result = reconcileDealerAccounts(statements, ledger);
    expect(result.dealers.map((row) => [row.dealerCode, row.differenceCents])).toEqual(differences);
    expect(result.tiesOut).toBe(tiesOut);
    expect(result.totals.differenceCents).toBe(totalDifference);
    expect(result.totals.differenceCents).toBe(
      result.totals.ledgerBalanceCents - result.totals.statementBalanceCents,
    );
  });
});
