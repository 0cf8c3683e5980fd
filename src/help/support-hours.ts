// Customer service's opening hours (COVERWISE_SUPPORT_HOURS) are data: days and 24-hour times in the
// business time zone, written as a subset of OpenStreetMap's opening_hours syntax
// ("Mo-Fr 08:00-20:00; Sa 09:00-13:00"), and said in the reader's language by Intl, so a Spanish page
// reads "lunes – viernes 8:00 a.m. – 8:00 p.m." where an English one reads "Monday – Friday 8:00 AM – 8:00 PM".
import type { HolderLanguage } from '../shared/language.js';

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface DaySpan {
  readonly first: Weekday;
  readonly last: Weekday;
}

export interface TimeSpan {
  /** Minutes after midnight. */
  readonly opensMinutes: number;
  readonly closesMinutes: number;
}

export interface SupportHoursRule {
  readonly days: readonly DaySpan[];
  readonly times: readonly TimeSpan[];
}

export interface SupportHours {
  /** The IANA zone the times are in (the business time zone, COVERWISE_TIMEZONE). */
  readonly timeZone: string;
  readonly rules: readonly SupportHoursRule[];
}

export const SUPPORT_HOURS_EXAMPLE = 'Mo-Fr 08:00-20:00; Sa 09:00-13:00';

const DAY_CODES: Readonly<Record<string, Weekday>> = { Mo: 1, Tu: 2, We: 3, Th: 4, Fr: 5, Sa: 6, Su: 7 };

/** Bounds a pasted value: a week has seven days, and no day needs more than a few opening spans. */
const MAX_TEXT_LENGTH = 300;
const MAX_TIMES_PER_RULE = 4;

function parseDays(text: string): DaySpan[] | string {
  const spans: DaySpan[] = [];
  for (const item of text.split(',')) {
    const match = /^([A-Z][a-z])(?:-([A-Z][a-z]))?$/.exec(item);
    const first = match ? DAY_CODES[match[1]!] : undefined;
    const last = match ? (match[2] === undefined ? first : DAY_CODES[match[2]]) : undefined;
    if (first === undefined || last === undefined) {
      return `"${item}" is not a day or a range of days (Mo Tu We Th Fr Sa Su, e.g. Mo-Fr)`;
    }
    if (last < first) return `the range "${item}" runs backwards; write it from Monday's side (e.g. Mo-Fr)`;
    spans.push({ first, last });
  }
  return spans;
}

function minutesOf(text: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

function parseTimes(text: string): TimeSpan[] | string {
  const items = text.split(',');
  if (items.length > MAX_TIMES_PER_RULE) return `at most ${MAX_TIMES_PER_RULE} time ranges a day`;
  const spans: TimeSpan[] = [];
  for (const item of items) {
    const [opens, closes, ...rest] = item.split('-');
    const opensMinutes = minutesOf(opens ?? '');
    const closesMinutes = minutesOf(closes ?? '');
    if (rest.length > 0 || opensMinutes === null || closesMinutes === null) {
      return `"${item}" is not a time range such as 08:00-20:00 (24-hour, 00:00 to 23:59)`;
    }
    if (closesMinutes <= opensMinutes) return `"${item}" closes before it opens`;
    const previous = spans.at(-1);
    if (previous && opensMinutes < previous.closesMinutes) {
      return `"${item}" overlaps or comes before the range before it`;
    }
    spans.push({ opensMinutes, closesMinutes });
  }
  return spans;
}

/**
 * The rules of a COVERWISE_SUPPORT_HOURS value, or why it is not one: rules separated by ";", each
 * days then times ("Mo-Fr 08:00-12:00,13:00-17:00"); a day named by two rules is refused (which
 * would be meant is not clear), and so is an empty value.
 */
export function parseSupportHours(text: string): { rules: SupportHoursRule[] } | { error: string } {
  if (text.length > MAX_TEXT_LENGTH) return { error: `longer than ${MAX_TEXT_LENGTH} characters` };
  const rules: SupportHoursRule[] = [];
  const seen = new Set<Weekday>();
  for (const part of text.split(';')) {
    const trimmed = part.trim();
    if (trimmed === '') return { error: 'a rule is empty' };
    const match = /^(\S+)\s+(\S+)$/.exec(trimmed);
    if (!match) return { error: `"${trimmed}" is not days then times, such as "Mo-Fr 08:00-20:00"` };
    const days = parseDays(match[1]!);
    if (typeof days === 'string') return { error: days };
    const times = parseTimes(match[2]!);
    if (typeof times === 'string') return { error: times };
    for (const span of days) {
      for (let day = span.first; day <= span.last; day++) {
        if (seen.has(day as Weekday)) {
          const code = Object.keys(DAY_CODES)[day - 1];
          return { error: `${code} is named more than once` };
        }
        seen.add(day as Weekday);
      }
    }
    rules.push({ days, times });
  }
  return { rules };
}

/** The Intl locale a holder language is written in (US English, US Spanish). */
function localeOf(language: HolderLanguage): string {
  return language === 'es' ? 'es-US' : 'en-US';
}

// Dates used only to name weekdays and times: 2024-01-01 was a Monday. In UTC, so no zone moves them.
function weekdayDate(day: Weekday): Date {
  return new Date(Date.UTC(2024, 0, day));
}

function timeDate(minutes: number): Date {
  return new Date(Date.UTC(2024, 0, 1, Math.floor(minutes / 60), minutes % 60));
}

/**
 * The hours as a reader says them, e.g. "Monday – Friday 8:00 AM – 8:00 PM and Saturday
 * 9:00 AM – 1:00 PM (Eastern Time)", or in Spanish "lunes – viernes 8:00 a.m. – 8:00 p.m. y sábado
 * 9:00 a.m. – 1:00 p.m. (hora oriental)". Weekday and time-zone names, ranges and lists are Intl's.
 */
export function formatSupportHours(hours: SupportHours, language: HolderLanguage): string {
  const locale = localeOf(language);
  const weekdays = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' });
  const times = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });
  const list = new Intl.ListFormat(locale, { type: 'conjunction' });
  // A day's spans are listed without "and", which joins the rules ("8:00 AM – 12:00 PM, 1:00 PM – 5:00 PM").
  const spanList = new Intl.ListFormat(locale, { type: 'unit', style: 'short' });
  const zoneName =
    new Intl.DateTimeFormat(locale, { timeZone: hours.timeZone, timeZoneName: 'longGeneric' })
      .formatToParts(weekdayDate(1))
      .find((part) => part.type === 'timeZoneName')?.value ?? hours.timeZone;
  const rules = hours.rules.map((rule) => {
    const days = rule.days.map((span) =>
      span.first === span.last
        ? weekdays.format(weekdayDate(span.first))
        : weekdays.formatRange(weekdayDate(span.first), weekdayDate(span.last)),
    );
    const spans = rule.times.map((span) =>
      times.formatRange(timeDate(span.opensMinutes), timeDate(span.closesMinutes)),
    );
    return `${list.format(days)} ${spanList.format(spans)}`;
  });
  return `${list.format(rules)} (${zoneName})`;
}
