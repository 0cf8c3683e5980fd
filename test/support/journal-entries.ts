// Journal entries as GET /api/v1/accounting/journal-entries answers them, and the two questions the
// accounting tests ask of one: what it moved on an account, and whether it balances.

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
