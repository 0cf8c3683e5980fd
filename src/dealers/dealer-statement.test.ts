import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../shared/calendar-date.js';
import {
  type AccountEvent,
  ageItems,
  agingBucketOf,
  assembleStatement,
  closingBalanceOf,
  openItemsOf,
  statementOf,
  summedByDay,
} from './dealer-statement.js';
import { deductionWords } from './dealer-statements.service.js';

const AS_OF = '2026-11-30';

describe('aging bucket of a charge', () => {
  it.each([
    [0, 'currentCents'],
    [29, 'currentCents'],
    [30, 'days30Cents'],
    [59, 'days30Cents'],
    [60, 'days60Cents'],
    [89, 'days60Cents'],
    [90, 'days90PlusCents'],
    [400, 'days90PlusCents'],
  ] as const)('%i days old → %s', (days, bucket) => {
    expect(agingBucketOf(days)).toBe(bucket);
  });
});

describe('a total that lowers the balance on the PDF statement', () => {
  it.each([
    [0, '$0.00'],
    [1, '−$0.01'],
    [123_456, '−$1,234.56'],
  ])('%i cents → %s', (cents, words) => {
    expect(deductionWords(cents)).toBe(words);
  });
});

describe('aging of open items', () => {
  it.each([
    {
      name: 'charges fall in the bucket of their age',
      items: [
        { date: AS_OF, amountCents: 100 },
        { date: addDays(AS_OF, -30), amountCents: 200 },
        { date: addDays(AS_OF, -60), amountCents: 300 },
        { date: addDays(AS_OF, -90), amountCents: 400 },
      ],
      credits: 0,
      aging: { currentCents: 100, days30Cents: 200, days60Cents: 300, days90PlusCents: 400 },
    },
    {
      name: 'a remittance pays the oldest charges first',
      items: [
        { date: AS_OF, amountCents: 100 },
        { date: addDays(AS_OF, -95), amountCents: 400 },
        { date: addDays(AS_OF, -45), amountCents: 200 },
      ],
      credits: -500,
      aging: { currentCents: 100, days30Cents: 100, days60Cents: 0, days90PlusCents: 0 },
    },
    {
      name: 'a remittance above the balance leaves a credit in the current bucket',
      items: [{ date: addDays(AS_OF, -40), amountCents: 300 }],
      credits: -1000,
      aging: { currentCents: -700, days30Cents: 0, days60Cents: 0, days90PlusCents: 0 },
    },
    {
      name: 'a contract voided beyond its charge credits the oldest others',
      items: [
        { date: addDays(AS_OF, -100), amountCents: 500 },
        { date: addDays(AS_OF, -10), amountCents: -200 },
      ],
      credits: 0,
      aging: { currentCents: 0, days30Cents: 0, days60Cents: 0, days90PlusCents: 300 },
    },
    {
      name: 'nothing owed, nothing aged',
      items: [],
      credits: 0,
      aging: { currentCents: 0, days30Cents: 0, days60Cents: 0, days90PlusCents: 0 },
    },
  ])('$name', ({ items, credits, aging }) => {
    expect(ageItems(items, credits, AS_OF)).toEqual(aging);
  });
});

const C1 = '00000000-0000-4000-8000-000000000001';
const C2 = '00000000-0000-4000-8000-000000000002';

describe('statement balances', () => {
  it.each<{ name: string; events: AccountEvent[]; opening: number; closing: number; credit: boolean }>([
    {
      name: 'a booking in the period is owed',
      events: [{ date: '2026-11-05', kind: 'contract_booked', amountCents: 90_000, contractId: C1 }],
      opening: 0,
      closing: 90_000,
      credit: false,
    },
    {
      name: 'a booking before the period is the opening balance; its void in the period takes it off',
      events: [
        { date: '2026-10-20', kind: 'contract_booked', amountCents: 90_000, contractId: C1 },
        { date: '2026-11-02', kind: 'contract_voided', amountCents: -90_000, contractId: C1 },
      ],
      opening: 90_000,
      closing: 0,
      credit: false,
    },
    {
      name: 'a chargeback raises what the dealer owes; a remittance lowers it',
      events: [
        { date: '2026-11-01', kind: 'contract_booked', amountCents: 90_000, contractId: C1 },
        { date: '2026-11-10', kind: 'chargeback', amountCents: 12_345, contractId: C1 },
        { date: '2026-11-12', kind: 'remittance', amountCents: -50_000, contractId: null },
      ],
      opening: 0,
      closing: 52_345,
      credit: false,
    },
    {
      name: 'a remittance above the balance is a credit balance',
      events: [
        { date: '2026-11-01', kind: 'contract_booked', amountCents: 10_000, contractId: C2 },
        { date: '2026-11-03', kind: 'remittance', amountCents: -25_000, contractId: null },
      ],
      opening: 0,
      closing: -15_000,
      credit: true,
    },
    {
      name: 'events after the period are left out',
      events: [
        { date: '2026-11-01', kind: 'contract_booked', amountCents: 10_000, contractId: C2 },
        { date: '2026-12-01', kind: 'remittance', amountCents: -10_000, contractId: null },
      ],
      opening: 0,
      closing: 10_000,
      credit: false,
    },
  ])('$name', ({ events, opening, closing, credit }) => {
    const statement = statementOf(events, '2026-11-01', AS_OF);
    expect(statement.openingBalanceCents).toBe(opening);
    expect(statement.closingBalanceCents).toBe(closing);
    expect(statement.creditBalance).toBe(credit);
    expect(statement.lines.at(-1)?.runningBalanceCents ?? opening).toBe(closing);
  });
});

