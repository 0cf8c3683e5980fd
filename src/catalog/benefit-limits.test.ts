import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../shared/calendar-date.js';
import {
  computeRentalReimbursement,
  computeTowingReimbursement,
  computeTripInterruption,
  type RentalExpense,
  type RentalInput,
  type RentalResult,
  type RentalRule,
  type TripExpense,
  type TripInterruptionInput,
  type TripInterruptionResult,
  type TripInterruptionRule,
} from './benefit-limits.js';

// docs/domain.md defaults: rental $35/day and $175 per visit when the repair needs ≥ 2.0 labor hours or
// the vehicle stays overnight; trip interruption $100/day for up to 3 days beyond 100 miles from home.
const RENTAL_RULE: RentalRule = {
  dailyLimitCents: 3500,
  perVisitLimitCents: 17_500,
  minLaborHours: 2.0,
  overnightQualifies: true,
};
const TRIP_RULE: TripInterruptionRule = { dailyLimitCents: 10_000, maxDays: 3, minMilesFromHome: 100 };
const KANSAS = {
  ruleId: 'trip-interruption-ks',
  sentence: 'Trip interruption is not available on contracts purchased in Kansas.',
};

function rental(overrides: Partial<RentalInput>): RentalInput {
  return {
    available: true,
    repairAuthorized: true,
    laborHours: 3.5,
    keptOvernight: false,
    expenses: [{ date: '2026-03-02', kind: 'rental', amountCents: 3000 }],
    rule: RENTAL_RULE,
    ...overrides,
  };
}

function trip(overrides: Partial<TripInterruptionInput>): TripInterruptionInput {
  return {
    available: true,
    breakdownOn: '2026-05-01',
    milesFromHome: 250,
    keptOvernight: true,
    componentCovered: true,
    expenses: [{ date: '2026-05-01', category: 'lodging', amountCents: 8000 }],
    rule: TRIP_RULE,
    ...overrides,
  };
}

function days(count: number, amountCents: number): RentalExpense[] {
  return Array.from({ length: count }, (_, index) => ({
    date: addDays('2026-03-02', index),
    kind: 'rental' as const,
    amountCents,
  }));
}

function paid(result: RentalResult | TripInterruptionResult) {
  if (!result.ok) throw new Error(`expected a payable result, got ${result.code}`);
  expect(result.lines.reduce((total, line) => total + line.amountCents, 0)).toBe(result.payableCents);
  return result;
}

