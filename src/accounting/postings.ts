// The journal lines each money event posts (docs/domain.md "Books"). Pure: a service computes the amounts,
// these functions say which accounts they debit and credit. Every builder returns balanced lines (a
// property test checks it for any amounts); the database refuses an unbalanced entry anyway.
import { ACCOUNTS, type AccountCode } from './chart-of-accounts.js';

export interface LineDimensions {
  contractId?: string | null;
  planCode?: string | null;
  state?: string | null;
  dealerCode?: string | null;
}

export interface JournalLine extends LineDimensions {
  account: AccountCode;
  debitCents: number;
  creditCents: number;
}

function debit(account: AccountCode, amountCents: number, dims: LineDimensions): JournalLine {
  return amountCents >= 0
    ? { account, debitCents: amountCents, creditCents: 0, ...dims }
    : { account, debitCents: 0, creditCents: -amountCents, ...dims };
}

function credit(account: AccountCode, amountCents: number, dims: LineDimensions): JournalLine {
  return debit(account, -amountCents, dims);
}

/** Drops the zero lines (a line is a debit or a credit, never nothing). */
function nonZero(lines: JournalLine[]): JournalLine[] {
  return lines.filter((line) => line.debitCents !== 0 || line.creditCents !== 0);
}

export function isBalanced(lines: readonly JournalLine[]): boolean {
  let debits = 0n;
  let credits = 0n;
  for (const line of lines) {
    if (line.debitCents < 0 || line.creditCents < 0) return false;
    if ((line.debitCents === 0) === (line.creditCents === 0)) return false;
    debits += BigInt(line.debitCents);
    credits += BigInt(line.creditCents);
  }
  return lines.length >= 2 && debits === credits;
}

/**
 * Where a written contract's premium is owed. On the dealer receivable (1100) when the contract is on its
 * dealer's statement (a dealer account and a dealer cost: the statement's `contract_booked` line), so the
 * dealer receivable and chargebacks (1100 + 1150) are, dealer by dealer, what the statements say is owed.
 * Otherwise (written by staff without a dealer account, the demo, an import row without a dealer cost) on
 * 1110, premium receivable not on a dealer statement.
 */
export function premiumReceivableAccount(onDealerStatement: boolean): AccountCode {
  return onDealerStatement ? ACCOUNTS.dealerReceivable : ACCOUNTS.premiumReceivableOffStatement;
}

/** A contract written: the premium is owed (by the selling dealer) and not yet earned. */
export function contractWrittenLines(
  premiumCents: number,
  dims: LineDimensions,
  onDealerStatement: boolean,
): JournalLine[] {
  return nonZero([
    debit(premiumReceivableAccount(onDealerStatement), premiumCents, dims),
    credit(ACCOUNTS.unearnedPremium, premiumCents, dims),
  ]);
}

export interface CancellationAmounts {
  /** What the earning rule had not earned by the cancellation date: it leaves the unearned premium. */
  unearnedReleasedCents: number;
  refundCents: number;
  /** The part of the refund the dealer is charged back. */
  dealerChargebackCents: number;
  /** The fee the administrator keeps (never more than the gross refund). */
  feeKeptCents: number;
}

/**
 * A cancellation: the refund becomes payable; the dealer owes its chargeback; the unearned premium left
 * is released; the fee is revenue; what remains (claims deducted, a miles share smaller than the days
 * share, rounding) is premium kept, i.e. earned on cancellation (a debit when the refund exceeds it).
 */
export function cancellationLines(amounts: CancellationAmounts, dims: LineDimensions): JournalLine[] {
  const kept =
    amounts.unearnedReleasedCents +
    amounts.dealerChargebackCents -
    amounts.refundCents -
    amounts.feeKeptCents;
  return nonZero([
    debit(ACCOUNTS.unearnedPremium, amounts.unearnedReleasedCents, dims),
    debit(ACCOUNTS.dealerChargebacks, amounts.dealerChargebackCents, dims),
    credit(ACCOUNTS.refundsPayable, amounts.refundCents, dims),
    credit(ACCOUNTS.feeRevenue, amounts.feeKeptCents, dims),
    credit(ACCOUNTS.earnedPremium, kept, dims),
  ]);
}

