// The pure half of the staff dashboard: the totals each query answers shaped into chart rows.
import { describe, expect, it } from 'vitest';
import {
  claimsByStatusChart,
  documentReviewsSlaChart,
  lossRatioByPlanChart,
  slaWindowStart,
} from './dashboard.js';

describe('dashboard charts', () => {
  it('puts one kind and status on one row, its claims counted per age bucket', () => {
    const chart = claimsByStatusChart([
      { kind: 'gap', status: 'open', bucket: '0-7', claims: 2 },
      { kind: 'gap', status: 'open', bucket: '31+', claims: 5 },
      { kind: 'repair', status: 'submitted', bucket: '8-30', claims: 1 },
    ]);
    expect(chart.rows).toEqual([
      { kind: 'gap', status: 'open', age0to7: 2, age8to30: 0, age31plus: 5, total: 7 },
      { kind: 'repair', status: 'submitted', age0to7: 0, age8to30: 1, age31plus: 0, total: 1 },
    ]);
  });

  it.each([
    { due: 3, onTime: 2, adherence: 6_667 },
    { due: 0, onTime: 0, adherence: 0 },
    { due: 8, onTime: 8, adherence: 10_000 },
  ])('reads $onTime of $due reviews on time as $adherence basis points', ({ due, onTime, adherence }) => {
    const chart = documentReviewsSlaChart([{ week: '2026-11-23', due, onTime }]);
    expect(chart.rows[0]?.adherenceBasisPoints).toBe(adherence);
  });

  it('gives a plan with no written premium a loss ratio of 0', () => {
    const chart = lossRatioByPlanChart([
      { planCode: 'A', writtenCents: 0, paidCents: 500 },
      { planCode: 'B', writtenCents: 40_000, paidCents: 10_000 },
    ]);
    expect(chart.rows.map((r) => r.lossRatioBasisPoints)).toEqual([0, 2_500]);
  });

  it('reaches back twelve weeks for the SLA chart', () => {
    expect(slaWindowStart('2026-11-25')).toBe('2026-09-02');
  });
});
