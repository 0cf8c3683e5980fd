import { describe, expect, it } from 'vitest';
import { isBalanced } from '../accounting/postings.js';
import { refundComplianceStatus, refundPaidLines } from './refund-compliance.js';

describe('refundComplianceStatus', () => {
  const cases: [string, string | null, string, string][] = [
    ['paid before the deadline', '2026-10-20', '2026-11-25', 'paid_on_time'],
    ['paid on the deadline', '2026-10-31', '2026-11-25', 'paid_on_time'],
    ['paid the day after', '2026-11-01', '2026-11-25', 'paid_late'],
    ['unpaid, deadline ahead', null, '2026-10-15', 'due'],
    ['unpaid, deadline today', null, '2026-10-31', 'due'],
    ['unpaid, deadline passed', null, '2026-11-01', 'overdue'],
  ];
  it.each(cases)('%s', (_name, paidOn, today, expected) => {
    expect(refundComplianceStatus({ refundDueOn: '2026-10-31', paidOn }, today)).toBe(expected);
  });
  it('a payment posts a balanced entry: refunds payable down, cash down', () => {
    const lines = refundPaidLines(12_345, 'c1');
    expect(isBalanced(lines)).toBe(true);
    expect(lines.map((l) => l.account)).toEqual(['2200', '1000']);
  });
});
