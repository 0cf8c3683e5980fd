import { describe, expect, it } from 'vitest';
import type { GapClaimStatus } from '../platform/db/schema.js';
import {
  checklistOf,
  checkTransition,
  GAP_CLAIM_STATUSES,
  statusAfterReview,
  whyNoBenefitCalculation,
} from './gap-claim-status.js';

describe('GAP claim status machine', () => {
  const allowed: [GapClaimStatus, GapClaimStatus][] = [
    ['awaiting_documents', 'under_review'],
    ['under_review', 'ready_for_calculation'],
    ['under_review', 'denied'],
    ['ready_for_calculation', 'approved'],
    ['ready_for_calculation', 'denied'],
    ['approved', 'paid'],
  ];
  const pairs = GAP_CLAIM_STATUSES.flatMap((from) =>
    GAP_CLAIM_STATUSES.map((to) => [from, to] as [GapClaimStatus, GapClaimStatus]),
  );

  it.each(pairs)('moving from %s to %s is allowed only along the machine', (from, to) => {
    const expected = allowed.some(([a, b]) => a === from && b === to);
    expect(checkTransition(from, to)).toEqual(
      expected ? { ok: true } : { ok: false, code: 'invalid_status_transition' },
    );
  });

  it.each([
    ['every document accepted', 'under_review', ['accepted', 'accepted'], 'ready_for_calculation'],
    ['one still pending', 'under_review', ['accepted', 'pending_review'], 'under_review'],
    ['one rejected', 'under_review', ['accepted', 'rejected'], 'under_review'],
    ['one missing', 'under_review', ['accepted', 'missing'], 'under_review'],
    ['already ready', 'ready_for_calculation', ['accepted'], 'ready_for_calculation'],
  ] as const)('after a review with %s the claim is %s', (_case, current, states, expected) => {
    expect(
      statusAfterReview(
        current,
        states.map((status) => ({ status })),
      ),
    ).toBe(expected);
  });

  it.each([
    {
      status: 'awaiting_documents',
      words: /once every document is accepted; this claim is still waiting for documents/,
    },
    {
      status: 'under_review',
      words: /once every document is accepted; this claim's documents are still under review/,
    },
    { status: 'ready_for_calculation', words: null },
    { status: 'approved', words: /^This claim is already approved/ },
    { status: 'denied', words: /^This claim is denied/ },
    { status: 'paid', words: /^This claim is already paid/ },
  ] as const)('a benefit calculation on a claim $status is refused with $words', ({ status, words }) => {
    const refusal = whyNoBenefitCalculation(status);
    if (words === null) expect(refusal).toBeNull();
    else expect(refusal).toMatch(words);
    // Only a claim still gathering documents is told that documents are awaited.
    if (status === 'approved' || status === 'paid' || status === 'denied')
      expect(refusal).not.toMatch(/document/);
  });

  it('lists each required type with its current document, ignoring superseded ones', () => {
    expect(
      checklistOf(
        ['gap_addendum', 'police_report', 'insurer_settlement'],
        [
          { documentType: 'gap_addendum', status: 'superseded' },
          { documentType: 'gap_addendum', status: 'pending_review' },
          { documentType: 'police_report', status: 'rejected' },
        ],
      ),
    ).toEqual([
      { type: 'gap_addendum', status: 'pending_review' },
      { type: 'police_report', status: 'rejected' },
      { type: 'insurer_settlement', status: 'missing' },
    ]);
  });
});