describe('computeRentalReimbursement', () => {
  it.each([
    // name, expenses, payable per line, limits per line, total
    ['pays a $30 rental day in full', days(1, 3000), [3000], [[]], 3000],
    ['caps a $50 rental day at the $35 daily limit', days(1, 5000), [3500], [['daily_limit']], 3500],
    [
      'shares one day’s limit between two expenses on the same date',
      [
        { date: '2026-03-02', kind: 'rental', amountCents: 2000 },
        { date: '2026-03-02', kind: 'public_transport', amountCents: 2500 },
      ],
      [2000, 1500],
      [[], ['daily_limit']],
      3500,
    ],
    [
      'stops at the $175 per-visit limit after five full days',
      days(6, 3500),
      [3500, 3500, 3500, 3500, 3500, 0],
      [[], [], [], [], [], ['per_visit_limit']],
      17_500,
    ],
    [
      'pays the rest of the per-visit limit on the sixth day',
      days(6, 3000),
      [3000, 3000, 3000, 3000, 3000, 2500],
      [[], [], [], [], [], ['per_visit_limit']],
      17_500,
    ],
    [
      'names both limits when they cut an expense to the same amount',
      days(6, 4000),
      [3500, 3500, 3500, 3500, 3500, 0],
      [
        ['daily_limit'],
        ['daily_limit'],
        ['daily_limit'],
        ['daily_limit'],
        ['daily_limit', 'per_visit_limit'],
        ['per_visit_limit'],
      ],
      17_500,
    ],
    [
      'uses the per-visit limit up in date order whatever the submission order',
      [...days(6, 3500)].reverse(),
      [3500, 3500, 3500, 3500, 3500, 0],
      [[], [], [], [], [], ['per_visit_limit']],
      17_500,
    ],
  ] as const)('%s', (_name, expenses, payable, limits, total) => {
    const result = paid(
      computeRentalReimbursement(rental({ expenses: expenses as unknown as RentalExpense[] })),
    );
    expect(result.payableCents).toBe(total);
    expect(result.lines.map((line) => line.payableCents)).toEqual(payable);
    expect(result.lines.map((line) => line.limitsApplied)).toEqual(limits);
  });

  it.each([
    ['refuses rental on Basic Guard', { available: false }, 'rental_not_in_plan'],
    [
      'refuses rental on Basic Guard even before authorization',
      { available: false, repairAuthorized: false },
      'rental_not_in_plan',
    ],
    ['refuses rental before the repair is authorized', { repairAuthorized: false }, 'repair_not_authorized'],
    ['pays when the repair needs exactly 2.0 labor hours', { laborHours: 2.0 }, null],
    ['pays when labor lines of 0.7 + 0.6 + 0.7 hours add up to 2.0', { laborHours: 0.7 + 0.6 + 0.7 }, null],
    [
      'refuses a 1.9-hour repair with the vehicle not kept overnight',
      { laborHours: 1.9 },
      'rental_not_triggered',
    ],
    [
      'pays a 1.9-hour repair when the vehicle is kept overnight',
      { laborHours: 1.9, keptOvernight: true },
      null,
    ],
    [
      'refuses a 1.9-hour overnight repair when the rule does not count overnight stays',
      { laborHours: 1.9, keptOvernight: true, rule: { ...RENTAL_RULE, overnightQualifies: false } },
      'rental_not_triggered',
    ],
  ] as const)('%s', (_name, overrides, code) => {
    const result = computeRentalReimbursement(rental(overrides));
    if (code === null) expect(paid(result).payableCents).toBe(3000);
    else expect(result).toEqual({ ok: false, code });
  });

  it.each([
    // name, visit began, payable per line, limits per line
    ['pays every day from the day the visit began', '2026-03-02', [3000, 3000, 3000], [[], [], []]],
    [
      'pays nothing for days before the visit began',
      '2026-03-03',
      [0, 3000, 3000],
      [['outside_repair_visit'], [], []],
    ],
    [
      'keeps the per-visit limit for the visit’s own days',
      '2026-03-04',
      [0, 0, 3000],
      [['outside_repair_visit'], ['outside_repair_visit'], []],
    ],
  ] as const)('%s', (_name, visitStartsOn, payable, limits) => {
    const result = paid(computeRentalReimbursement(rental({ expenses: days(3, 3000), visitStartsOn })));
    expect(result.lines.map((line) => line.payableCents)).toEqual(payable);
    expect(result.lines.map((line) => line.limitsApplied)).toEqual(limits);
  });

  it('says when the visit began on a line before it', () => {
    const result = paid(
      computeRentalReimbursement(rental({ expenses: days(1, 3000), visitStartsOn: '2026-03-05' })),
    );
    expect(result.lines[0]?.label).toBe(
      '2026-03-02 rental car: $30.00 requested, $0.00 payable (the repair visit began on 2026-03-05)',
    );
    expect(result.lines[0]?.params).toMatchObject({ visitStartsOn: '2026-03-05' });
  });

  it('says which limit cut an expense, in words', () => {
    const result = paid(computeRentalReimbursement(rental({ expenses: days(1, 5000) })));
    expect(result.lines[0]).toMatchObject({
      label:
        '2026-03-02 rental car: $50.00 requested, $35.00 payable (capped at the $35.00 daily rental limit)',
      amountCents: 3500,
      requestedCents: 5000,
    });
  });
});

