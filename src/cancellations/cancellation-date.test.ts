import { describe, expect, it } from 'vitest';
import {
  type CancellationDateRequest,
  claimBeforeCancellation,
  decideCancellationDate,
  type PayableClaimOnDate,
  undecidedClaimHoldsCancellation,
} from './cancellation-date.js';

const TODAY = '2026-11-25';

function asked(overrides: Partial<CancellationDateRequest>): CancellationDateRequest {
  return {
    by: 'holder',
    executing: true,
    cancelOn: undefined,
    evidence: undefined,
    today: TODAY,
    ...overrides,
  };
}

describe('the date a cancellation is dated', () => {
  it.each<
    [
      string,
      Partial<CancellationDateRequest>,
      { cancelOn: string; backdated: boolean; evidence: string | null },
    ]
  >([
    [
      'a holder leaving the date out: today',
      { by: 'holder' },
      { cancelOn: TODAY, backdated: false, evidence: null },
    ],
    [
      'a holder naming today',
      { by: 'holder', cancelOn: TODAY },
      { cancelOn: TODAY, backdated: false, evidence: null },
    ],
    [
      'a holder quoting today',
      { by: 'holder', executing: false, cancelOn: TODAY },
      { cancelOn: TODAY, backdated: false, evidence: null },
    ],
    [
      'staff leaving the date out: today',
      { by: 'staff' },
      { cancelOn: TODAY, backdated: false, evidence: null },
    ],
    [
      'staff cancelling today without evidence',
      { by: 'staff', cancelOn: TODAY },
      { cancelOn: TODAY, backdated: false, evidence: null },
    ],
    [
      'staff cancelling as of an earlier day with its evidence (trimmed)',
      { by: 'staff', cancelOn: '2026-08-10', evidence: '  payoff letter dated 2026-08-10 ' },
      { cancelOn: '2026-08-10', backdated: true, evidence: 'payoff letter dated 2026-08-10' },
    ],
    [
      'staff quoting an earlier day without evidence (a quote changes nothing)',
      { by: 'staff', executing: false, cancelOn: '2026-08-10' },
      { cancelOn: '2026-08-10', backdated: true, evidence: null },
    ],
    [
      'staff quoting a later day',
      { by: 'staff', executing: false, cancelOn: '2026-12-31' },
      { cancelOn: '2026-12-31', backdated: false, evidence: null },
    ],
  ])('accepts %s', (_name, overrides, expected) => {
    expect(decideCancellationDate(asked(overrides))).toEqual({ ok: true, ...expected });
  });

  it.each<[string, Partial<CancellationDateRequest>, string, string]>([
    [
      'a holder cancelling as of an earlier day',
      { by: 'holder', cancelOn: '2026-08-10' },
      'cancel_date_not_today',
      'cancelOn',
    ],
    [
      'a holder quoting an earlier day',
      { by: 'holder', executing: false, cancelOn: '2026-08-10' },
      'cancel_date_not_today',
      'cancelOn',
    ],
    [
      'a holder quoting yesterday',
      { by: 'holder', executing: false, cancelOn: '2026-11-24' },
      'cancel_date_not_today',
      'cancelOn',
    ],
    [
      'a holder quoting a later day',
      { by: 'holder', executing: false, cancelOn: '2026-11-26' },
      'cancel_date_not_today',
      'cancelOn',
    ],
    [
      'a holder backdating with evidence (only staff weigh evidence)',
      { by: 'holder', cancelOn: '2026-08-10', evidence: 'payoff letter' },
      'cancel_date_not_today',
      'cancelOn',
    ],
    [
      'staff cancelling as of an earlier day without evidence',
      { by: 'staff', cancelOn: '2026-11-24' },
      'backdate_evidence_required',
      'evidence',
    ],
    [
      'staff backdating with blank evidence',
      { by: 'staff', cancelOn: '2026-08-10', evidence: '   ' },
      'backdate_evidence_required',
      'evidence',
    ],
    [
      'staff cancelling as of a later day',
      { by: 'staff', cancelOn: '2026-11-26', evidence: 'x' },
      'invalid_date',
      'cancelOn',
    ],
    ['a day that does not exist', { by: 'staff', cancelOn: '2026-02-30' }, 'invalid_date', 'cancelOn'],
  ])('refuses %s', (_name, overrides, code, param) => {
    expect(decideCancellationDate(asked(overrides))).toMatchObject({ ok: false, code, param });
  });

  it('tells the holder how to ask for an earlier date', () => {
    const refusal = decideCancellationDate(asked({ cancelOn: '2026-08-10' }));
    expect(refusal.ok).toBe(false);
    if (!refusal.ok)
      expect(refusal.detail).toMatch(
        /dated today \(2026-11-25\).*call customer service.*staff can date it back/,
      );
  });
});

describe('a cancellation after the last repair authorized or paid', () => {
  const claim: PayableClaimOnDate = {
    claimNumber: 'RC-2026-000001',
    status: 'authorized',
    claimDate: '2026-11-20',
  };
  it.each<[string, string, typeof claim | undefined, boolean]>([
    ['no such claim', '2026-08-10', undefined, true],
    ['dated the day after the claim', '2026-11-21', claim, true],
    ['dated the claim’s day', '2026-11-20', claim, false],
    ['dated before the claim', '2026-11-01', claim, false],
    ['dated before a paid claim', '2026-11-01', { ...claim, status: 'paid' }, false],
  ])('%s', (_name, cancelOn, payable, allowed) => {
    const refusal = claimBeforeCancellation(cancelOn, payable);
    if (allowed) expect(refusal).toBeNull();
    else expect(refusal).toMatchObject({ code: 'cancel_date_before_claim', param: 'cancelOn' });
  });

  it('names the claim, its day and the earliest date', () => {
    expect(claimBeforeCancellation('2026-11-20', { ...claim, status: 'paid' })?.detail).toBe(
      'Repair claim RC-2026-000001 of 2026-11-20 was paid while the contract was in force, so the cancellation can be dated 2026-11-21 at the earliest.',
    );
  });
});

describe('a cancellation while a repair claim is being decided', () => {
  const claim = { claimNumber: 'RC-2026-000002', claimDate: '2026-11-20' };
  it.each<[string, string, boolean, typeof claim | undefined, boolean]>([
    ['no claim being decided', '2026-11-25', true, undefined, true],
    ['a claim of an earlier day, claims deducted', '2026-11-25', true, claim, false],
    ['a claim of the same day, claims deducted', '2026-11-20', true, claim, false],
    ['a claim of a later day (it can no longer be approved)', '2026-11-19', true, claim, true],
    ['a claim of an earlier day, claims not deducted', '2026-11-25', false, claim, true],
  ])('%s', (_name, cancelOn, claimsDeducted, undecided, allowed) => {
    const refusal = undecidedClaimHoldsCancellation(cancelOn, claimsDeducted, undecided);
    if (allowed) expect(refusal).toBeNull();
    else expect(refusal).toMatchObject({ code: 'repair_claim_undecided' });
  });

  it('names the claim and its day', () => {
    expect(undecidedClaimHoldsCancellation('2026-11-25', true, claim)?.detail).toBe(
      "Repair claim RC-2026-000002 of 2026-11-20 is still being decided, and this contract's refund deducts the claims paid on it: the refund can be worked out once the claim is authorized or denied.",
    );
  });
});