/** A claim (repair authorization, rental, trip, towing) became owed: expense against claims payable. */
export function claimIncurredLines(amountCents: number, dims: LineDimensions): JournalLine[] {
  return nonZero([
    debit(ACCOUNTS.claimsExpense, amountCents, dims),
    credit(ACCOUNTS.claimsPayable, amountCents, dims),
  ]);
}

/** A claim owed is paid out. */
export function claimPaidLines(amountCents: number, dims: LineDimensions): JournalLine[] {
  return nonZero([
    debit(ACCOUNTS.claimsPayable, amountCents, dims),
    credit(ACCOUNTS.cash, amountCents, dims),
  ]);
}

/** A claim paid whose liability was never posted (owed before the books began): expense against cash. */
export function claimPaidDirectLines(amountCents: number, dims: LineDimensions): JournalLine[] {
  return nonZero([
    debit(ACCOUNTS.claimsExpense, amountCents, dims),
    credit(ACCOUNTS.cash, amountCents, dims),
  ]);
}

/** A fee received in cash (a transfer fee). */
export function feeReceivedLines(amountCents: number, dims: LineDimensions): JournalLine[] {
  return nonZero([debit(ACCOUNTS.cash, amountCents, dims), credit(ACCOUNTS.feeRevenue, amountCents, dims)]);
}

/** Premium earned over a period (negative: earned before and given back, e.g. after a late void). */
export function premiumEarnedLines(amountCents: number, dims: LineDimensions): JournalLine[] {
  return nonZero([
    debit(ACCOUNTS.unearnedPremium, amountCents, dims),
    credit(ACCOUNTS.earnedPremium, amountCents, dims),
  ]);
}

/** The lines that undo `lines` (a correction is a reversing entry, never an edit). */
export function reversalLines(lines: readonly JournalLine[]): JournalLine[] {
  return lines.map((line) => ({ ...line, debitCents: line.creditCents, creditCents: line.debitCents }));
}

/** A dealer's remittance received: cash in, the dealer receivable paid down (a credit balance if more). */
export function remittanceReceivedLines(amountCents: number, dims: LineDimensions): JournalLine[] {
  return nonZero([
    debit(ACCOUNTS.cash, amountCents, dims),
    credit(ACCOUNTS.dealerReceivable, amountCents, dims),
  ]);
}

/** The accounts whose lines keep the dealer when summed: what a dealer owes is reported per dealer. */
const DEALER_ACCOUNTS: ReadonlySet<AccountCode> = new Set([
  ACCOUNTS.dealerReceivable,
  ACCOUNTS.premiumReceivableOffStatement,
  ACCOUNTS.dealerChargebacks,
]);

/**
 * Many events' lines summed into the lines of one summary entry (a lender-event batch, as an import
 * batch posts one entry): one line per account, plan and state (and dealer on the dealer accounts),
 * net debit or net credit, zero sums left out; the contract is dropped (its detail stays in the
 * subledger the summary is drilled down to). Every total the books report on is kept: per account (the
 * trial balance), per account, plan and state (month-end, premium earning) and per dealer on the dealer
 * accounts. Balanced lines sum to balanced lines. Lines come out in a stable order (account, plan,
 * state, dealer).
 */
export function summedLines(lines: Iterable<JournalLine>): JournalLine[] {
  const sums = new Map<string, { dims: JournalLine; net: bigint }>();
  for (const line of lines) {
    const dealerCode = DEALER_ACCOUNTS.has(line.account) ? (line.dealerCode ?? null) : null;
    const planCode = line.planCode ?? null;
    const state = line.state ?? null;
    const key = JSON.stringify([line.account, planCode, state, dealerCode]);
    const sum = sums.get(key) ?? {
      dims: { account: line.account, debitCents: 0, creditCents: 0, planCode, state, dealerCode },
      net: 0n,
    };
    sum.net += BigInt(line.debitCents) - BigInt(line.creditCents);
    sums.set(key, sum);
  }
  const out: JournalLine[] = [];
  for (const [, { dims, net }] of [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (net === 0n) continue;
    out.push({
      ...dims,
      contractId: null,
      debitCents: net > 0n ? Number(net) : 0,
      creditCents: net < 0n ? Number(-net) : 0,
    });
  }
  return out;
}
