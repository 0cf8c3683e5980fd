// Premium is earned over the contract's term (docs/domain.md "Money of the administrator"): pro rata by days
// by default, or by the rule of 78s when the catalog's cancellation method for the plan and state is
// rule_of_78s (a GAP form may choose it). The same rule decides what a cancellation releases from the
// unearned premium, so the month-end earning and the cancellation add up to the premium exactly.
// coverwise_unearned_cents() (migration 0021) is this function in SQL; a database test keeps them equal.
import { type CalendarDate, daysBetween, wholeMonthsBetween } from '../shared/calendar-date.js';
import { prorateHalfUp } from '../shared/money.js';

export type EarningMethod = 'pro_rata' | 'rule_of_78s';

export interface EarningContract {
  premiumCents: number;
  expiresOn: CalendarDate;
  termDays: number;
  termMonths: number;
}

/** The premium not yet earned at the start of `asOf`: premium × remaining share, half-up to the cent. */
export function unearnedCents(contract: EarningContract, asOf: CalendarDate, method: EarningMethod): number {
  if (method === 'rule_of_78s') {
    const n = contract.termMonths;
    const r = Math.min(n, Math.max(0, wholeMonthsBetween(asOf, contract.expiresOn)));
    return prorateHalfUp(contract.premiumCents, r * (r + 1), n * (n + 1));
  }
  const remaining = Math.min(contract.termDays, Math.max(0, daysBetween(asOf, contract.expiresOn)));
  return prorateHalfUp(contract.premiumCents, remaining, contract.termDays);
}

/** The premium earned by the start of `asOf`. */
export function earnedCents(contract: EarningContract, asOf: CalendarDate, method: EarningMethod): number {
  return contract.premiumCents - unearnedCents(contract, asOf, method);
}
