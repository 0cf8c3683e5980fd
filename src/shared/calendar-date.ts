// Calendar dates ("a day on the calendar", not an instant) are `YYYY-MM-DD` strings throughout
// Coverwise. This module is the one place that does arithmetic on them; it never parses a date-only
// string as an instant, so no time zone can shift a day.

export type CalendarDate = string;

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Parts {
  year: number;
  month: number; // 1-12
  day: number;
}

/** The months' English names, January first (for sentences holders read). */
export const MONTH_NAMES: readonly string[] = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

function toParts(date: CalendarDate): Parts {
  const match = PATTERN.exec(date);
  if (!match) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  const parts = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  if (
    parts.month < 1 ||
    parts.month > 12 ||
    parts.day < 1 ||
    parts.day > daysInMonth(parts.year, parts.month)
  ) {
    throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  }
  return parts;
}

function fromParts({ year, month, day }: Parts): CalendarDate {
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

// Day numbers (days since 1970-01-01) of the proleptic Gregorian calendar, by integer arithmetic on
// 400-year eras (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"): exact for any year, and
// no Date object is made (this runs several times for each contract of an import).
function toDayNumber(date: CalendarDate): number {
  const { year, month, day } = toParts(date);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function fromDayNumber(dayNumber: number): CalendarDate {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153); // 0 = March
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return fromParts({ year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day });
}

/** True when the string is a real `YYYY-MM-DD` calendar date (2026-02-30 is not). */
export function isCalendarDate(value: string): boolean {
  if (!PATTERN.test(value)) return false;
  try {
    toParts(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The years a date from outside (a request, an imported file) may fall in. Year 0 is no PostgreSQL date,
 * and a contract term added to a date near 9999 would leave the four-digit years.
 */
export const FIRST_INPUT_YEAR = 1900;
export const LAST_INPUT_YEAR = 2199;

/** True for a real calendar date in the years FIRST_INPUT_YEAR–LAST_INPUT_YEAR. */
export function isCalendarDateInWindow(value: string): boolean {
  if (!isCalendarDate(value)) return false;
  const year = Number(value.slice(0, 4));
  return year >= FIRST_INPUT_YEAR && year <= LAST_INPUT_YEAR;
}

/** Adds whole days (negative to go back). */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/**
 * Adds calendar months; a day past the target month's end clamps to its last day
 * (2026-01-31 + 1 month = 2026-02-28; 2024-01-31 + 1 month = 2024-02-29).
 */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const { year, month, day } = toParts(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = (monthIndex % 12) + 1;
  return fromParts({
    year: targetYear,
    month: targetMonth,
    day: Math.min(day, daysInMonth(targetYear, targetMonth)),
  });
}

/** Days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: CalendarDate): number {
  // 1970-01-01 was a Thursday (4).
  return (((toDayNumber(date) + 4) % 7) + 7) % 7;
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whole months from `from` to `to`, counting a month only once its day is reached (clamped). */
export function wholeMonthsBetween(from: CalendarDate, to: CalendarDate): number {
  // `0 - months` rather than `-months`, so a backwards span shorter than a month is 0 and not -0.
  if (compareDates(to, from) < 0) return 0 - wholeMonthsBetween(to, from);
  const a = toParts(from);
  const b = toParts(to);
  let months = (b.year - a.year) * 12 + (b.month - a.month);
  if (compareDates(addMonths(from, months), to) > 0) months -= 1;
  return months;
}

// Building an Intl.DateTimeFormat is costly (tens of microseconds); formatters are kept per zone.
const dateFormatters = new Map<string, Intl.DateTimeFormat>();
const timeFormatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(
  cache: Map<string, Intl.DateTimeFormat>,
  timeZone: string,
  make: () => Intl.DateTimeFormat,
): Intl.DateTimeFormat {
  let formatter = cache.get(timeZone);
  if (!formatter) {
    formatter = make();
    if (cache.size > 100) cache.clear();
    cache.set(timeZone, formatter);
  }
  return formatter;
}

// The last answer per zone, by whole second: "today" is asked on every request, and formatting a date
// in a zone costs 5–40 µs. Every offset in the time-zone database is a whole number of seconds, so
// an instant in the same second is on the same calendar day.
const lastDateInZone = new Map<string, { second: number; date: CalendarDate }>();

/** The calendar date of an instant in an IANA time zone (e.g. America/New_York). */
export function calendarDateInZone(instant: Date, timeZone: string): CalendarDate {
  const second = Math.floor(instant.getTime() / 1000);
  const last = lastDateInZone.get(timeZone);
  if (last !== undefined && last.second === second) return last.date;
  const parts = formatterFor(
    dateFormatters,
    timeZone,
    () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
  ).formatToParts(instant);
  let year = '';
  let month = '';
  let day = '';
  for (const part of parts) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  const date = `${year}-${month}-${day}`;
  if (lastDateInZone.size > 100) lastDateInZone.clear();
  lastDateInZone.set(timeZone, { second, date });
  return date;
}

/** Minutes after local midnight of an instant in an IANA time zone. */
export function minutesOfDayInZone(instant: Date, timeZone: string): number {
  const parts = formatterFor(
    timeFormatters,
    timeZone,
    () =>
      new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  ).formatToParts(instant);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}
