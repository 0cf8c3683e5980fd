// The month-end report's pure rules (month-end.ts): the loss ratio, the month's bounds, the report's
// totals and receivables aging, and the CSV.
import { describe, expect, it } from 'vitest';
import { isMonth, lossRatioBasisPoints, monthBounds, monthEndCsv, monthEndReport } from './month-end.js';

describe('lossRatioBasisPoints', () => {
  it.each([
    { claims: 0, earned: 100_00, expected: 0 },
    { claims: 50_00, earned: 100_00, expected: 5_000 },
    { claims: 100_00, earned: 100_00, expected: 10_000 },
    { claims: 250_00, earned: 100_00, expected: 25_000 },
    { claims: 1, earned: 3, expected: 3_333 },
    { claims: 2, earned: 3, expected: 6_667 },
    { claims: 1, earned: 20_000, expected: 1 },
    { claims: 1, earned: 20_001, expected: 0 },
    { claims: 10, earned: 0, expected: null },
    { claims: 10, earned: -5, expected: null },
  ])('$claims / $earned → $expected bp', ({ claims, earned, expected }) => {
    expect(lossRatioBasisPoints(claims, earned)).toBe(expected);
  });
});

describe('monthBounds and isMonth', () => {
  it.each([
    { month: '2026-02', from: '2026-02-01', to: '2026-02-28' },
    { month: '2024-02', from: '2024-02-01', to: '2024-02-29' },
    { month: '2026-12', from: '2026-12-01', to: '2026-12-31' },
    { month: '2026-04', from: '2026-04-01', to: '2026-04-30' },
  ])('$month runs $from to $to', ({ month, from, to }) => {
    expect(isMonth(month)).toBe(true);
    expect(monthBounds(month)).toEqual({ from, to });
  });
  it.each(['2026-13', '2026-00', '2026-1', '26-01', '2026-01-01', ''])('%s is not a month', (value) => {
    expect(isMonth(value)).toBe(false);
  });
});

describe('monthEndReport', () => {
  const report = monthEndReport({
    month: '2026-11',
    premium: [
      {
        planCode: 'VSC',
        state: 'TX',
        writtenCents: 300_00,
        earnedCents: 100_00,
        unearnedCents: 900_00,
        claimsPaidCents: 45_00,
      },
      {
        planCode: 'GAP',
        state: 'MO',
        writtenCents: 0,
        earnedCents: 50_00,
        unearnedCents: 100_00,
        claimsPaidCents: 0,
      },
      { planCode: 'ZZZ', state: 'CA', writtenCents: 0, earnedCents: 0, unearnedCents: 0, claimsPaidCents: 0 },
    ],
    trend: [
      { month: '2026-11', writtenCents: 300_00, earnedCents: 150_00 },
      { month: '2026-10', writtenCents: 900_00, earnedCents: 0 },
    ],
    dealers: [
      {
        dealer: { code: 'D-1', name: 'One' },
        // 100 charged 2026-08-01 (121 days old at 2026-11-30), 50 charged 2026-11-20; 30 remitted.
        items: [
          { date: '2026-08-01', amountCents: 100_00 },
          { date: '2026-11-20', amountCents: 50_00 },
        ],
        unappliedCreditsCents: -30_00,
      },
      { dealer: { code: 'D-2', name: 'Two' }, items: [], unappliedCreditsCents: -20_00 },
      { dealer: { code: 'D-3', name: 'Three' }, items: [], unappliedCreditsCents: 0 },
    ],
    refunds: { overdue: { count: 2, amountCents: 700_00 } },
  });

  it('sorts the premium rows, leaves out the empty ones, and totals them with the loss ratio', () => {
    expect(report.premium.map((row) => `${row.planCode}/${row.state}`)).toEqual(['GAP/MO', 'VSC/TX']);
    expect(report.premium[1]!.lossRatioBasisPoints).toBe(4_500);
    expect(report.premium[0]!.lossRatioBasisPoints).toBe(0);
    expect(report.premiumTotals).toEqual({
      writtenCents: 300_00,
      earnedCents: 150_00,
      unearnedCents: 1_000_00,
      claimsPaidCents: 45_00,
      lossRatioBasisPoints: 3_000,
    });
    expect(report.from).toBe('2026-11-01');
    expect(report.to).toBe('2026-11-30');
    expect(report.trend.map((row) => row.month)).toEqual(['2026-10', '2026-11']);
  });

  it("ages each dealer's receivable as of the month's last day; a credit balance shows as negative", () => {
    expect(report.receivables).toEqual([
      {
        dealerCode: 'D-1',
        dealerName: 'One',
        currentCents: 50_00,
        days30Cents: 0,
        days60Cents: 0,
        days90PlusCents: 70_00,
        balanceCents: 120_00,
      },
      {
        dealerCode: 'D-2',
        dealerName: 'Two',
        currentCents: -20_00,
        days30Cents: 0,
        days60Cents: 0,
        days90PlusCents: 0,
        balanceCents: -20_00,
      },
    ]);
    expect(report.receivablesTotals).toEqual({
      currentCents: 30_00,
      days30Cents: 0,
      days60Cents: 0,
      days90PlusCents: 70_00,
      balanceCents: 100_00,
    });
  });

  it('fills the refund states with zeros', () => {
    expect(report.refunds).toEqual({
      paid_on_time: { count: 0, amountCents: 0 },
      paid_late: { count: 0, amountCents: 0 },
      due: { count: 0, amountCents: 0 },
      overdue: { count: 2, amountCents: 700_00 },
    });
  });

  it('writes one CSV line per figure', () => {
    const lines = monthEndCsv(report).trim().split('\n');
    expect(lines[0]).toBe('month,section,plan_code,state,dealer_code,measure,value');
    expect(lines).toContain('2026-11,premium,VSC,TX,,loss_ratio_bp,4500');
    expect(lines).toContain('2026-11,premium_total,,,,earned_cents,15000');
    expect(lines).toContain('2026-11,receivables,,,D-2,balance_cents,-2000');
    expect(lines).toContain('2026-11,refunds,,,,overdue_count,2');
    // 2 premium rows × 5 + 5 totals + 2 dealers × 5 + 5 totals + 4 states × 2, and the header.
    expect(lines).toHaveLength(1 + 10 + 5 + 10 + 5 + 8);
  });
});
