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
