// Journal entries as GET /api/v1/accounting/journal-entries answers them, and the two questions the
// accounting tests ask of one: what it moved on an account, and whether it balances; and the trial
// balance as of a day, with an account's balance from it.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

export interface EntryView {
  id: string;
  eventType: string;
  eventKey: string;
  effectiveOn: string;
  lines: { accountCode: string; debitCents: number; creditCents: number }[];
}

/** What the entry moved on `account`, credit positive. */
export function net(entry: EntryView, account: string): number {
  return entry.lines
    .filter((line) => line.accountCode === account)
    .reduce((total, line) => total + line.creditCents - line.debitCents, 0);
}

/** Two lines or more, debits equal to credits. */
export function balances(entry: EntryView): boolean {
  const debits = entry.lines.reduce((t, l) => t + l.debitCents, 0);
  const credits = entry.lines.reduce((t, l) => t + l.creditCents, 0);
  return entry.lines.length >= 2 && debits === credits;
}

export interface TrialBalanceView {
  accounts: { code: string; debitCents: number; creditCents: number }[];
  totalDebitCents: number;
  totalCreditCents: number;
  balanced: boolean;
}

/** GET /api/v1/accounting/trial-balance as of a day, through a staff client (an administrator's). */
export async function trialBalanceOf(
  client: (options: InjectOptions) => Promise<LightMyRequestResponse>,
  asOf: string,
): Promise<TrialBalanceView> {
  const response = await client({ url: `/api/v1/accounting/trial-balance?asOf=${asOf}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as TrialBalanceView;
}

/** An account's balance on its credit side (unearned and earned premium are credit accounts). */
export function creditBalance(tb: Pick<TrialBalanceView, 'accounts'>, account: string): number {
  const row = tb.accounts.find((candidate) => candidate.code === account);
  return row ? row.creditCents - row.debitCents : 0;
}
