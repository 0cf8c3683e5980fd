import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dayOfWeek } from '../shared/calendar-date.js';
import { createBusinessCalendar } from './business-days.js';

// docs/domain.md defaults: America/New_York, cutoff 17:00, reviews due within 2 business days.
const CUTOFF_MINUTES = 17 * 60;
const REVIEW_BUSINESS_DAYS = 2;
const calendar = createBusinessCalendar({ timeZone: 'America/New_York', cutoffMinutes: CUTOFF_MINUTES });

const dateIn2020s = fc.integer({ min: 0, max: 3_650 }).map((offset) => addDays('2021-01-01', offset));

describe('holidaysIn', () => {
  it("lists OPM's 11 observed holidays for 2026, Independence Day on Friday July 3", () => {
    expect(calendar.holidaysIn(2026)).toEqual([
      { date: '2026-01-01', name: "New Year's Day" },
      { date: '2026-01-19', name: 'Birthday of Martin Luther King, Jr.' },
      { date: '2026-02-16', name: "Washington's Birthday" },
      { date: '2026-05-25', name: 'Memorial Day' },
      { date: '2026-06-19', name: 'Juneteenth National Independence Day' },
      { date: '2026-07-03', name: 'Independence Day' },
      { date: '2026-09-07', name: 'Labor Day' },
      { date: '2026-10-12', name: 'Columbus Day' },
      { date: '2026-11-11', name: 'Veterans Day' },
      { date: '2026-11-26', name: 'Thanksgiving Day' },
      { date: '2026-12-25', name: 'Christmas Day' },
    ]);
  });

  it.each([
    // year, observed dates (OPM's published lists)
    [
      2021,
      [
        '01-01',
        '01-18',
        '02-15',
        '05-31',
        '06-18',
        '07-05',
        '09-06',
        '10-11',
        '11-11',
        '11-25',
        '12-24',
        '12-31',
      ],
    ],
    [2022, ['01-17', '02-21', '05-30', '06-20', '07-04', '09-05', '10-10', '11-11', '11-24', '12-26']],
    [
      2027,
      [
        '01-01',
        '01-18',
        '02-15',
        '05-31',
        '06-18',
        '07-05',
        '09-06',
        '10-11',
        '11-11',
        '11-25',
        '12-24',
        '12-31',
      ],
    ],
    [2028, ['01-17', '02-21', '05-29', '06-19', '07-04', '09-04', '10-09', '11-10', '11-23', '12-25']],
    [
      2029,
      ['01-01', '01-15', '02-19', '05-28', '06-19', '07-04', '09-03', '10-08', '11-12', '11-22', '12-25'],
    ],
  ])(
    'observes %i on the OPM dates, moving weekend holidays and the next New Year across the year end',
    (year, monthDays) => {
      expect(calendar.holidaysIn(year).map((holiday) => holiday.date)).toEqual(
        monthDays.map((md) => `${year}-${md}`),
      );
    },
  );

  it.each([
    ['New Year 2028 (a Saturday) on Friday 2027-12-31', 2027, '2027-12-31', "New Year's Day"],
    ['New Year 2022 (a Saturday) on Friday 2021-12-31', 2021, '2021-12-31', "New Year's Day"],
    ['July 4th 2027 (a Sunday) on Monday 2027-07-05', 2027, '2027-07-05', 'Independence Day'],
    ['Veterans Day 2028 (a Saturday) on Friday 2028-11-10', 2028, '2028-11-10', 'Veterans Day'],
    ['Veterans Day 2029 (a Sunday) on Monday 2029-11-12', 2029, '2029-11-12', 'Veterans Day'],
  ])('observes %s', (_case, year, date, name) => {
    expect(calendar.holidaysIn(year)).toContainEqual({ date, name });
  });

  it('leaves out observances and optional days the library also knows', () => {
    const dates = calendar.holidaysIn(2026).map((holiday) => holiday.date);
    for (const notAHoliday of ['2026-02-14', '2026-11-27', '2026-12-24', '2026-12-31', '2026-04-15']) {
      expect(dates).not.toContain(notAHoliday);
    }
  });

  it('has no Juneteenth before it became a federal holiday in 2021', () => {
    expect(calendar.holidaysIn(2019).map((holiday) => holiday.name)).not.toContain(
      'Juneteenth National Independence Day',
    );
  });

  it('hands out copies, so a caller cannot change the cached list', () => {
    const first = calendar.holidaysIn(2026);
    first.pop();
    expect(calendar.holidaysIn(2026)).toHaveLength(11);
  });

  it('observes every holiday on a weekday from 2021 to 2040', () => {
    for (let year = 2021; year <= 2040; year += 1) {
      const holidays = calendar.holidaysIn(year);
      expect(holidays.length).toBeGreaterThanOrEqual(10);
      expect(holidays.length).toBeLessThanOrEqual(12);
      for (const holiday of holidays) expect([0, 6]).not.toContain(dayOfWeek(holiday.date));
    }
  });
});

