// Calendar dates ("a day on the calendar", not an instant) are `YYYY-MM-DD` strings throughout
// Coverwise. This module is the one place that does arithmetic on them; it never parses a date-only
// string as an instant, so no time zone can shift a day.

export type CalendarDate = string;

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

interface Parts {
  year: number;
  month: number; // 1-12
  day: number;
}

// Milliseconds of UTC midnight of a proleptic Gregorian date. Date.UTC alone would read years 0–99 as
// 1900–1999, so the year is set with setUTCFullYear, which takes it literally.
function utcMidnight(year: number, monthIndex: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one; UTC keeps it free of local time zones.
  return new Date(utcMidnight(year, month, 0)).getUTCDate();
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
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function toDayNumber(date: CalendarDate): number {
  const { year, month, day } = toParts(date);
  return utcMidnight(year, month - 1, day) / MS_PER_DAY;
}

function fromDayNumber(dayNumber: number): CalendarDate {
  const d = new Date(dayNumber * MS_PER_DAY);
  return fromParts({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
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
  return new Date(toDayNumber(date) * MS_PER_DAY).getUTCDay();
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

/** The calendar date of an instant in an IANA time zone (e.g. America/New_York). */
export function calendarDateInZone(instant: Date, timeZone: string): CalendarDate {
  const parts = formatterFor(
    dateFormatters,
    timeZone,
    () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
  ).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
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
