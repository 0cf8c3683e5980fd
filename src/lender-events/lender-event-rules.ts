// The rules of a lender event (DOMAIN.md "Money of the administrator", "Lender events"), as pure
// functions over plain data: whether a reported row is an event at all, and what it does to each
// add-on on the vehicle. When the loan is paid off, the vehicle repossessed or totaled, every add-on
// in force on that vehicle as of the event date is cancelled as of that date; what is already
// cancelled is skipped; a GAP addendum on a total loss is claimed, not cancelled. The refund itself
// (amount, payee, deadline) is the cancellation use case's, so it is never computed here.
import { validateVin } from '../contracts/vin.js';
import type { LenderEventType } from '../platform/db/schema.js';
import { type CalendarDate, compareDates, isCalendarDateInWindow } from '../shared/calendar-date.js';

export const LENDER_EVENT_TYPES = [
  'payoff',
  'repossession',
  'total_loss',
] as const satisfies readonly LenderEventType[];

/** The columns of a lender-event CSV, in any order; the first three are required. */
export const LENDER_EVENT_COLUMNS = ['vin', 'event', 'eventDate', 'odometer', 'reference'] as const;
export const REQUIRED_LENDER_EVENT_COLUMNS = ['vin', 'event', 'eventDate'] as const;

/** A row as the lender sent it: text, not yet checked. */
export interface RawLenderEvent {
  vin: string;
  event: string;
  eventDate: string;
  odometer: string;
  reference: string;
}

export interface LenderEvent {
  vin: string;
  event: LenderEventType;
  eventDate: CalendarDate;
  /** Null when the lender did not report it: then the miles share does not apply (see planLenderEvent). */
  odometer: number | null;
  reference: string | null;
}

export type LenderEventRowCode =
  | 'invalid_vin'
  | 'unknown_lender_event'
  | 'invalid_date'
  | 'event_date_in_future'
  | 'validation_failed';

export type CheckedLenderEvent =
  | { ok: true; event: LenderEvent }
  | { ok: false; code: LenderEventRowCode; detail: string; param: string };

const MAX_ODOMETER = 2_000_000;

/** A row refused before the rules read it (an entry or field of the wrong shape). */
export interface RawRowRejection {
  code: 'validation_failed';
  detail: string;
  param: string | null;
}

/**
 * One JSON event as the text a CSV row would hold (then checked by the same rules, checkLenderEvent), or
 * its rejection when it is not an object, names a field that is not one, or a field has the wrong JSON
 * type. The odometer is a JSON number, as the API documents (its digits are then checked as a CSV cell's
 * are); the other fields are text. A VIN sent as a number has already lost digits to floating point, and
 * an odometer sent as text ("5") is not the integer the API documents: each rejects its event, not the
 * batch. A CSV cell is text, so a CSV odometer is read from its digits.
 */
export function readJsonEvent(event: unknown): { raw: RawLenderEvent; rejection: RawRowRejection | null } {
  const raw: RawLenderEvent = { vin: '', event: '', eventDate: '', odometer: '', reference: '' };
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    return {
      raw,
      rejection: {
        code: 'validation_failed',
        detail: `An event is an object {${LENDER_EVENT_COLUMNS.join(', ')}}, not ${event === null ? 'null' : Array.isArray(event) ? 'a list' : `a ${typeof event}`}.`,
        param: null,
      },
    };
  let rejection: RawRowRejection | null = null;
  for (const [field, value] of Object.entries(event)) {
    if (!(LENDER_EVENT_COLUMNS as readonly string[]).includes(field)) {
      rejection ??= {
        code: 'validation_failed',
        detail: `"${field.slice(0, 64)}" is not a field of an event; send ${LENDER_EVENT_COLUMNS.join(', ')}.`,
        param: field.slice(0, 64),
      };
      continue;
    }
    const isOdometer = field === 'odometer';
    if (isOdometer ? typeof value === 'number' && Number.isFinite(value) : typeof value === 'string') {
      raw[field as keyof RawLenderEvent] = String(value);
    } else if (value !== null && value !== undefined) {
      // Kept as text for the run's report, when it can be.
      raw[field as keyof RawLenderEvent] =
        typeof value === 'number' || typeof value === 'string' ? String(value) : '';
      rejection ??= {
        code: 'validation_failed',
        detail: isOdometer
          ? 'odometer must be a whole number of miles, as a JSON number (not text).'
          : `${field} must be text, in quotes.`,
        param: field,
      };
    }
  }
  return { raw, rejection };
}