describe('isBusinessDay', () => {
  it.each([
    ['2026-11-25', true, 'a Wednesday'],
    ['2026-11-26', false, 'Thanksgiving'],
    ['2026-11-27', true, 'the Friday after Thanksgiving'],
    ['2026-11-28', false, 'a Saturday'],
    ['2026-11-29', false, 'a Sunday'],
    ['2026-07-03', false, 'Independence Day observed on a Friday'],
    ['2026-07-04', false, 'Independence Day itself, a Saturday'],
    ['2027-07-05', false, 'Independence Day observed on a Monday'],
    ['2027-12-31', false, "New Year's Day 2028 observed on a Friday"],
    ['2028-01-03', true, 'the Monday after a Saturday New Year'],
    ['2026-12-24', true, 'Christmas Eve (not a federal holiday)'],
  ])('%s is a business day: %s (%s)', (date, expected) => {
    expect(calendar.isBusinessDay(date)).toBe(expected);
  });

  it('throws for a string that is not a calendar date', () => {
    expect(() => calendar.isBusinessDay('2026-02-30')).toThrow(RangeError);
  });
});

describe('addBusinessDays', () => {
  it.each([
    ['2026-11-25', 1, '2026-11-27'],
    ['2026-11-25', 2, '2026-11-30'],
    ['2026-07-02', 1, '2026-07-06'],
    ['2027-12-30', 1, '2028-01-03'],
    ['2026-11-28', 0, '2026-11-28'],
    ['2026-11-30', -1, '2026-11-27'],
    ['2026-11-30', -2, '2026-11-25'],
    ['2026-12-31', 5, '2027-01-08'],
  ])('%s + %i business days = %s', (date, n, expected) => {
    expect(calendar.addBusinessDays(date, n)).toBe(expected);
  });

  it('throws for a fractional or absurd count', () => {
    expect(() => calendar.addBusinessDays('2026-01-01', 1.5)).toThrow(RangeError);
    expect(() => calendar.addBusinessDays('2026-01-01', 1_000_000)).toThrow(RangeError);
  });

  it('always lands on a business day and walks back to where it started', () => {
    fc.assert(
      fc.property(dateIn2020s, fc.integer({ min: 1, max: 60 }), (date, n) => {
        const later = calendar.addBusinessDays(date, n);
        expect(calendar.isBusinessDay(later)).toBe(true);
        expect(calendar.businessDaysBetween(date, later)).toBe(n);
        // Walking back from a business day returns to the start when the start was one.
        if (calendar.isBusinessDay(date)) expect(calendar.addBusinessDays(later, -n)).toBe(date);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('reviewDueOn', () => {
  it.each([
    [
      'is due Monday for a Wednesday-morning receipt before Thanksgiving',
      '2026-11-25T15:00:00Z',
      '2026-11-30',
    ],
    ['counts the same day for a receipt one minute before the cutoff', '2026-11-25T21:59:00Z', '2026-11-30'],
    [
      'counts from the next business day for a receipt at 17:00 exactly',
      '2026-11-25T22:00:00Z',
      '2026-12-01',
    ],
    ['counts from the next business day for a receipt at 17:01', '2026-11-25T22:01:00Z', '2026-12-01'],
    ['counts a Saturday receipt from Monday', '2026-11-28T15:00:00Z', '2026-12-02'],
    ['counts a holiday-morning receipt from the next business day', '2026-11-26T15:00:00Z', '2026-12-01'],
    ['skips Independence Day observed on Friday 2026-07-03', '2026-07-02T14:00:00Z', '2026-07-07'],
    ['skips New Year 2028 observed on Friday 2027-12-31', '2027-12-30T14:00:00Z', '2028-01-04'],
    ['skips July 4th 2027 observed on Monday the 5th', '2027-07-02T14:00:00Z', '2027-07-07'],
    [
      'dates a Tuesday 23:30 ET receipt (Wednesday in UTC) on Tuesday, after the cutoff',
      '2026-06-10T03:30:00Z',
      '2026-06-12',
    ],
    [
      'reads a Friday 16:30 EST receipt before spring-forward as Friday',
      '2026-03-06T21:30:00Z',
      '2026-03-10',
    ],
    [
      'uses daylight time on the Monday after spring-forward (16:59 EDT)',
      '2026-03-09T20:59:00Z',
      '2026-03-11',
    ],
    [
      'uses daylight time on the Monday after spring-forward (17:00 EDT)',
      '2026-03-09T21:00:00Z',
      '2026-03-12',
    ],
    ['reads 21:30Z as 17:30 EDT on the Friday before fall-back', '2026-10-30T21:30:00Z', '2026-11-04'],
    ['reads 21:30Z as 16:30 EST on the Monday after fall-back', '2026-11-02T21:30:00Z', '2026-11-04'],
  ])('%s (%s → %s)', (_behaviour, receivedAt, dueOn) => {
    expect(calendar.reviewDueOn(new Date(receivedAt), REVIEW_BUSINESS_DAYS)).toBe(dueOn);
  });

  it('dates a receipt in the business time zone, not in UTC', () => {
    // Friday 23:30 ET is already Saturday in UTC; with no cutoff, only the zone decides day 0.
    const noCutoff = createBusinessCalendar({ timeZone: 'America/New_York', cutoffMinutes: 24 * 60 });
    expect(noCutoff.reviewDueOn(new Date('2026-06-13T03:30:00Z'), REVIEW_BUSINESS_DAYS)).toBe('2026-06-16');
  });

  it('applies the cutoff in the configured zone', () => {
    // 23:30Z on Wednesday 2026-11-25 is 15:30 in Los Angeles (before the cutoff) but 18:30 in New York.
    const pacific = createBusinessCalendar({
      timeZone: 'America/Los_Angeles',
      cutoffMinutes: CUTOFF_MINUTES,
    });
    expect(pacific.reviewDueOn(new Date('2026-11-25T23:30:00Z'), REVIEW_BUSINESS_DAYS)).toBe('2026-11-30');
    expect(calendar.reviewDueOn(new Date('2026-11-25T23:30:00Z'), REVIEW_BUSINESS_DAYS)).toBe('2026-12-01');
  });

  it('takes the number of business days from the caller', () => {
    expect(calendar.reviewDueOn(new Date('2026-11-25T15:00:00Z'), 0)).toBe('2026-11-25');
    expect(calendar.reviewDueOn(new Date('2026-11-25T15:00:00Z'), 5)).toBe('2026-12-03');
  });

  it('is always a business day, and two business days after day 0', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2021-01-01T00:00:00Z'),
          max: new Date('2030-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (receivedAt) => {
          const dueOn = calendar.reviewDueOn(receivedAt, REVIEW_BUSINESS_DAYS);
          expect(calendar.isBusinessDay(dueOn)).toBe(true);
          const receivedOn = receivedAt.toLocaleDateString('en-CA', { timeZone: 'America/New_York' });
          // Due 2 or 3 business days after the receipt date: 3 when day 0 moved to the next business day.
          expect([2, 3]).toContain(calendar.businessDaysBetween(receivedOn, dueOn));
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });

  it('refuses an invalid instant or a negative number of days', () => {
    expect(() => calendar.reviewDueOn(new Date('not a date'), 2)).toThrow(RangeError);
    expect(() => calendar.reviewDueOn(new Date('2026-11-25T15:00:00Z'), -1)).toThrow(RangeError);
  });
});

describe('businessDaysBetween', () => {
  it.each([
    ['2026-11-25', '2026-11-30', 2],
    ['2026-11-25', '2026-11-25', 0],
    ['2026-11-30', '2026-11-25', -2],
    ['2026-11-27', '2026-11-29', 0],
    ['2026-11-28', '2026-11-30', 1],
    ['2026-01-01', '2026-12-31', 250],
    ['2026-11-29', '2026-11-28', 0],
  ])('counts business days after %s through %s as %i', (from, to, expected) => {
    // toBe uses Object.is, so this also checks that an empty backwards span is 0 and not -0.
    expect(calendar.businessDaysBetween(from, to)).toBe(expected);
  });

  it('is antisymmetric and adds up over consecutive spans', () => {
    fc.assert(
      fc.property(
        dateIn2020s,
        fc.integer({ min: -60, max: 60 }),
        fc.integer({ min: -60, max: 60 }),
        (a, toB, toC) => {
          const b = addDays(a, toB);
          const c = addDays(b, toC);
          expect(calendar.businessDaysBetween(b, a) + calendar.businessDaysBetween(a, b)).toBe(0);
          expect(calendar.businessDaysBetween(a, c)).toBe(
            calendar.businessDaysBetween(a, b) + calendar.businessDaysBetween(b, c),
          );
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('createBusinessCalendar', () => {
  it.each([
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons', cutoffMinutes: CUTOFF_MINUTES }],
    ['a negative cutoff', { timeZone: 'America/New_York', cutoffMinutes: -1 }],
    ['a cutoff past midnight', { timeZone: 'America/New_York', cutoffMinutes: 1_441 }],
  ])('refuses %s', (_case, options) => {
    expect(() => createBusinessCalendar(options)).toThrow(RangeError);
  });
});
