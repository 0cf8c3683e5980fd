// A dealer's statement (DOMAIN.md "Money of the administrator", "Dealer statement"): pure rules over the
// events of the dealer's account. A positive amount is owed by the dealer to the administrator: a
// booking puts the dealer cost on the account, a chargeback its share of a cancellation refund; a void
// takes the dealer cost off, a remittance pays the account down. A remittance larger than what is owed
// leaves a credit balance (a negative balance), shown as such.
//
// Aging (current / 30 / 60 / 90+ days, as of the statement's last day) is open-item aging: what a void
// takes off comes off its own contract first; the other credits (remittances, and voids beyond their
// contract) pay the oldest charges first. A credit left over is a negative amount in the current
// bucket, so the buckets always sum to the balance.
import { type CalendarDate, daysBetween } from '../shared/calendar-date.js';

export type StatementLineKind = 'contract_booked' | 'contract_voided' | 'chargeback' | 'remittance';

export interface AccountEvent {
  date: CalendarDate;
  kind: StatementLineKind;
  /** Signed: positive is owed by the dealer, negative pays it down. */
  amountCents: number;
  contractId: string | null;
}

/** Charges and credits by day, as the database gives them (see dealer-statement.repository.ts). */
export interface OpenItem {
  /** The day the charge was made (for a contract: the day of its first charge). */
  date: CalendarDate;
  /** Net of the contract's own credits (a booking less its void); may be negative. */
  amountCents: number;
}

export interface Aging {
  currentCents: number;
  days30Cents: number;
  days60Cents: number;
  days90PlusCents: number;
}

export const AGING_BUCKETS = [
  { key: 'currentCents', label: 'Current (0–29 days)', fromDays: 0 },
  { key: 'days30Cents', label: '30–59 days', fromDays: 30 },
  { key: 'days60Cents', label: '60–89 days', fromDays: 60 },
  { key: 'days90PlusCents', label: '90 days and over', fromDays: 90 },
] as const satisfies readonly { key: keyof Aging; label: string; fromDays: number }[];

/** The bucket a charge made `ageDays` days before the statement date falls in. */
export function agingBucketOf(ageDays: number): keyof Aging {
  if (ageDays >= 90) return 'days90PlusCents';
  if (ageDays >= 60) return 'days60Cents';
  if (ageDays >= 30) return 'days30Cents';
  return 'currentCents';
}

/**
 * Ages the open items as of `asOf`: the negative items and `unappliedCreditsCents` (remittances, a
 * negative number or zero) pay the oldest positive items first; a credit left over goes in the current
 * bucket as a negative amount. The buckets sum to the balance (items + credits).
 */
export function ageItems(
  items: readonly OpenItem[],
  unappliedCreditsCents: number,
  asOf: CalendarDate,
): Aging {
  const charges = items
    .filter((item) => item.amountCents > 0)
    .map((item) => ({ ...item }))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  let credit = -unappliedCreditsCents;
  for (const item of items) if (item.amountCents < 0) credit -= item.amountCents;
  for (const charge of charges) {
    if (credit <= 0) break;
    const applied = Math.min(credit, charge.amountCents);
    charge.amountCents -= applied;
    credit -= applied;
  }
  const aging: Aging = { currentCents: 0, days30Cents: 0, days60Cents: 0, days90PlusCents: 0 };
  for (const charge of charges) {
    if (charge.amountCents === 0) continue;
    aging[agingBucketOf(Math.max(0, daysBetween(charge.date, asOf)))] += charge.amountCents;
  }
  aging.currentCents -= credit;
  return aging;
}

/** The open items of raw events up to `asOf`: per contract, net, dated by its first charge. */
export function openItemsOf(events: readonly AccountEvent[], asOf: CalendarDate) {
  const byContract = new Map<
    string,
    { date: CalendarDate | null; first: CalendarDate; amountCents: number }
  >();
  let unappliedCreditsCents = 0;
  for (const event of events) {
    if (event.date > asOf) continue;
    if (event.contractId === null) {
      unappliedCreditsCents += event.amountCents;
      continue;
    }
    const item = byContract.get(event.contractId) ?? { date: null, first: event.date, amountCents: 0 };
    item.amountCents += event.amountCents;
    if (event.date < item.first) item.first = event.date;
    if (event.amountCents > 0 && (item.date === null || event.date < item.date)) item.date = event.date;
    byContract.set(event.contractId, item);
  }
  const items: OpenItem[] = [...byContract.values()]
    .filter((item) => item.amountCents !== 0)
    .map((item) => ({ date: item.date ?? item.first, amountCents: item.amountCents }));
  return { items, unappliedCreditsCents };
}

