import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  calendarDateInZone,
  compareDates,
  dayOfWeek,
  daysBetween,
  isCalendarDate,
  minutesOfDayInZone,
  wholeMonthsBetween,
} from './calendar-date.js';

const calendarDate = fc.integer({ min: -36_500, max: 36_500 }).map((offset) => addDays('2000-01-01', offset));

describe('isCalendarDate', () => {
  it.each([
    ['2026-02-28', true],
    ['2024-02-29', true],
    ['2000-02-29', true], // divisible by 400: leap
    ['0024-02-29', true], // years below 100 are taken literally, not as 1924
    ['0000-02-29', true], // year 0 is a leap year in the proleptic Gregorian calendar
    ['2026-12-31', true],
    ['2026-02-30', false],
    ['2025-02-29', false],
    ['1900-02-29', false], // divisible by 100 but not 400: not leap
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-01-00', false],
    ['2026-2-3', false],
    ['26-02-03', false],
    ['2026/02/03', false],
    [' 2026-02-03', false],
    ['2026-02-03T00:00:00Z', false],
    ['', false],
  ])('%s is a calendar date: %s', (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });
});

describe('addDays and daysBetween', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-01'],
    ['2026-02-28', 1, '2026-03-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2026-03-08', 1, '2026-03-09'], // a DST change in the U.S. does not move calendar days
    ['2026-01-15', 365, '2027-01-15'],
    ['2028-01-15', 366, '2029-01-15'],
    ['0050-01-01', 1, '0050-01-02'], // not 1950
  ])('%s + %i days = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
    expect(daysBetween(date, expected)).toBe(days);
  });

  it('throws for a string that is not a calendar date', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => daysBetween('2026-01-01', '2026-1-2')).toThrow(RangeError);
  });

  it('are inverses of each other', () => {
    fc.assert(
      fc.property(calendarDate, fc.integer({ min: -20_000, max: 20_000 }), (date, days) => {
        const later = addDays(date, days);
        expect(isCalendarDate(later)).toBe(true);
        expect(daysBetween(date, later)).toBe(days);
        expect(addDays(later, -days)).toBe(date);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('gives the sign of compareDates', () => {
    fc.assert(
      fc.property(calendarDate, calendarDate, (a, b) => {
        expect(Math.sign(daysBetween(a, b))).toBe(-compareDates(a, b) || 0);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('addMonths', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-01-15', -1, '2025-12-15'],
    ['2026-11-30', 3, '2027-02-28'],
    ['2026-12-31', 2, '2027-02-28'],
    ['2026-05-15', 0, '2026-05-15'],
    ['2026-05-15', 36, '2029-05-15'],
    ['2026-05-15', -24, '2024-05-15'],
  ])('%s + %i months = %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it('keeps the day when it exists in the target month and clamps it to the month end otherwise', () => {
    fc.assert(
      fc.property(calendarDate, fc.integer({ min: -240, max: 240 }), (date, months) => {
        const result = addMonths(date, months);
        expect(isCalendarDate(result)).toBe(true);
        const day = Number(date.slice(8));
        const resultDay = Number(result.slice(8));
        if (resultDay !== day) {
          expect(resultDay).toBeLessThan(day);
          // Clamped: the next day starts the following month.
          expect(addDays(result, 1).slice(8)).toBe('01');
        }
        const [year, month] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
        const monthIndex = year * 12 + month - 1 + months;
        expect(Number(result.slice(0, 4)) * 12 + Number(result.slice(5, 7)) - 1).toBe(monthIndex);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('dayOfWeek', () => {
  it.each([
    ['2026-11-22', 0],
    ['2026-11-25', 3],
    ['2026-11-28', 6],
    ['2028-01-01', 6],
    ['2027-07-04', 0],
    ['2000-01-01', 6],
  ])('%s is weekday %i (0 = Sunday)', (date, expected) => {
    expect(dayOfWeek(date)).toBe(expected);
  });

  it('advances by one each day', () => {
    fc.assert(
      fc.property(calendarDate, (date) => {
        expect(dayOfWeek(addDays(date, 1))).toBe((dayOfWeek(date) + 1) % 7);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('wholeMonthsBetween', () => {
  it.each([
    ['2026-01-15', '2026-02-14', 0],
    ['2026-01-15', '2026-02-15', 1],
    ['2026-01-31', '2026-02-28', 1], // Feb 28 is the clamped month-day of Jan 31
    ['2024-01-31', '2024-02-28', 0], // but in a leap year the clamped day is Feb 29
    ['2026-01-31', '2026-03-30', 1],
    ['2026-01-31', '2026-03-31', 2],
    ['2026-03-15', '2029-03-15', 36],
    ['2026-05-10', '2026-05-10', 0],
    ['2026-02-15', '2026-01-15', -1],
    ['2026-02-15', '2026-01-16', 0], // toBe uses Object.is: 0, not -0
  ])('from %s to %s is %i whole months', (from, to, expected) => {
    expect(wholeMonthsBetween(from, to)).toBe(expected);
  });

  it('undoes addMonths', () => {
    fc.assert(
      fc.property(calendarDate, fc.integer({ min: -240, max: 240 }), (date, months) => {
        expect(wholeMonthsBetween(date, addMonths(date, months))).toBe(months);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('counts the largest number of months whose clamped day has been reached', () => {
    fc.assert(
      fc.property(calendarDate, fc.integer({ min: 0, max: 3_000 }), (from, days) => {
        const to = addDays(from, days);
        const months = wholeMonthsBetween(from, to);
        expect(months).toBeGreaterThanOrEqual(0);
        expect(compareDates(addMonths(from, months), to)).toBeLessThanOrEqual(0);
        expect(compareDates(addMonths(from, months + 1), to)).toBe(1);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('calendarDateInZone and minutesOfDayInZone', () => {
  it.each([
    ['2026-11-25T15:00:00Z', 'America/New_York', '2026-11-25', 600],
    ['2026-06-10T03:30:00Z', 'America/New_York', '2026-06-09', 23 * 60 + 30],
    ['2026-01-01T05:00:00Z', 'America/New_York', '2026-01-01', 0], // midnight reads as 00:00, not 24:00
    ['2026-01-01T04:59:00Z', 'America/New_York', '2025-12-31', 23 * 60 + 59],
    ['2026-03-08T06:59:00Z', 'America/New_York', '2026-03-08', 1 * 60 + 59], // 01:59 EST
    ['2026-03-08T07:00:00Z', 'America/New_York', '2026-03-08', 3 * 60], // 03:00 EDT: 02:00 never happens
    ['2026-11-01T05:30:00Z', 'America/New_York', '2026-11-01', 1 * 60 + 30], // first 01:30 (EDT)
    ['2026-11-01T06:30:00Z', 'America/New_York', '2026-11-01', 1 * 60 + 30], // second 01:30 (EST)
    ['2026-11-25T23:30:00Z', 'America/Los_Angeles', '2026-11-25', 15 * 60 + 30],
    ['2026-11-25T23:30:00Z', 'UTC', '2026-11-25', 23 * 60 + 30],
    ['2026-07-01T12:00:00Z', 'Pacific/Honolulu', '2026-07-01', 2 * 60],
  ])('reads %s in %s as %s at minute %i', (instant, timeZone, date, minutes) => {
    expect(calendarDateInZone(new Date(instant), timeZone)).toBe(date);
    expect(minutesOfDayInZone(new Date(instant), timeZone)).toBe(minutes);
  });

  it('matches the UTC fields of the instant in the UTC zone', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('2100-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (instant) => {
          expect(calendarDateInZone(instant, 'UTC')).toBe(instant.toISOString().slice(0, 10));
          expect(minutesOfDayInZone(instant, 'UTC')).toBe(
            instant.getUTCHours() * 60 + instant.getUTCMinutes(),
          );
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('calendarDateInZone remembers its last answer by second', () => {
  const uncached = (instant: Date, timeZone: string) =>
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      instant,
    );

  it.each([
    ['2026-01-01T04:59:59.999Z', '2026-01-01T05:00:00.000Z', 'America/New_York', '2025-12-31', '2026-01-01'],
    ['2026-11-25T23:59:59.500Z', '2026-11-26T00:00:00.000Z', 'UTC', '2026-11-25', '2026-11-26'],
    // Liberia kept an offset of −0:44:30 until 1972: midnight fell at 00:44:30 UTC.
    ['1971-06-01T00:44:29.999Z', '1971-06-01T00:44:30.000Z', 'Africa/Monrovia', '1971-05-31', '1971-06-01'],
  ])('%s then %s in %s: %s then %s', (before, after, timeZone, dateBefore, dateAfter) => {
    expect(calendarDateInZone(new Date(before), timeZone)).toBe(dateBefore);
    expect(calendarDateInZone(new Date(before), timeZone)).toBe(dateBefore);
    expect(calendarDateInZone(new Date(after), timeZone)).toBe(dateAfter);
    expect(calendarDateInZone(new Date(before), timeZone)).toBe(dateBefore);
  });

  it('agrees with a fresh formatter for instants asked in any order, a few ms apart, across zones', () => {
    const zones = ['America/New_York', 'America/Los_Angeles', 'Asia/Kolkata', 'Africa/Monrovia', 'UTC'];
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: Date.UTC(1960, 0, 1) / 1000, max: Date.UTC(2060, 0, 1) / 1000 }),
            fc.array(fc.integer({ min: -1500, max: 1500 }), { minLength: 1, maxLength: 4 }),
            fc.constantFrom(...zones),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        (asks) => {
          for (const [second, offsetsMs, zone] of asks) {
            for (const offsetMs of offsetsMs) {
              const instant = new Date(second * 1000 + offsetMs);
              expect(calendarDateInZone(instant, zone)).toBe(uncached(instant, zone));
            }
          }
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('day arithmetic against JavaScript Date', () => {
  /** The reference: UTC midnights of Date (setUTCFullYear takes years 0–99 literally). */
  function viaDate(date: string, days: number): { date: string; weekday: number } {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    const instant = new Date(0);
    instant.setUTCFullYear(year, month - 1, day + days);
    const y = String(instant.getUTCFullYear()).padStart(4, '0');
    const m = String(instant.getUTCMonth() + 1).padStart(2, '0');
    const d = String(instant.getUTCDate()).padStart(2, '0');
    return { date: `${y}-${m}-${d}`, weekday: instant.getUTCDay() };
  }

  it('agrees on adding days and on the weekday over the years 0001–9999', () => {
    const anyDate = fc
      .record({
        year: fc.integer({ min: 1, max: 9998 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 28 }),
      })
      .map(({ year, month, day }) =>
        [String(year).padStart(4, '0'), String(month).padStart(2, '0'), String(day).padStart(2, '0')].join(
          '-',
        ),
      );
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -300, max: 300 }), (date, days) => {
        const expected = viaDate(date, days);
        expect(addDays(date, days)).toBe(expected.date);
        expect(dayOfWeek(addDays(date, days))).toBe(expected.weekday);
      }),
      { seed: 42, numRuns: 3000 },
    );
  });

  it.each([
    { date: '2024-02-28', days: 1, expected: '2024-02-29' },
    { date: '2100-02-28', days: 1, expected: '2100-03-01' },
    { date: '2000-02-28', days: 1, expected: '2000-02-29' },
    { date: '1970-01-01', days: -1, expected: '1969-12-31' },
    { date: '0001-01-01', days: 0, expected: '0001-01-01' },
    { date: '9999-12-31', days: 0, expected: '9999-12-31' },
  ])('$date + $days days = $expected', ({ date, days, expected }) => {
    expect(addDays(date, days)).toBe(expected);
  });
});
