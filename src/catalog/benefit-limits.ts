// Benefit limits for rental reimbursement, trip interruption and towing: who qualifies and how much
// of each expense is payable under the daily, per-visit and per-event caps (docs/domain.md "Benefits";
// every limit, distance and day count comes from the catalog rule).

import { addDays, type CalendarDate, compareDates, isCalendarDate } from '../shared/calendar-date.js';
import { assertCents, formatUsd } from '../shared/money.js';

export interface CalculationLine {
  /** The line in English. */
  label: string;
  /**
   * What the line says as a stable code (rental_expense, trip_expense, towing) with `params`, for a
   * page to say in its reader's language; each limit the line names is in `limitsApplied`.
   */
  code?: string;
  params?: Record<string, string | number>;
  /** Signed cents; the lines add up to the payable amount. */
  amountCents: number;
  ruleId?: string;
}

// ---------------------------------------------------------------------------------------------
// Rental reimbursement

export interface RentalRule {
  dailyLimitCents: number;
  perVisitLimitCents: number;
  /** The covered repair must need at least this many labor-guide hours (default 2.0)… */
  minLaborHours: number;
  /** …unless the vehicle is kept overnight and the rule lets that qualify too. */
  overnightQualifies: boolean;
}

export interface RentalExpense {
  date: CalendarDate;
  kind: 'rental' | 'public_transport';
  amountCents: number;
}

export interface RentalInput {
  /** Whether the contract's tier includes rental (Basic Guard does not). */
  available: boolean;
  repairAuthorized: boolean;
  laborHours: number;
  keptOvernight: boolean;
  expenses: RentalExpense[];
  rule: RentalRule;
  /**
   * The day the repair visit began (the repair claim's submission, in the business time zone): rental is
   * per repair visit, so an expense dated before it is not part of the visit and pays nothing.
   */
  visitStartsOn?: CalendarDate;
}

export type RentalLimit = 'daily_limit' | 'per_visit_limit' | 'outside_repair_visit';

export interface RentalLine extends CalculationLine {
  date: CalendarDate;
  kind: RentalExpense['kind'];
  requestedCents: number;
  payableCents: number;
  /** The limits that cut this expense (empty when it is paid in full). */
  limitsApplied: RentalLimit[];
}

export type RentalRefusalCode = 'rental_not_in_plan' | 'repair_not_authorized' | 'rental_not_triggered';

export type RentalResult =
  | { ok: true; payableCents: number; lines: RentalLine[] }
  | { ok: false; code: RentalRefusalCode };

const RENTAL_KIND_LABEL: Record<RentalExpense['kind'], string> = {
  rental: 'rental car',
  public_transport: 'public transport',
};

export function computeRentalReimbursement(input: RentalInput): RentalResult {
  const { rule } = input;
  assertLimit(rule.dailyLimitCents, 'dailyLimitCents');
  assertLimit(rule.perVisitLimitCents, 'perVisitLimitCents');
  for (const expense of input.expenses) assertExpense(expense.date, expense.amountCents);
  if (!Number.isFinite(input.laborHours) || input.laborHours < 0)
    throw new RangeError('laborHours must be ≥ 0');

  if (!input.available) return { ok: false, code: 'rental_not_in_plan' };
  if (!input.repairAuthorized) return { ok: false, code: 'repair_not_authorized' };
  // Labor-guide hours are compared in hundredths so that hours summed from several lines
  // (0.7 + 0.6 + 0.7 = 1.9999999999999998 in floating point) still meet a 2.0-hour minimum.
  const enoughLabor = Math.round(input.laborHours * 100) >= Math.round(rule.minLaborHours * 100);
  if (!enoughLabor && !(input.keptOvernight && rule.overnightQualifies)) {
    return { ok: false, code: 'rental_not_triggered' };
  }

  // Expenses are paid in date order (input order within a day), so the per-visit limit is used
  // up by the earliest days; several expenses on one date share that day's limit.
  const paidByDate = new Map<CalendarDate, number>();
  let paidForVisitCents = 0;
  const lines: RentalLine[] = [];
  for (const expense of chronological(input.expenses)) {
    const beforeVisit =
      input.visitStartsOn !== undefined && compareDates(expense.date, input.visitStartsOn) < 0;
    const dayRemainingCents = rule.dailyLimitCents - (paidByDate.get(expense.date) ?? 0);
    const visitRemainingCents = rule.perVisitLimitCents - paidForVisitCents;
    const payableCents = beforeVisit
      ? 0
      : Math.min(expense.amountCents, dayRemainingCents, visitRemainingCents);
    const limitsApplied: RentalLimit[] = [];
    const notes: string[] = [];
    if (beforeVisit) {
      limitsApplied.push('outside_repair_visit');
      notes.push(`the repair visit began on ${input.visitStartsOn}`);
    } else if (payableCents < expense.amountCents) {
      if (dayRemainingCents === payableCents) limitsApplied.push('daily_limit');
      if (visitRemainingCents === payableCents) limitsApplied.push('per_visit_limit');
    }
    paidByDate.set(expense.date, (paidByDate.get(expense.date) ?? 0) + payableCents);
    paidForVisitCents += payableCents;
    const caps = limitsApplied.flatMap((limit) =>
      limit === 'daily_limit'
        ? [`the ${formatUsd(rule.dailyLimitCents)} daily rental limit`]
        : limit === 'per_visit_limit'
          ? [`the ${formatUsd(rule.perVisitLimitCents)} per-visit rental limit`]
          : [],
    );
    lines.push({
      label: describeExpense(
        `${expense.date} ${RENTAL_KIND_LABEL[expense.kind]}`,
        expense.amountCents,
        payableCents,
        {
          notes,
          caps,
        },
      ),
      code: 'rental_expense',
      params: {
        date: expense.date,
        kind: expense.kind,
        requestedCents: expense.amountCents,
        payableCents,
        dailyLimitCents: rule.dailyLimitCents,
        perVisitLimitCents: rule.perVisitLimitCents,
        ...(input.visitStartsOn === undefined ? {} : { visitStartsOn: input.visitStartsOn }),
      },
      amountCents: payableCents,
      date: expense.date,
      kind: expense.kind,
      requestedCents: expense.amountCents,
      payableCents,
      limitsApplied,
    });
  }
  return { ok: true, payableCents: paidForVisitCents, lines };
}

