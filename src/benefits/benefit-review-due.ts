// When staff must have reviewed a rental or trip-interruption claim: by the end of the review SLA's
// business days after the business day the claim was filed (a filing after the cutoff, on a weekend or
// on a federal holiday counts from the next business day), as for a GAP document (docs/domain.md
// "Business days"). The SLA is data: the benefit rule of the contract's catalog version
// (benefits.rental.reviewBusinessDays, benefits.tripInterruption.reviewBusinessDays; the default catalog
// says 2, DOMAIN.md naming none), else the administrator's document-review SLA setting.
import type { BusinessCalendar } from '../calendar/business-days.js';
import type { CalendarDate } from '../shared/calendar-date.js';

/** The SLA in business days: the benefit rule's own, else the setting's (pure). */
export function benefitReviewBusinessDays(
  rule: { reviewBusinessDays?: number | undefined } | null,
  settingBusinessDays: number,
): number {
  return rule?.reviewBusinessDays ?? settingBusinessDays;
}

/** The business day by whose end a claim filed at `filedAt` is to be reviewed (pure over the calendar). */
export function benefitReviewDueOn(
  calendar: BusinessCalendar,
  filedAt: Date,
  rule: { reviewBusinessDays?: number | undefined } | null,
  settingBusinessDays: number,
): CalendarDate {
  return calendar.reviewDueOn(filedAt, benefitReviewBusinessDays(rule, settingBusinessDays));
}
