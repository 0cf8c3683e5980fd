// The lender's compliance view (issue 16, "Reports": "every lender-event refund with its deadline and
// whether it was met"): a refund is paid on time when it was paid on or before refundDueOn, paid late
// after it; unpaid it is due until its deadline has passed, then overdue. Pure.
import { ACCOUNTS } from '../accounting/chart-of-accounts.js';
import type { JournalLine } from '../accounting/postings.js';
import { type CalendarDate, compareDates } from '../shared/calendar-date.js';

export const REFUND_COMPLIANCE_STATUSES = ['paid_on_time', 'paid_late', 'due', 'overdue'] as const;
export type RefundComplianceStatus = (typeof REFUND_COMPLIANCE_STATUSES)[number];

export function refundComplianceStatus(
  refund: { refundDueOn: CalendarDate; paidOn: CalendarDate | null },
  today: CalendarDate,
): RefundComplianceStatus {
  if (refund.paidOn !== null)
    return compareDates(refund.paidOn, refund.refundDueOn) <= 0 ? 'paid_on_time' : 'paid_late';
  return compareDates(today, refund.refundDueOn) <= 0 ? 'due' : 'overdue';
}

/** Dr refunds payable, Cr cash: a refund paid out (the cancellation made it payable). */
export function refundPaidLines(amountCents: number, contractId: string): JournalLine[] {
  return [
    { account: ACCOUNTS.refundsPayable, debitCents: amountCents, creditCents: 0, contractId },
    { account: ACCOUNTS.cash, debitCents: 0, creditCents: amountCents, contractId },
  ];
}
