import { describe, expect, it } from 'vitest';
import type { BenefitClaimStatus } from '../platform/db/schema.js';
import {
  type BenefitClaimKind,
  type BenefitDecisionInput,
  decideBenefitClaim,
  receiptRefusal,
} from './benefit-decision.js';

// Deciding a rental or trip-interruption claim: once, a trip only against receipts, a denial with its reason.

describe('decideBenefitClaim', () => {
  const cases: [string, BenefitClaimKind, BenefitClaimStatus, number, BenefitDecisionInput, string][] = [
    ['rental approved as filed', 'rental_claim', 'submitted', 0, { decision: 'approve' }, 'approved'],
    [
      'trip with a receipt approved',
      'trip_interruption_claim',
      'submitted',
      1,
      { decision: 'approve' },
      'approved',
    ],
    [
      'trip without receipts refused',
      'trip_interruption_claim',
      'submitted',
      0,
      { decision: 'approve' },
      'receipts_required',
    ],
    [
      'trip without receipts denied',
      'trip_interruption_claim',
      'submitted',
      0,
      { decision: 'deny', reasonCode: 'receipts_missing' },
      'denied',
    ],
    [
      'denied with a reason code',
      'rental_claim',
      'submitted',
      2,
      { decision: 'deny', reasonCode: 'duplicate_claim' },
      'denied',
    ],
    [
      '"other" needs words',
      'rental_claim',
      'submitted',
      0,
      { decision: 'deny', reasonCode: 'other', reason: '   ' },
      'validation_failed',
    ],
    [
      '"other" with words',
      'rental_claim',
      'submitted',
      0,
      { decision: 'deny', reasonCode: 'other', reason: 'Rental was for a second car.' },
      'denied',
    ],
    [
      'a denial without its reason code',
      'rental_claim',
      'submitted',
      0,
      { decision: 'deny' },
      'validation_failed',
    ],
    [
      'an approval with a reason code',
      'rental_claim',
      'submitted',
      0,
      { decision: 'approve', reasonCode: 'other' },
      'validation_failed',
    ],
    ['already approved', 'rental_claim', 'approved', 0, { decision: 'approve' }, 'benefit_claim_decided'],
    [
      'already denied',
      'trip_interruption_claim',
      'denied',
      3,
      { decision: 'approve' },
      'benefit_claim_decided',
    ],
    [
      'already paid',
      'rental_claim',
      'paid',
      1,
      { decision: 'deny', reasonCode: 'other', reason: 'x' },
      'benefit_claim_decided',
    ],
  ];
  it.each(cases)('%s', (_name, kind, status, receipts, input, expected) => {
    const outcome = decideBenefitClaim({ kind, status, receipts }, input);
    expect(outcome.ok ? outcome.status : outcome.code).toBe(expected);
  });

  it('keeps the reason trimmed, and none when blank', () => {
    expect(
      decideBenefitClaim(
        { kind: 'rental_claim', status: 'submitted', receipts: 0 },
        { decision: 'deny', reasonCode: 'expenses_not_eligible', reason: '  Fuel is not rental.  ' },
      ),
    ).toEqual({
      ok: true,
      status: 'denied',
      reasonCode: 'expenses_not_eligible',
      reason: 'Fuel is not rental.',
    });
    expect(
      decideBenefitClaim(
        { kind: 'rental_claim', status: 'submitted', receipts: 0 },
        { decision: 'approve', reason: ' ' },
      ),
    ).toEqual({ ok: true, status: 'approved', reasonCode: null, reason: null });
  });

  it('names the field a refusal is about', () => {
    const refused = decideBenefitClaim(
      { kind: 'trip_interruption_claim', status: 'submitted', receipts: 0 },
      { decision: 'approve' },
    );
    expect(refused).toMatchObject({ ok: false, param: 'receipts' });
  });
});

describe('receiptRefusal', () => {
  const cases: [BenefitClaimStatus, string | null][] = [
    ['submitted', null],
    ['approved', 'The claim is already approved'],
    ['denied', 'The claim is already denied'],
    ['paid', 'The claim is already paid'],
  ];
  it.each(cases)('a %s claim: %s', (status, words) => {
    const refusal = receiptRefusal(status);
    if (words === null) expect(refusal).toBeNull();
    else expect(refusal).toEqual({ code: 'benefit_claim_decided', detail: expect.stringContaining(words) });
  });
});