// ---------------------------------------------------------------------------------------------------
// Properties

const dayArb = fc.integer({ min: 0, max: 200 }).map((n) => addDays('2026-06-01', n));
const amountArb = fc.integer({ min: 1, max: 5_000_000 });

/** A random account: contracts booked (some voided, some charged back) and remittances, any order. */
const accountArb = fc
  .array(
    fc.record({
      booked: dayArb,
      cost: amountArb,
      voidAfter: fc.option(fc.integer({ min: 0, max: 30 })),
      chargeback: fc.option(fc.record({ after: fc.integer({ min: 0, max: 120 }), amount: amountArb })),
    }),
    { maxLength: 25 },
  )
  .chain((contracts) =>
    fc.array(fc.record({ on: dayArb, amount: amountArb }), { maxLength: 10 }).map((remittances) => {
      const events: AccountEvent[] = [];
      contracts.forEach((contract, index) => {
        const contractId = `c-${index}`;
        events.push({
          date: contract.booked,
          kind: 'contract_booked',
          amountCents: contract.cost,
          contractId,
        });
        if (contract.voidAfter !== null)
          events.push({
            date: addDays(contract.booked, contract.voidAfter),
            kind: 'contract_voided',
            amountCents: -contract.cost,
            contractId,
          });
        else if (contract.chargeback !== null)
          events.push({
            date: addDays(contract.booked, contract.chargeback.after),
            kind: 'chargeback',
            amountCents: contract.chargeback.amount,
            contractId,
          });
      });
      for (const remittance of remittances)
        events.push({
          date: remittance.on,
          kind: 'remittance',
          amountCents: -remittance.amount,
          contractId: null,
        });
      return events;
    }),
  );

const periodArb = fc
  .tuple(dayArb, fc.integer({ min: 0, max: 120 }))
  .map(([from, length]) => ({ from, to: addDays(from, length) }));

describe('statement properties', () => {
  it('closing = opening + bookings − voids + chargebacks − remittances, and the lines run from one to the other', () => {
    fc.assert(
      fc.property(accountArb, periodArb, (events, { from, to }) => {
        const statement = statementOf(events, from, to);
        const { bookedCents, voidedCents, chargebackCents, remittedCents } = statement.totals;
        expect(statement.closingBalanceCents).toBe(
          statement.openingBalanceCents + bookedCents - voidedCents + chargebackCents - remittedCents,
        );
        expect(statement.closingBalanceCents).toBe(
          closingBalanceOf(statement.openingBalanceCents, statement.totals),
        );
        // The closing balance is every event up to `to`, whatever the period's start.
        const upTo = events
          .filter((event) => event.date <= to)
          .reduce((sum, event) => sum + event.amountCents, 0);
        expect(statement.closingBalanceCents).toBe(upTo);
        expect(statement.lines.at(-1)?.runningBalanceCents ?? statement.openingBalanceCents).toBe(
          statement.closingBalanceCents,
        );
        expect([bookedCents, voidedCents, chargebackCents, remittedCents].every((total) => total >= 0)).toBe(
          true,
        );
      }),
    );
  });

  it('the aging buckets sum to the closing balance; only a credit balance is negative, and only in the current bucket', () => {
    fc.assert(
      fc.property(accountArb, periodArb, (events, { from, to }) => {
        const { aging, closingBalanceCents } = statementOf(events, from, to);
        expect(aging.currentCents + aging.days30Cents + aging.days60Cents + aging.days90PlusCents).toBe(
          closingBalanceCents,
        );
        expect(aging.days30Cents >= 0 && aging.days60Cents >= 0 && aging.days90PlusCents >= 0).toBe(true);
        if (closingBalanceCents >= 0) expect(aging.currentCents).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('lines summed by day and kind keep the totals and end at the same closing balance, a count per movement', () => {
    fc.assert(
      fc.property(accountArb, periodArb, (events, { from, to }) => {
        const statement = statementOf(events, from, to);
        const days = summedByDay(statement.lines);
        const summed = assembleStatement({
          from,
          to,
          openingBalanceCents: statement.openingBalanceCents,
          lines: days.map((day) => ({ ...day, contractId: null })),
          ...openItemsOf(events, to),
        });
        expect(summed.totals).toEqual(statement.totals);
        expect(summed.closingBalanceCents).toBe(statement.closingBalanceCents);
        expect(summed.lines.at(-1)?.runningBalanceCents ?? statement.openingBalanceCents).toBe(
          statement.closingBalanceCents,
        );
        expect(days.reduce((sum, day) => sum + day.count, 0)).toBe(statement.lines.length);
        // One line per day and kind, in order of day.
        const keys = days.map((day) => `${day.date} ${day.kind}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(days.map((day) => day.date)).toEqual(days.map((day) => day.date).sort());
      }),
    );
  });

  it('open items net each contract and keep the remittances apart', () => {
    fc.assert(
      fc.property(accountArb, dayArb, (events, asOf) => {
        const { items, unappliedCreditsCents } = openItemsOf(events, asOf);
        const total = events
          .filter((event) => event.date <= asOf)
          .reduce((sum, event) => sum + event.amountCents, 0);
        expect(items.reduce((sum, item) => sum + item.amountCents, 0) + unappliedCreditsCents).toBe(total);
        expect(unappliedCreditsCents).toBeLessThanOrEqual(0);
      }),
    );
  });
});