// ---------------------------------------------------------------------------------------------
// Trip interruption

export interface TripInterruptionRule {
  dailyLimitCents: number;
  maxDays: number;
  /** The breakdown must be MORE than this many miles from home. */
  minMilesFromHome: number;
}

export interface TripExpense {
  date: CalendarDate;
  category: 'lodging' | 'meals';
  amountCents: number;
  /** Alcohol on the receipt, never payable. */
  alcoholCents?: number;
}

export interface TripInterruptionInput {
  /** Decided by the contract's state of purchase (not available when bought in Kansas). */
  available: boolean;
  /** The catalog rule that withdrew the benefit, echoed back with the refusal. */
  unavailableReason?: { ruleId: string; sentence: string };
  breakdownOn: CalendarDate;
  milesFromHome: number;
  keptOvernight: boolean;
  componentCovered: boolean;
  expenses: TripExpense[];
  rule: TripInterruptionRule;
}

export type TripLimit = 'alcohol_excluded' | 'outside_covered_days' | 'daily_limit';

export interface TripLine extends CalculationLine {
  date: CalendarDate;
  category: TripExpense['category'];
  requestedCents: number;
  alcoholCents: number;
  payableCents: number;
  limitsApplied: TripLimit[];
}

export type TripRefusalCode =
  | 'trip_interruption_not_available'
  | 'too_close_to_home'
  | 'component_not_covered'
  | 'not_kept_overnight';

export type TripInterruptionResult =
  | { ok: true; payableCents: number; lines: TripLine[] }
  | { ok: false; code: TripRefusalCode; reason?: { ruleId: string; sentence: string } };

