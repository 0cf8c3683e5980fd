// Business days per docs/domain.md "Business days": Monday–Friday minus the 11 U.S. federal holidays as OPM
// observes them (5 U.S.C. 6103 and Executive Order 11582: Saturday → Friday before, Sunday → Monday after).
import Holidays from 'date-holidays';
import type { CalendarDate } from '../shared/calendar-date.js';
import {
  addDays,
  calendarDateInZone,
  compareDates,
  dayOfWeek,
  daysBetween,
  isCalendarDate,
  minutesOfDayInZone,
} from '../shared/calendar-date.js';

export interface Holiday {
  date: CalendarDate;
  name: string;
}

export interface BusinessCalendarOptions {
  /** IANA zone in which receipts are dated, e.g. America/New_York. */
  timeZone: string;
  /** Minutes after local midnight from which a receipt counts from the next business day (17:00 = 1020). */
  cutoffMinutes: number;
}

export interface BusinessCalendar {
  isBusinessDay(date: CalendarDate): boolean;
  /** The observed federal holidays that fall in `year`, in date order. */
  holidaysIn(year: number): Holiday[];
  /** The n-th business day after `date` (n < 0: before it; n = 0: `date` itself, business day or not). */
  addBusinessDays(date: CalendarDate, n: number): CalendarDate;
  /** The business day by whose end a document received at `receivedAt` must be reviewed. */
  reviewDueOn(receivedAt: Date, businessDays: number): CalendarDate;
  /** Business days after `from` up to and including `to`; the negative count of those after `to` through `from` when `to` is earlier; 0 when equal. */
  businessDaysBetween(from: CalendarDate, to: CalendarDate): number;
}

// The 11 holidays of 5 U.S.C. 6103(a) as OPM publishes them, keyed by the rule string date-holidays
// uses for each in its US calendar (its documented reference key). Everything else in that calendar
// (observances such as Valentine's Day, optional Christmas Eve, the Veterans Day "bank" substitute)
// is ignored. The names are OPM's.
const OPM_HOLIDAY_NAMES_BY_RULE: ReadonlyMap<string, string> = new Map([
  ['01-01 and if sunday then next monday if saturday then previous friday', "New Year's Day"],
  ['3rd monday in January', 'Birthday of Martin Luther King, Jr.'],
  ['3rd monday in February', "Washington's Birthday"],
  ['monday before 06-01', 'Memorial Day'],
  [
    '06-19 and if sunday then next monday if saturday then previous friday since 2021',
    'Juneteenth National Independence Day',
  ],
  ['07-04 and if sunday then next monday if saturday then previous friday', 'Independence Day'],
  ['1st monday in September', 'Labor Day'],
  ['2nd monday in October', 'Columbus Day'],
  ['11-11', 'Veterans Day'],
  ['4th thursday in November', 'Thanksgiving Day'],
  ['12-25 and if sunday then next monday if saturday then previous friday', 'Christmas Day'],
]);

const SUNDAY = 0;
const SATURDAY = 6;
const MINUTES_PER_DAY = 1440;
// Guards against runaway loops from bad input; no SLA in the domain comes near these.
const MAX_BUSINESS_DAYS = 10_000;
const MAX_SPAN_DAYS = 36_600;
// date-holidays computes years within this range reliably; outside it a caller has made a mistake.
const FIRST_YEAR = 1900;
const LAST_YEAR = 9998;

function observedDate(actual: CalendarDate): CalendarDate {
  // OPM: a holiday on Saturday is observed the Friday before, one on Sunday the Monday after. This is
  // derived here from the actual date rather than taken from the library's substitute days, because
  // the library marks Veterans Day's substitute as a bank holiday and lists New Year's substitute only
  // under the previous year.
  const weekday = dayOfWeek(actual);
  if (weekday === SATURDAY) return addDays(actual, -1);
  if (weekday === SUNDAY) return addDays(actual, 1);
  return actual;
}

