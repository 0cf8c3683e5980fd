// The check issue file for the bank's positive pay (the bank pays only checks it was told about, for
// the amount and payee it was told). Layout: JPMorgan Chase Business Online positive pay upload (CSV,
// as in Chase's "File Upload Guide"): no header row, one check a line —
//   issue code (I = issue, C = void), account number, check number, issue date MMDDYY,
//   amount as dollars with two decimals and no separators, payee name (at most 40 characters).
// Payee names lose accents, commas and quotes so every field is plain (no CSV quoting needed).

export interface IssuedCheck {
  checkNumber: number;
  amountCents: number;
  issuedOn: string;
  payeeName: string;
}

export const PAYEE_NAME_MAX = 40;

export function checkAmount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents <= 0) throw new RangeError('a check is a positive amount');
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

export function positivePayName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9 .&'/-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, PAYEE_NAME_MAX)
    .trim();
}

export function buildPositivePayFile(accountNumber: string, checks: readonly IssuedCheck[]): string {
  if (!/^\d{4,17}$/.test(accountNumber))
    throw new RangeError('the disbursement account number is 4–17 digits');
  return checks
    .map(
      (check) =>
        `I,${accountNumber},${check.checkNumber},${check.issuedOn.slice(5, 7)}${check.issuedOn.slice(8, 10)}${check.issuedOn.slice(2, 4)},${checkAmount(check.amountCents)},${positivePayName(check.payeeName)}\n`,
    )
    .join('');
}