export function computeTripInterruption(input: TripInterruptionInput): TripInterruptionResult {
  const { rule } = input;
  assertLimit(rule.dailyLimitCents, 'dailyLimitCents');
  if (!Number.isSafeInteger(rule.maxDays) || rule.maxDays < 1) throw new RangeError('maxDays must be ≥ 1');
  if (!isCalendarDate(input.breakdownOn)) throw new RangeError(`not a calendar date: ${input.breakdownOn}`);
  for (const expense of input.expenses) {
    assertExpense(expense.date, expense.amountCents);
    if (assertCents(expense.alcoholCents ?? 0, 'alcoholCents') < 0) throw new RangeError('alcoholCents < 0');
  }

  if (!input.available) {
    return input.unavailableReason
      ? { ok: false, code: 'trip_interruption_not_available', reason: input.unavailableReason }
      : { ok: false, code: 'trip_interruption_not_available' };
  }
  if (!(input.milesFromHome > rule.minMilesFromHome)) return { ok: false, code: 'too_close_to_home' };
  if (!input.componentCovered) return { ok: false, code: 'component_not_covered' };
  if (!input.keptOvernight) return { ok: false, code: 'not_kept_overnight' };

  // Covered days run from the breakdown date through maxDays − 1 days later, inclusive.
  const lastCoveredDay = addDays(input.breakdownOn, rule.maxDays - 1);
  const paidByDate = new Map<CalendarDate, number>();
  let payableTotalCents = 0;
  const lines: TripLine[] = [];
  for (const expense of chronological(input.expenses)) {
    // A receipt cannot hold more alcohol than its total; the excess is ignored rather than paid back.
    const alcoholCents = Math.min(expense.alcoholCents ?? 0, expense.amountCents);
    const eligibleCents = expense.amountCents - alcoholCents;
    const limitsApplied: TripLimit[] = [];
    const notes: string[] = [];
    const caps: string[] = [];
    if (alcoholCents > 0) {
      limitsApplied.push('alcohol_excluded');
      notes.push(`${formatUsd(alcoholCents)} of alcohol is not covered`);
    }
    let payableCents: number;
    const inWindow =
      compareDates(expense.date, input.breakdownOn) >= 0 && compareDates(expense.date, lastCoveredDay) <= 0;
    if (!inWindow) {
      payableCents = 0;
      limitsApplied.push('outside_covered_days');
      notes.push(
        `only ${input.breakdownOn} through ${lastCoveredDay} (${rule.maxDays} days from the breakdown) are covered`,
      );
    } else {
      const dayRemainingCents = rule.dailyLimitCents - (paidByDate.get(expense.date) ?? 0);
      payableCents = Math.min(eligibleCents, dayRemainingCents);
      if (payableCents < eligibleCents) {
        limitsApplied.push('daily_limit');
        caps.push(`the ${formatUsd(rule.dailyLimitCents)} daily trip interruption limit`);
      }
      paidByDate.set(expense.date, (paidByDate.get(expense.date) ?? 0) + payableCents);
    }
    payableTotalCents += payableCents;
    lines.push({
      label: describeExpense(`${expense.date} ${expense.category}`, expense.amountCents, payableCents, {
        notes,
        caps,
      }),
      code: 'trip_expense',
      params: {
        date: expense.date,
        category: expense.category,
        requestedCents: expense.amountCents,
        payableCents,
        alcoholCents,
        breakdownOn: input.breakdownOn,
        lastCoveredDay,
        maxDays: rule.maxDays,
        dailyLimitCents: rule.dailyLimitCents,
      },
      amountCents: payableCents,
      date: expense.date,
      category: expense.category,
      requestedCents: expense.amountCents,
      alcoholCents,
      payableCents,
      limitsApplied,
    });
  }
  return { ok: true, payableCents: payableTotalCents, lines };
}

// ---------------------------------------------------------------------------------------------
// Towing / roadside

export interface TowingInput {
  requestedCents: number;
  rule: { perEventLimitCents: number };
}

export interface TowingResult {
  payableCents: number;
  lines: CalculationLine[];
}

export function computeTowingReimbursement(input: TowingInput): TowingResult {
  assertLimit(input.rule.perEventLimitCents, 'perEventLimitCents');
  if (assertCents(input.requestedCents, 'requestedCents') < 0) throw new RangeError('requestedCents < 0');
  const payableCents = Math.min(input.requestedCents, input.rule.perEventLimitCents);
  const caps =
    payableCents < input.requestedCents
      ? [`the ${formatUsd(input.rule.perEventLimitCents)} per-disablement towing limit`]
      : [];
  return {
    payableCents,
    lines: [
      {
        label: describeExpense('Towing', input.requestedCents, payableCents, { caps }),
        code: 'towing',
        params: {
          requestedCents: input.requestedCents,
          payableCents,
          perEventLimitCents: input.rule.perEventLimitCents,
          capped: payableCents < input.requestedCents ? 1 : 0,
        },
        amountCents: payableCents,
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * "2026-03-02 rental car: $50.00 requested, $35.00 payable (capped at the $35.00 daily rental limit)";
 * `notes` explain exclusions, `caps` name the limits that cut the amount.
 */
function describeExpense(
  what: string,
  requestedCents: number,
  payableCents: number,
  { notes = [], caps = [] }: { notes?: string[]; caps?: string[] },
): string {
  const base = `${what}: ${formatUsd(requestedCents)} requested, ${formatUsd(payableCents)} payable`;
  const parts = [...notes, ...(caps.length > 0 ? [`capped at ${caps.join(' and ')}`] : [])];
  return parts.length === 0 ? base : `${base} (${parts.join('; ')})`;
}

/** Stable sort by date, so expenses on one day keep the order they were submitted in. */
function chronological<T extends { date: CalendarDate }>(expenses: readonly T[]): T[] {
  return expenses
    .map((expense, index) => ({ expense, index }))
    .sort((a, b) => compareDates(a.expense.date, b.expense.date) || a.index - b.index)
    .map(({ expense }) => expense);
}

function assertLimit(value: number, label: string): void {
  if (assertCents(value, label) < 0) throw new RangeError(`${label} must not be negative`);
}

function assertExpense(date: CalendarDate, amountCents: number): void {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  if (assertCents(amountCents, 'amountCents') < 0)
    throw new RangeError('an expense amount must not be negative');
}
