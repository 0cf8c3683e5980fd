import { describe, expect, it } from 'vitest';
import { type AnomalyEvidence, flaggableIds, flagsOf } from './anomaly-flags.js';

const none: AnomalyEvidence = { repeats: [], early: [], jumps: [], duplicates: [] };
const jump = (amount_cents: number, rate_cents: number) => ({
  id: 'c1',
  amount_cents,
  rate_cents,
  median_amount: 100_000,
  median_rate: 15_000,
  history: 6,
});

const ended = (status: 'cancelled' | 'void', cancel_on: string | null) => ({
  id: 'c1',
  contract_number: 'VSC-1',
  status,
  cancel_on,
  claim_date: '2026-11-20',
});

const below = (claim_odometer: number) => ({
  id: 'c1',
  claim_odometer,
  odometer: 70_000,
  read_on: '2026-11-25',
  source: 'repair_claim' as const,
  reference: 'RC-2026-000001',
});

describe('flagsOf (the rows the queries found → flags)', () => {
  it.each([
    { name: 'no evidence, no flags', evidence: none, codes: [] },
    {
      name: 'a repeat claim',
      evidence: {
        ...none,
        repeats: [{ id: 'c1', other_number: 'RC-1', component_group: 'engine', days: 3 }],
      },
      codes: ['repeat_claim'],
    },
    {
      name: 'an early claim',
      evidence: { ...none, early: [{ id: 'c1', days: 5, limit_days: 30 }] },
      codes: ['early_claim'],
    },
    {
      name: 'exactly twice the median is not a jump',
      evidence: { ...none, jumps: [jump(200_000, 30_000)] },
      codes: [],
    },
    {
      name: 'over twice the median amount and rate',
      evidence: { ...none, jumps: [jump(200_001, 30_001)] },
      codes: ['facility_amount_jump', 'facility_rate_jump'],
    },
    {
      name: 'the same file twice on one item is one flag',
      evidence: {
        ...none,
        duplicates: [
          { item_id: 'c1', other_type: 'gap_claim', other_id: 'g1', sha256: 'ab'.repeat(32) },
          { item_id: 'c1', other_type: 'gap_claim', other_id: 'g1', sha256: 'ab'.repeat(32) },
        ],
      },
      codes: ['same_document_file'],
    },
    {
      name: 'a claim on a contract cancelled as of the claim’s day',
      evidence: { ...none, ended: [ended('cancelled', '2026-11-20')] },
      codes: ['contract_not_in_force'],
    },
    {
      name: 'a claim on a void contract',
      evidence: { ...none, ended: [ended('void', null)] },
      codes: ['contract_not_in_force'],
    },
    {
      name: 'a claim before the day its contract was cancelled as of (covered; the refund did not count it)',
      evidence: { ...none, ended: [ended('cancelled', '2026-11-21')] },
      codes: ['cancelled_after_claim'],
    },
    {
      name: 'a claim below the reading recorded before it',
      evidence: { ...none, readingsBelow: [below(21_000)] },
      codes: ['odometer_below_last_reading'],
    },
    {
      name: 'a claim at the reading recorded before it',
      evidence: { ...none, readingsBelow: [below(70_000)] },
      codes: [],
    },
  ])('$name', ({ evidence, codes }) => {
    expect((flagsOf(evidence).get('c1') ?? []).map((flag) => flag.code)).toEqual(codes);
  });

  it('says the repeat claim in words', () => {
    const flags = flagsOf({
      ...none,
      repeats: [{ id: 'c1', other_number: 'RC-1', component_group: 'engine', days: 0 }],
    });
    expect(flags.get('c1')?.[0]?.reason).toBe(
      'Same VIN and component group (engine) as claim RC-1, the same day',
    );
  });

  it('says when a contract was cancelled after the claim, and what that means for its refund', () => {
    expect(flagsOf({ ...none, ended: [ended('cancelled', '2026-11-21')] }).get('c1')?.[0]?.reason).toBe(
      "Contract VSC-1 was cancelled as of 2026-11-21, after this claim's day (2026-11-20): it covered the claim, and the cancellation's refund was worked out without it",
    );
  });

  it('says the reading a claim is below, its date and its record', () => {
    expect(flagsOf({ ...none, readingsBelow: [below(21_000)] }).get('c1')?.[0]?.reason).toBe(
      'Odometer 21,000 miles, below the last reading recorded on this contract before the claim: 70,000 miles on 2026-11-25 (repair claim RC-2026-000001)',
    );
  });

  it('looks at repair-claim decisions and GAP document reviews only', () => {
    expect(
      flaggableIds([
        { kind: 'repair_claim_decision', id: 'c1' },
        { kind: 'gap_document_review', id: 'd1' },
        { kind: 'benefit_claim', id: 'b1' },
      ]),
    ).toEqual({ claimIds: ['c1'], documentIds: ['d1'] });
  });
});
