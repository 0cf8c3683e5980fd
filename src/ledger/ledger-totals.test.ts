import { describe, expect, it } from 'vitest';
import { ledgerTotals } from './ledger-totals.js';

const payout = (amountCents: number, reversesEntryId: string | null = null) => ({
  direction: 'payout' as const,
  amountCents,
  reversesEntryId,
});
const receipt = (amountCents: number, reversesEntryId: string | null = null) => ({
  direction: 'receipt' as const,
  amountCents,
  reversesEntryId,
});

describe('ledgerTotals', () => {
  it.each([
    { name: 'no entries', entries: [], paidOutCents: 0, receivedCents: 0 },
    { name: 'one payout', entries: [payout(12_500)], paidOutCents: 12_500, receivedCents: 0 },
    { name: 'one receipt', entries: [receipt(7_500)], paidOutCents: 0, receivedCents: 7_500 },
    {
      name: 'a reversed payout (the reversal is a receipt)',
      entries: [payout(12_500), receipt(12_500, 'p1')],
      paidOutCents: 0,
      receivedCents: 0,
    },
    {
      name: 'a reversed receipt (the reversal is a payout)',
      entries: [receipt(7_500), payout(7_500, 'r1')],
      paidOutCents: 0,
      receivedCents: 0,
    },
    {
      name: 'payouts and receipts side by side',
      entries: [payout(10_000), payout(2_000), receipt(5_000), receipt(2_000, 'p2')],
      paidOutCents: 10_000,
      receivedCents: 5_000,
    },
  ])('$name', ({ entries, paidOutCents, receivedCents }) => {
    expect(ledgerTotals(entries)).toEqual({ paidOutCents, receivedCents });
  });
});
