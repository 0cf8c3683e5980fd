// What a contract's ledger adds up to: the net paid out and the net received, reversals included.
import type { LedgerDirection } from '../platform/db/schema.js';

export interface LedgerTotals {
  /** Payouts less their reversals. */
  paidOutCents: number;
  /** Receipts less their reversals. */
  receivedCents: number;
}

/** Sums entries; a reversal has the opposite direction of the entry it reverses and cancels it out. */
export function ledgerTotals(
  entries: readonly { direction: LedgerDirection; amountCents: number; reversesEntryId: string | null }[],
): LedgerTotals {
  let paidOutCents = 0;
  let receivedCents = 0;
  for (const entry of entries) {
    const original = entry.reversesEntryId === null;
    const isPayout = original ? entry.direction === 'payout' : entry.direction === 'receipt';
    const signed = original ? entry.amountCents : -entry.amountCents;
    if (isPayout) paidOutCents += signed;
    else receivedCents += signed;
  }
  return { paidOutCents, receivedCents };
}