describe('computeTripInterruption', () => {
  it.each([
    // name, expenses, payable per line, limits per line, total
    [
      'pays an $80 hotel night in full',
      [{ date: '2026-05-01', category: 'lodging', amountCents: 8000 }],
      [8000],
      [[]],
      8000,
    ],
    [
      'caps one day at $100 across lodging and meals',
      [
        { date: '2026-05-01', category: 'lodging', amountCents: 12_000 },
        { date: '2026-05-01', category: 'meals', amountCents: 3000 },
      ],
      [10_000, 0],
      [['daily_limit'], ['daily_limit']],
      10_000,
    ],
    [
      'excludes alcohol before applying the daily limit',
      [
        { date: '2026-05-02', category: 'lodging', amountCents: 9000 },
        { date: '2026-05-02', category: 'meals', amountCents: 4000, alcoholCents: 1500 },
      ],
      [9000, 1000],
      [[], ['alcohol_excluded', 'daily_limit']],
      10_000,
    ],
    [
      'pays a meal with alcohol removed when under the limit',
      [{ date: '2026-05-01', category: 'meals', amountCents: 4000, alcoholCents: 1500 }],
      [2500],
      [['alcohol_excluded']],
      2500,
    ],
    [
      'pays the third day and nothing on the fourth day or the day before the breakdown',
      [
        { date: '2026-04-30', category: 'meals', amountCents: 2000 },
        { date: '2026-05-03', category: 'lodging', amountCents: 8000 },
        { date: '2026-05-04', category: 'lodging', amountCents: 8000 },
      ],
      [0, 8000, 0],
      [['outside_covered_days'], [], ['outside_covered_days']],
      8000,
    ],
    [
      'pays at most $300 for three full days',
      [
        { date: '2026-05-01', category: 'lodging', amountCents: 15_000 },
        { date: '2026-05-02', category: 'lodging', amountCents: 15_000 },
        { date: '2026-05-03', category: 'lodging', amountCents: 15_000 },
        { date: '2026-05-04', category: 'lodging', amountCents: 15_000 },
      ],
      [10_000, 10_000, 10_000, 0],
      [['daily_limit'], ['daily_limit'], ['daily_limit'], ['outside_covered_days']],
      30_000,
    ],
  ] as const)('%s', (_name, expenses, payable, limits, total) => {
    const result = paid(computeTripInterruption(trip({ expenses: expenses as unknown as TripExpense[] })));
    expect(result.payableCents).toBe(total);
    expect(result.lines.map((line) => line.payableCents)).toEqual(payable);
    expect(result.lines.map((line) => line.limitsApplied)).toEqual(limits);
  });

  it.each([
    [
      'refuses a contract bought in Kansas and says why',
      { available: false, unavailableReason: KANSAS },
      { ok: false, code: 'trip_interruption_not_available', reason: KANSAS },
    ],
    [
      'refuses when the benefit is unavailable without a stated reason',
      { available: false },
      { ok: false, code: 'trip_interruption_not_available' },
    ],
    [
      'refuses a breakdown exactly 100 miles from home',
      { milesFromHome: 100 },
      { ok: false, code: 'too_close_to_home' },
    ],
    [
      'refuses a breakdown 40 miles from home',
      { milesFromHome: 40 },
      { ok: false, code: 'too_close_to_home' },
    ],
    [
      'refuses a breakdown of a component that is not covered',
      { componentCovered: false },
      { ok: false, code: 'component_not_covered' },
    ],
    [
      'refuses when the vehicle was not kept overnight',
      { keptOvernight: false },
      { ok: false, code: 'not_kept_overnight' },
    ],
    ['pays a breakdown 101 miles from home', { milesFromHome: 101 }, { ok: true, payableCents: 8000 }],
  ] as const)('%s', (_name, overrides, expected) => {
    expect(computeTripInterruption(trip(overrides))).toMatchObject(expected);
  });

  it('explains an expense outside the covered days', () => {
    const result = paid(
      computeTripInterruption(
        trip({ expenses: [{ date: '2026-05-04', category: 'lodging', amountCents: 8000 }] }),
      ),
    );
    expect(result.lines[0]?.label).toBe(
      '2026-05-04 lodging: $80.00 requested, $0.00 payable (only 2026-05-01 through 2026-05-03 (3 days from the breakdown) are covered)',
    );
  });
});

