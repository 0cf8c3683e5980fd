import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBusinessCalendar } from '../calendar/business-days.js';
import {
  EXPLANATION_CODES,
  type ExplanationCode,
  type ExplanationValues,
  explain,
  explainIfKnown,
  explainReviewDue,
  explanationTemplate,
} from './explanations.js';

const calendar = createBusinessCalendar({ timeZone: 'America/New_York', cutoffMinutes: 17 * 60 });
const holidays = [...calendar.holidaysIn(2026), ...calendar.holidaysIn(2027)];

describe('explain', () => {
  it.each<[ExplanationCode, ExplanationValues, string]>([
    [
      'trip_interruption_not_in_state',
      { stateName: 'Kansas' },
      'Trip interruption is not part of contracts bought in Kansas.',
    ],
    [
      'rental_not_in_plan',
      { planName: 'Basic Guard' },
      'Rental car reimbursement is not part of your Basic Guard plan.',
    ],
    [
      'labor_rate_above_cap',
      { laborRateCapCents: 15000, laborRateCents: 18550 },
      "Labor is paid at up to $150.00 an hour under your plan; the shop's rate of $185.50 is above that.",
    ],
    [
      'component_not_covered',
      { componentGroup: 'Air conditioning', planName: 'Basic Guard' },
      'Air conditioning is not covered by your Basic Guard plan.',
    ],
    [
      'waiting_period',
      { waitingDays: 30, waitingMiles: 1000 },
      'Your contract was still in its waiting period (30 days or 1000 miles after purchase), so this repair is not covered.',
    ],
    [
      'transfer_window_elapsed',
      { windowDays: 30, daysSinceTransfer: 31 },
      'A transfer must be reported within 30 days of the ownership change; this one was reported after 31 days.',
    ],
    ['rental_daily_limit', { dailyLimitCents: 3500 }, 'Rental is paid at up to $35.00 a day.'],
    ['trip_max_days', { maxDays: 3 }, 'Trip interruption is paid for at most 3 days per breakdown.'],
    [
      'free_look_full_refund',
      { freeLookDays: 60 },
      'You cancelled within the 60-day free look, so the full price is refunded.',
    ],
    [
      'cancellation_fee_deducted',
      { adminFeeCents: 5000 },
      'A cancellation fee of $50.00 is deducted from the refund.',
    ],
    [
      'transfer_requires_private_sale',
      {},
      'Only a private sale transfers the contract; a dealer sale or trade-in does not.',
    ],
    [
      'gap_not_transferable',
      {},
      "A GAP addendum cannot be transferred to a new owner: it covers the loan of the person who bought it, and a buyer's loan is their own. Once the loan is paid off at the sale, the GAP addendum can be cancelled for a refund.",
    ],
  ])('explains %s as a holder sentence', (code, values, sentence) => {
    expect(explain(code, values)).toBe(sentence);
  });

  it('has a sentence that ends with a full stop for every code', () => {
    for (const code of EXPLANATION_CODES) expect(explanationTemplate(code)).toMatch(/^[A-Z{].*\.$/);
  });

  it('throws when a value the sentence needs is missing (a programmer error)', () => {
    expect(() => explain('trip_interruption_not_in_state')).toThrow(/stateName/);
  });

  it('answers null for a code it does not know or values it lacks', () => {
    expect(explainIfKnown('no_such_code')).toBeNull();
    expect(explainIfKnown('rental_not_in_plan')).toBeNull();
    expect(explainIfKnown('odometer_below_sale')).toBe(
      'The odometer reading is below the reading when the contract was sold.',
    );
  });

  it('never leaves a placeholder in a sentence whatever the values', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EXPLANATION_CODES),
        fc.string({ maxLength: 20 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (code, text, amount) => {
          const keys = [...explanationTemplate(code).matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1] as string);
          const values = Object.fromEntries(keys.map((key) => [key, key.endsWith('Cents') ? amount : text]));
          const sentence = explain(code, values);
          expect(sentence).not.toMatch(/\{[a-zA-Z]+\}/);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('explainReviewDue', () => {
  it.each<[string, string, number, string]>([
    [
      '2026-11-25',
      '2026-11-30',
      2,
      'Due by Monday, November 30 — 2 business days after we received it; Thanksgiving (Nov 26) is not a business day',
    ],
    ['2026-11-16', '2026-11-18', 2, 'Due by Wednesday, November 18 — 2 business days after we received it'],
    ['2026-11-20', '2026-11-23', 1, 'Due by Monday, November 23 — 1 business day after we received it'],
    [
      '2026-12-23',
      '2026-12-28',
      2,
      'Due by Monday, December 28 — 2 business days after we received it; Christmas (Dec 25) is not a business day',
    ],
    [
      '2026-12-31',
      '2027-01-04',
      1,
      "Due by Monday, January 4 — 1 business day after we received it; New Year's (Jan 1) is not a business day",
    ],
  ])('explains a review received %s and due %s', (receivedOn, dueOn, businessDays, sentence) => {
    expect(calendar.addBusinessDays(receivedOn, businessDays)).toBe(dueOn);
    expect(explainReviewDue({ receivedOn, dueOn, businessDays, holidays })).toBe(sentence);
  });
});
