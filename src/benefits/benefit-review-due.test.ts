import { describe, expect, it } from 'vitest';
import { createBusinessCalendar } from '../calendar/business-days.js';
import { benefitReviewBusinessDays, benefitReviewDueOn } from './benefit-review-due.js';

// The business calendar of docs/domain.md: America/New_York, 17:00 cutoff, federal holidays.
const calendar = createBusinessCalendar({ timeZone: 'America/New_York', cutoffMinutes: 17 * 60 });

describe('benefit claim review due date', () => {
  it.each([
    // filed at (instant), the benefit rule's SLA (undefined: the rule names none), setting → due on
    ['Monday 10:00 ET, catalog says 2', '2026-11-23T15:00:00Z', 2, 4, '2026-11-25'],
    [
      'Monday 10:00 ET, rule names none: the setting (4), over Thanksgiving',
      '2026-11-23T15:00:00Z',
      undefined,
      4,
      '2026-11-30',
    ],
    ['Wednesday 10:00 ET before Thanksgiving, 2', '2026-11-25T15:00:00Z', 2, 2, '2026-11-30'],
    ['Monday 17:00 ET (the cutoff): counts from Tuesday', '2026-11-23T22:00:00Z', 2, 2, '2026-11-27'],
    ['Saturday: counts from Monday', '2026-11-21T15:00:00Z', 2, 2, '2026-11-25'],
    ['Friday 10:00 ET, 1', '2026-11-20T15:00:00Z', 1, 2, '2026-11-23'],
    ['Monday 10:00 ET, 0: due the same business day', '2026-11-23T15:00:00Z', 0, 2, '2026-11-23'],
    ['Sunday, 0: due Monday', '2026-11-22T15:00:00Z', 0, 2, '2026-11-23'],
    ['Monday 10:00 ET, 5, past Thanksgiving', '2026-11-23T15:00:00Z', 5, 2, '2026-12-01'],
    ['Christmas Eve 16:59 ET, 2, past Christmas', '2026-12-24T21:59:00Z', 2, 2, '2026-12-29'],
  ])('%s → %s', (_case, filedAt, ruleDays, settingDays, dueOn) => {
    const rule = ruleDays === undefined ? { dailyLimitCents: 3_500 } : { reviewBusinessDays: ruleDays };
    expect(benefitReviewDueOn(calendar, new Date(filedAt), rule, settingDays)).toBe(dueOn);
  });

  it.each([
    [{ reviewBusinessDays: 3 }, 2, 3],
    [{ reviewBusinessDays: 0 }, 2, 0],
    [{}, 2, 2],
    [null, 5, 5],
  ])('takes the SLA from the rule %j, else the setting %i → %i', (rule, setting, days) => {
    expect(benefitReviewBusinessDays(rule, setting)).toBe(days);
  });
});