describe('computeTowingReimbursement', () => {
  it.each([
    ['pays a $50 tow in full', 5000, 5000, '$50.00 requested, $50.00 payable'],
    ['pays exactly the $75 limit', 7500, 7500, '$75.00 requested, $75.00 payable'],
    [
      'caps a $120 tow at the $75 per-disablement limit',
      12_000,
      7500,
      '$120.00 requested, $75.00 payable (capped at the $75.00 per-disablement towing limit)',
    ],
  ] as const)('%s', (_name, requestedCents, payableCents, words) => {
    const result = computeTowingReimbursement({ requestedCents, rule: { perEventLimitCents: 7500 } });
    expect(result).toEqual({
      payableCents,
      lines: [
        {
          label: `Towing: ${words}`,
          code: 'towing',
          params: {
            requestedCents,
            payableCents,
            perEventLimitCents: 7500,
            capped: payableCents < requestedCents ? 1 : 0,
          },
          amountCents: payableCents,
        },
      ],
    });
  });
});

const options = { seed: 42, numRuns: 500 };
const dateArbitrary = fc.integer({ min: 0, max: 9 }).map((offset) => addDays('2026-03-01', offset));

describe('benefit limit properties', () => {
  it('never pays rental above the amount requested or the per-visit limit, nor below zero', () => {
    const expenseArbitrary = fc.record({
      date: dateArbitrary,
      kind: fc.constantFrom('rental' as const, 'public_transport' as const),
      amountCents: fc.integer({ min: 0, max: 20_000 }),
    });
    const ruleArbitrary = fc.record({
      dailyLimitCents: fc.integer({ min: 0, max: 10_000 }),
      perVisitLimitCents: fc.integer({ min: 0, max: 50_000 }),
      minLaborHours: fc.constant(2),
      overnightQualifies: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(expenseArbitrary, { maxLength: 15 }), ruleArbitrary, (expenses, rule) => {
        const result = paid(computeRentalReimbursement(rental({ expenses, rule })));
        const requestedCents = expenses.reduce((total, expense) => total + expense.amountCents, 0);
        expect(result.payableCents).toBeGreaterThanOrEqual(0);
        expect(result.payableCents).toBeLessThanOrEqual(Math.min(requestedCents, rule.perVisitLimitCents));
        const perDate = new Map<string, number>();
        for (const line of result.lines) {
          expect(line.payableCents).toBeGreaterThanOrEqual(0);
          expect(line.payableCents).toBeLessThanOrEqual(line.requestedCents);
          perDate.set(line.date, (perDate.get(line.date) ?? 0) + line.payableCents);
        }
        for (const total of perDate.values()) expect(total).toBeLessThanOrEqual(rule.dailyLimitCents);
      }),
      options,
    );
  });

  it('never pays trip interruption above the eligible amount or daily limit × covered days, nor below zero', () => {
    const expenseArbitrary = fc
      .record({
        date: dateArbitrary,
        category: fc.constantFrom('lodging' as const, 'meals' as const),
        amountCents: fc.integer({ min: 0, max: 30_000 }),
        alcoholCents: fc.integer({ min: 0, max: 5000 }),
      })
      .map((expense) => ({ ...expense, alcoholCents: Math.min(expense.alcoholCents, expense.amountCents) }));
    const ruleArbitrary = fc.record({
      dailyLimitCents: fc.integer({ min: 0, max: 20_000 }),
      maxDays: fc.integer({ min: 1, max: 5 }),
      minMilesFromHome: fc.constant(100),
    });
    fc.assert(
      fc.property(
        fc.array(expenseArbitrary, { maxLength: 15 }),
        ruleArbitrary,
        dateArbitrary,
        (expenses, rule, breakdownOn) => {
          const result = paid(computeTripInterruption(trip({ expenses, rule, breakdownOn })));
          const eligibleCents = expenses.reduce(
            (total, expense) => total + expense.amountCents - expense.alcoholCents,
            0,
          );
          expect(result.payableCents).toBeGreaterThanOrEqual(0);
          expect(result.payableCents).toBeLessThanOrEqual(
            Math.min(eligibleCents, rule.dailyLimitCents * rule.maxDays),
          );
        },
      ),
      options,
    );
  });

  it('never pays towing above the request or the per-event limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 50_000 }),
        (requestedCents, limit) => {
          const result = computeTowingReimbursement({ requestedCents, rule: { perEventLimitCents: limit } });
          expect(result.payableCents).toBe(Math.min(requestedCents, limit));
          expect(result.lines.reduce((total, line) => total + line.amountCents, 0)).toBe(result.payableCents);
        },
      ),
      options,
    );
  });
});