/** Checks one reported row against today (business date): a future event cannot be applied yet. */
export function checkLenderEvent(raw: RawLenderEvent, today: CalendarDate): CheckedLenderEvent {
  const vin = validateVin(raw.vin);
  if (!vin.ok) return { ok: false, code: 'invalid_vin', detail: vin.detail, param: 'vin' };
  const event = raw.event.trim().toLowerCase();
  if (!(LENDER_EVENT_TYPES as readonly string[]).includes(event)) {
    return {
      ok: false,
      code: 'unknown_lender_event',
      detail: `"${raw.event}" is not a lender event; use one of ${LENDER_EVENT_TYPES.join(', ')}.`,
      param: 'event',
    };
  }
  const eventDate = raw.eventDate.trim();
  if (eventDate === '') {
    return {
      ok: false,
      code: 'invalid_date',
      detail: 'The event date is missing: send eventDate (event_date in a CSV) as YYYY-MM-DD.',
      param: 'eventDate',
    };
  }
  if (!isCalendarDateInWindow(eventDate)) {
    return {
      ok: false,
      code: 'invalid_date',
      detail: `"${raw.eventDate}" is not a calendar date (YYYY-MM-DD).`,
      param: 'eventDate',
    };
  }
  if (compareDates(eventDate, today) > 0) {
    return {
      ok: false,
      code: 'event_date_in_future',
      detail: `The event date ${eventDate} is after today (${today}); send it once it has happened.`,
      param: 'eventDate',
    };
  }
  const odometerText = raw.odometer.trim();
  let odometer: number | null = null;
  if (odometerText !== '') {
    if (!/^\d{1,7}$/.test(odometerText) || Number(odometerText) > MAX_ODOMETER) {
      return {
        ok: false,
        code: 'validation_failed',
        detail: `The odometer "${raw.odometer}" is not a whole number of miles from 0 to ${MAX_ODOMETER.toLocaleString('en-US')}.`,
        param: 'odometer',
      };
    }
    odometer = Number(odometerText);
  }
  const reference = raw.reference.trim();
  if (reference.length > 200) {
    return {
      ok: false,
      code: 'validation_failed',
      detail: 'The loan reference is longer than 200 characters.',
      param: 'reference',
    };
  }
  return {
    ok: true,
    event: {
      vin: vin.vin,
      event: event as LenderEventType,
      eventDate,
      odometer,
      reference: reference === '' ? null : reference,
    },
  };
}

/** What the rules need to know of a contract on the vehicle. */
export interface AddOnFacts {
  id: string;
  product: 'vsc' | 'gap';
  status: 'active' | 'cancelled' | 'expired' | 'void' | 'claimed';
  purchaseDate: CalendarDate;
  expiresOn: CalendarDate;
  /** The reading the term ends at; null for a GAP addendum (no mileage limit). */
  expiresAtMiles: number | null;
  odometerAtSale: number;
  /**
   * A total loss of the vehicle is on record for this add-on (an earlier total-loss event left it for
   * its claim, or a GAP claim is open or was paid on it): a later payoff or repossession, which is how
   * an insurer's settlement usually shows up, does not cancel and refund it.
   */
  totalLossReported: boolean;
}

export type AddOnDecision =
  | { contractId: string; action: 'cancel'; cancelOn: CalendarDate; odometer: number }
  | {
      contractId: string;
      action: 'skip';
      outcome: 'already_cancelled' | 'not_in_force' | 'claimed_not_cancelled';
    };

export type LenderEventPlan =
  | { kind: 'apply'; decisions: AddOnDecision[] }
  | { kind: 'reject'; code: 'vehicle_not_found'; detail: string };

/**
 * What an event does to each add-on on the vehicle (those the sender may see). An add-on is in force as
 * of the event date when it is active, bought on or before that date and not expired by it. With no
 * odometer reported, the reading at sale is used: the miles share is then whole and the days share
 * decides, which is the refund the holder is owed when the miles are unknown.
 */
export function planLenderEvent(event: LenderEvent, addOns: readonly AddOnFacts[]): LenderEventPlan {
  if (addOns.length === 0) {
    return {
      kind: 'reject',
      code: 'vehicle_not_found',
      detail: `No contract on VIN ${event.vin} names this lender's loan.`,
    };
  }
  const decisions = [...addOns]
    .sort((a, b) => compareDates(a.purchaseDate, b.purchaseDate) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((addOn): AddOnDecision => {
      if (addOn.status === 'cancelled') {
        return { contractId: addOn.id, action: 'skip', outcome: 'already_cancelled' };
      }
      const inForce =
        addOn.status === 'active' &&
        compareDates(addOn.purchaseDate, event.eventDate) <= 0 &&
        compareDates(event.eventDate, addOn.expiresOn) <= 0 &&
        // Past its miles it had ended before the event, as coverage judges it (contract-term.ts).
        !(event.odometer !== null && addOn.expiresAtMiles !== null && event.odometer > addOn.expiresAtMiles);
      if (!inForce) return { contractId: addOn.id, action: 'skip', outcome: 'not_in_force' };
      if (addOn.product === 'gap' && (event.event === 'total_loss' || addOn.totalLossReported)) {
        return { contractId: addOn.id, action: 'skip', outcome: 'claimed_not_cancelled' };
      }
      return {
        contractId: addOn.id,
        action: 'cancel',
        cancelOn: event.eventDate,
        odometer: event.odometer ?? addOn.odometerAtSale,
      };
    });
  return { kind: 'apply', decisions };
}

export type RowStatus = 'cancelled' | 'skipped';

/** The row's outcome: cancelled when anything was; otherwise skipped with the first reason (all cancelled → already_cancelled). */
export function rowOutcome(decisions: readonly AddOnDecision[]): { status: RowStatus; code: string | null } {
  if (decisions.some((d) => d.action === 'cancel')) return { status: 'cancelled', code: null };
  const skipped = decisions.filter((d) => d.action === 'skip');
  if (skipped.length > 0 && skipped.every((d) => d.outcome === 'already_cancelled')) {
    return { status: 'skipped', code: 'already_cancelled' };
  }
  const first = skipped.find((d) => d.outcome !== 'already_cancelled');
  return { status: 'skipped', code: first ? first.outcome : 'already_cancelled' };
}

/** The cancellation reason the use case records for an event (its payee rule follows from it). */
export function cancellationReasonOf(event: LenderEventType): 'payoff' | 'repossession' | 'total_loss' {
  return event;
}