export function createBusinessCalendar(options: BusinessCalendarOptions): BusinessCalendar {
  const { timeZone, cutoffMinutes } = options;
  // Throws RangeError for an unknown zone, so a bad setting fails when the calendar is built.
  new Intl.DateTimeFormat('en-US', { timeZone });
  if (!Number.isInteger(cutoffMinutes) || cutoffMinutes < 0 || cutoffMinutes > MINUTES_PER_DAY) {
    throw new RangeError('cutoffMinutes must be a whole number of minutes from 0 to 1440');
  }

  const library = new Holidays('US');
  for (const rule of OPM_HOLIDAY_NAMES_BY_RULE.keys()) {
    // A library upgrade that renames a rule must fail loudly rather than drop a holiday silently. The
    // typings say getRule always returns a rule; at run time it returns undefined for an unknown one.
    const found: unknown = library.getRule(rule);
    if (!found) throw new Error(`date-holidays no longer has the US rule "${rule}"`);
  }

  const actualByYear = new Map<number, Holiday[]>();
  const observedByYear = new Map<number, Holiday[]>();
  const observedDatesByYear = new Map<number, Set<CalendarDate>>();

  function actualHolidaysIn(year: number): Holiday[] {
    const cached = actualByYear.get(year);
    if (cached) return cached;
    const holidays: Holiday[] = [];
    for (const entry of library.getHolidays(year)) {
      const name = OPM_HOLIDAY_NAMES_BY_RULE.get(entry.rule);
      if (name === undefined || entry.substitute) continue;
      // The library's `date` is the local calendar date ("2026-07-04 00:00:00"); its instants are not used.
      holidays.push({ date: entry.date.slice(0, 10), name });
    }
    actualByYear.set(year, holidays);
    return holidays;
  }

  function holidaysIn(year: number): Holiday[] {
    if (!Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR) {
      throw new RangeError(`year out of range ${FIRST_YEAR}–${LAST_YEAR}: ${year}`);
    }
    const cached = observedByYear.get(year);
    if (cached) return cached.map((holiday) => ({ ...holiday }));
    // Next year's New Year's Day on a Saturday is observed on this year's Dec 31, and this year's on
    // a Saturday belongs to last year; so observe both years and keep the dates that land in this one.
    const yearPrefix = `${String(year).padStart(4, '0')}-`;
    const observed = [...actualHolidaysIn(year), ...actualHolidaysIn(year + 1)]
      .map((holiday) => ({ date: observedDate(holiday.date), name: holiday.name }))
      .filter((holiday) => holiday.date.startsWith(yearPrefix))
      .sort((a, b) => compareDates(a.date, b.date));
    observedByYear.set(year, observed);
    observedDatesByYear.set(year, new Set(observed.map((holiday) => holiday.date)));
    return observed.map((holiday) => ({ ...holiday }));
  }

  function isBusinessDay(date: CalendarDate): boolean {
    if (!isCalendarDate(date)) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
    const weekday = dayOfWeek(date);
    if (weekday === SATURDAY || weekday === SUNDAY) return false;
    const year = Number(date.slice(0, 4));
    if (!observedDatesByYear.has(year)) holidaysIn(year);
    return !observedDatesByYear.get(year)?.has(date);
  }

  function addBusinessDays(date: CalendarDate, n: number): CalendarDate {
    if (!Number.isInteger(n) || Math.abs(n) > MAX_BUSINESS_DAYS) {
      throw new RangeError(`business days must be a whole number within ±${MAX_BUSINESS_DAYS}`);
    }
    const step = n < 0 ? -1 : 1;
    let current = date;
    for (let remaining = Math.abs(n); remaining > 0; ) {
      current = addDays(current, step);
      if (isBusinessDay(current)) remaining -= 1;
    }
    return current;
  }

  function nextBusinessDay(date: CalendarDate): CalendarDate {
    return addBusinessDays(date, 1);
  }

  function reviewDueOn(receivedAt: Date, businessDays: number): CalendarDate {
    if (Number.isNaN(receivedAt.getTime())) throw new RangeError('receivedAt is not a valid instant');
    if (!Number.isInteger(businessDays) || businessDays < 0) {
      throw new RangeError('businessDays must be a whole number ≥ 0');
    }
    const receivedOn = calendarDateInZone(receivedAt, timeZone);
    const receivedAtMinutes = minutesOfDayInZone(receivedAt, timeZone);
    // A receipt at the cutoff minute itself is already after hours: "before the cutoff" is strict.
    const dayZero =
      isBusinessDay(receivedOn) && receivedAtMinutes < cutoffMinutes
        ? receivedOn
        : nextBusinessDay(receivedOn);
    return addBusinessDays(dayZero, businessDays);
  }

  function businessDaysBetween(from: CalendarDate, to: CalendarDate): number {
    const span = daysBetween(from, to);
    if (Math.abs(span) > MAX_SPAN_DAYS) throw new RangeError(`span longer than ${MAX_SPAN_DAYS} days`);
    // `0 - count` rather than `-count`, so an empty backwards span is 0 and not -0.
    if (span < 0) return 0 - businessDaysBetween(to, from);
    let count = 0;
    for (let offset = 1; offset <= span; offset += 1) {
      if (isBusinessDay(addDays(from, offset))) count += 1;
    }
    return count;
  }

  return { isBusinessDay, holidaysIn, addBusinessDays, reviewDueOn, businessDaysBetween };
}