export interface StatementTotals {
  bookedCents: number;
  voidedCents: number;
  chargebackCents: number;
  remittedCents: number;
}

/** What each kind of line moved in the period (magnitudes: voids and remittances lower the balance). */
export function totalsOf(lines: readonly Pick<AccountEvent, 'kind' | 'amountCents'>[]): StatementTotals {
  const totals: StatementTotals = { bookedCents: 0, voidedCents: 0, chargebackCents: 0, remittedCents: 0 };
  for (const line of lines) {
    if (line.kind === 'contract_booked') totals.bookedCents += line.amountCents;
    else if (line.kind === 'contract_voided') totals.voidedCents -= line.amountCents;
    else if (line.kind === 'chargeback') totals.chargebackCents += line.amountCents;
    else totals.remittedCents -= line.amountCents;
  }
  return totals;
}

/** closing = opening + bookings − voids + chargebacks − remittances. */
export function closingBalanceOf(openingCents: number, totals: StatementTotals): number {
  return (
    openingCents + totals.bookedCents - totals.voidedCents + totals.chargebackCents - totals.remittedCents
  );
}

export interface Statement {
  from: CalendarDate;
  to: CalendarDate;
  openingBalanceCents: number;
  lines: (AccountEvent & { runningBalanceCents: number })[];
  totals: StatementTotals;
  closingBalanceCents: number;
  /** A negative closing balance: the dealer has paid more than it owes. */
  creditBalance: boolean;
  aging: Aging;
}

/** The whole statement of a period from the account's raw events (the reference the service is checked against). */
export function statementOf(
  events: readonly AccountEvent[],
  from: CalendarDate,
  to: CalendarDate,
): Statement {
  let opening = 0;
  const inPeriod: AccountEvent[] = [];
  for (const event of events) {
    if (event.date < from) opening += event.amountCents;
    else if (event.date <= to) inPeriod.push(event);
  }
  return assembleStatement({
    from,
    to,
    openingBalanceCents: opening,
    lines: inPeriod.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)),
    ...openItemsOf(events, to),
  });
}

/** The order of kinds within a day when lines are summed by day. */
export const KIND_ORDER: readonly StatementLineKind[] = [
  'contract_booked',
  'contract_voided',
  'chargeback',
  'remittance',
];

/**
 * A period's lines summed by day and kind, with how many movements each sums, in order of day and then
 * KIND_ORDER (what a statement shows when the period has too many lines to list; the reference the
 * database's sums are checked against).
 */
export function summedByDay(
  lines: readonly Pick<AccountEvent, 'date' | 'kind' | 'amountCents'>[],
): { date: CalendarDate; kind: StatementLineKind; amountCents: number; count: number }[] {
  const byKey = new Map<
    string,
    { date: CalendarDate; kind: StatementLineKind; amountCents: number; count: number }
  >();
  for (const line of lines) {
    const key = `${line.date} ${KIND_ORDER.indexOf(line.kind)}`;
    const sum = byKey.get(key) ?? { date: line.date, kind: line.kind, amountCents: 0, count: 0 };
    sum.amountCents += line.amountCents;
    sum.count += 1;
    byKey.set(key, sum);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, sum]) => sum);
}

/** A statement from the opening balance, the period's lines in order and the open items as of `to`. */
export function assembleStatement<L extends AccountEvent>(input: {
  from: CalendarDate;
  to: CalendarDate;
  openingBalanceCents: number;
  lines: L[];
  items: readonly OpenItem[];
  unappliedCreditsCents: number;
}): Omit<Statement, 'lines'> & { lines: (L & { runningBalanceCents: number })[] } {
  let running = input.openingBalanceCents;
  const lines = input.lines.map((line) => {
    running += line.amountCents;
    return { ...line, runningBalanceCents: running };
  });
  const totals = totalsOf(input.lines);
  const closing = closingBalanceOf(input.openingBalanceCents, totals);
  return {
    from: input.from,
    to: input.to,
    openingBalanceCents: input.openingBalanceCents,
    lines,
    totals,
    closingBalanceCents: closing,
    creditBalance: closing < 0,
    aging: ageItems(input.items, input.unappliedCreditsCents, input.to),
  };
}
