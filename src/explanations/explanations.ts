// Holder sentences for the decisions Coverwise makes (issue 10 "Explainable decisions"): one table maps
// each reason code (repair line, transfer refusal, benefit cap, refund) to a sentence template, so the
// wording lives in one place and every API answer that carries a code can also carry its sentence.
import type { Holiday } from '../calendar/business-days.js';
import type { LineReasonCode } from '../repair-claims/repair-estimate.js';
import { type CalendarDate, compareDates, dayOfWeek, MONTH_NAMES } from '../shared/calendar-date.js';
import { formatUsd } from '../shared/money.js';

/**
 * Why a transfer is refused (src/transfers/transfer-rules.ts decides): named here, with the sentences,
 * because transfers explain their refusals through this table and the import goes that way only.
 */
export type TransferRefusalCode =
  | 'not_transferable'
  | 'contract_not_active'
  | 'invalid_date'
  | 'transfer_requires_private_sale'
  | 'transfer_window_elapsed'
  | 'odometer_below_sale';

/** Benefit and refund outcomes that have a name of their own (not tied to one calculator's type). */
export type BenefitReasonCode =
  | 'rental_not_in_plan'
  | 'trip_interruption_not_in_state'
  | 'rental_daily_limit'
  | 'rental_per_visit_limit'
  | 'trip_daily_limit'
  | 'trip_max_days'
  | 'free_look_full_refund'
  | 'cancellation_fee_deducted';

/** A refusal said more precisely than its code: not_transferable for a GAP addendum says why. */
export type TransferReasonCode = 'gap_not_transferable';

export type ExplanationCode = LineReasonCode | TransferRefusalCode | TransferReasonCode | BenefitReasonCode;

/** Values a template may name as {key}; money values are cents and are written as dollars. */
export type ExplanationValues = Readonly<Record<string, string | number>>;

// Templates name their values in braces. A key ending in "Cents" is written as money.
const TEMPLATES: Readonly<Record<ExplanationCode, string>> = {
  contract_not_in_force: 'Your contract was not in force on the day of the repair.',
  waiting_period:
    'Your contract was still in its waiting period ({waitingDays} days or {waitingMiles} miles after purchase), so this repair is not covered.',
  work_started_before_authorization:
    'The repair was started before we authorized it, so this line cannot be paid.',
  component_not_covered: '{componentGroup} is not covered by your {planName} plan.',
  labor_rate_above_cap:
    "Labor is paid at up to {laborRateCapCents} an hour under your plan; the shop's rate of {laborRateCents} is above that.",
  not_transferable: 'This contract cannot be transferred to a new owner.',
  gap_not_transferable:
    "A GAP addendum cannot be transferred to a new owner: it covers the loan of the person who bought it, and a buyer's loan is their own. Once the loan is paid off at the sale, the GAP addendum can be cancelled for a refund.",
  contract_not_active: 'The contract is no longer in force, so it cannot be transferred.',
  invalid_date: 'The ownership change must be dated between the contract purchase and today.',
  transfer_requires_private_sale:
    'Only a private sale transfers the contract; a dealer sale or trade-in does not.',
  transfer_window_elapsed:
    'A transfer must be reported within {windowDays} days of the ownership change; this one was reported after {daysSinceTransfer} days.',
  odometer_below_sale: 'The odometer reading is below the reading when the contract was sold.',
  rental_not_in_plan: 'Rental car reimbursement is not part of your {planName} plan.',
  trip_interruption_not_in_state: 'Trip interruption is not part of contracts bought in {stateName}.',
  rental_daily_limit: 'Rental is paid at up to {dailyLimitCents} a day.',
  rental_per_visit_limit: 'Rental is paid up to {perVisitLimitCents} for one repair visit.',
  trip_daily_limit: 'Lodging and meals are paid at up to {dailyLimitCents} a day.',
  trip_max_days: 'Trip interruption is paid for at most {maxDays} days per breakdown.',
  free_look_full_refund:
    'You cancelled within the {freeLookDays}-day free look, so the full price is refunded.',
  cancellation_fee_deducted: 'A cancellation fee of {adminFeeCents} is deducted from the refund.',
};

/** The codes the table knows (for tests and for the API documentation). */
export const EXPLANATION_CODES = Object.keys(TEMPLATES) as ExplanationCode[];

/** The template of `code` as written, with its {placeholders}. */
export function explanationTemplate(code: ExplanationCode): string {
  return TEMPLATES[code];
}

/** The holder sentence for `code`; a value the template names but `values` lacks is a programmer error. */
export function explain(code: ExplanationCode, values: ExplanationValues = {}): string {
  const template = TEMPLATES[code];
  if (template === undefined) throw new Error(`No explanation for reason code "${code}"`);
  return template.replace(/\{([a-zA-Z]+)\}/g, (_whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`Explanation "${code}" needs the value "${key}"`);
    return key.endsWith('Cents') ? formatUsd(Number(value)) : String(value);
  });
}

/** `explain` for a code that may be unknown to the table (e.g. a code from a newer service): null then. */
export function explainIfKnown(code: string, values: ExplanationValues = {}): string | null {
  if (!Object.hasOwn(TEMPLATES, code)) return null;
  try {
    return explain(code as ExplanationCode, values);
  } catch {
    return null;
  }
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function longDate(date: CalendarDate): string {
  const [, month, day] = date.split('-').map(Number) as [number, number, number];
  return `${WEEKDAYS[dayOfWeek(date)]}, ${MONTH_NAMES[month - 1]} ${day}`;
}

function shortDate(date: CalendarDate): string {
  const [, month, day] = date.split('-').map(Number) as [number, number, number];
  return `${(MONTH_NAMES[month - 1] as string).slice(0, 3)} ${day}`;
}

// OPM's names are formal ("Thanksgiving Day"); the holder sentence uses the everyday name.
function everydayHolidayName(name: string): string {
  return name.replace(/ Day$/, '').replace(/^Birthday of /, '');
}

export interface ReviewDueFacts {
  /** The business day the receipt counts from (after the cut-off, the next one). */
  receivedOn: CalendarDate;
  dueOn: CalendarDate;
  businessDays: number;
  /** Observed holidays of the years involved; only those after receivedOn up to dueOn are named. */
  holidays: readonly Holiday[];
}

/**
 * "Due by Monday, November 30 — 2 business days after we received it; Thanksgiving (Nov 26) is not a
 * business day": the review due date with the rule (docs/domain.md "Business days") that produced it.
 */
export function explainReviewDue(facts: ReviewDueFacts): string {
  const unit = facts.businessDays === 1 ? 'business day' : 'business days';
  const skipped = facts.holidays.filter(
    (holiday) =>
      compareDates(holiday.date, facts.receivedOn) > 0 && compareDates(holiday.date, facts.dueOn) <= 0,
  );
  const base = `Due by ${longDate(facts.dueOn)} — ${facts.businessDays} ${unit} after we received it`;
  if (skipped.length === 0) return base;
  const named = skipped.map((holiday) => `${everydayHolidayName(holiday.name)} (${shortDate(holiday.date)})`);
  const verb = named.length === 1 ? 'is not a business day' : 'are not business days';
  return `${base}; ${named.join(' and ')} ${verb}`;
}
