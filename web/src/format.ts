// How the web app writes money, calendar dates, instants and distances for people. Money arrives as
// integer cents and calendar dates as 'YYYY-MM-DD'; both are formatted from their parts so no
// floating-point or time-zone arithmetic can shift a cent or a day. Holder pages may be in Spanish:
// numbers and dates then follow 'es-US' (Intl), words come from the locale files.

import { intlLocale, t } from './i18n.js';

const monthNames = [
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
] as const;

const groupedIntegers = new Map<string, Intl.NumberFormat>();
const groupedInteger = {
  format(value: number): string {
    const locale = intlLocale();
    let format = groupedIntegers.get(locale);
    if (!format) {
      format = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
      groupedIntegers.set(locale, format);
    }
    return format.format(value);
  },
};

/** 123450 → '$1,234.50'; -500 → '−$5.00'. Whole dollars keep their cents ('$100.00') unless `wholeDollars`. */
export function formatCents(amountCents: number, options: { wholeDollars?: boolean } = {}): string {
  if (!Number.isSafeInteger(amountCents)) throw new Error(`Money must be integer cents, got ${amountCents}`);
  const sign = amountCents < 0 ? '−' : '';
  const absoluteCents = Math.abs(amountCents);
  const dollars = groupedInteger.format(Math.trunc(absoluteCents / 100));
  const cents = absoluteCents % 100;
  if (options.wholeDollars && cents === 0) return `${sign}$${dollars}`;
  return `${sign}$${dollars}.${String(cents).padStart(2, '0')}`;
}

/** Benefit limits read better without '.00': 7500 → '$75', 17550 → '$175.50'. */
export function formatLimitCents(amountCents: number): string {
  return formatCents(amountCents, { wholeDollars: true });
}

/**
 * '2026-11-25' → 'November 25, 2026'. The string is split, never given to Date: new Date('2026-11-25')
 * is UTC midnight, which is the evening before anywhere west of Greenwich. Anything that is not a
 * calendar date is shown as it came rather than hidden.
 */
export function formatCalendarDate(calendarDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(calendarDate);
  if (!match) return calendarDate;
  const [, year, month, day] = match;
  const monthName = monthNames[Number(month) - 1];
  if (!monthName) return calendarDate;
  if (intlLocale() !== 'en-US') {
    // Noon UTC of that day, written in UTC: no time zone can move it to another day.
    const noon = Date.UTC(Number(year), Number(month) - 1, Number(day), 12);
    return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'long', timeZone: 'UTC' }).format(noon);
  }
  return `${monthName} ${Number(day)}, ${year}`;
}

// One way of writing a day everywhere: an instant's day is written as a calendar date is
// ('November 25, 2026'), followed by its time.
const instantFormat = {
  format: (instant: Date) =>
    new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'long', timeStyle: 'short' }).format(instant),
};

/** An instant (ISO 8601 with offset) in the reader's own time zone: 'November 25, 2026 at 10:04 AM'. */
export function formatInstant(isoInstant: string): string {
  const instant = new Date(isoInstant);
  return Number.isNaN(instant.getTime()) ? isoInstant : instantFormat.format(instant);
}

/** 36000 → '36,000'. */
export function formatCount(count: number): string {
  return groupedInteger.format(count);
}

/** 36000 → '36,000 miles'; 1 → '1 mile'. */
export function formatMiles(miles: number): string {
  return t('format.miles', { count: miles, formatted: formatCount(miles) });
}

/** 36 → '36 months'; 1 → '1 month'. */
export function formatMonths(months: number): string {
  return t('format.months', { count: months, formatted: formatCount(months) });
}

/**
 * The last six characters of a VIN with an ellipsis: enough for a holder to recognise the vehicle,
 * too little to be useful to anyone reading over their shoulder.
 */
export function maskVin(vin: string): string {
  return `…${vin.slice(-6)}`;
}
