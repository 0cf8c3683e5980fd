// The 1099-NEC file for a filing service (IRS Form 1099-NEC, box 1 "Nonemployee compensation"): one row
// per repair facility paid at least the threshold in the year. Pure: rows in, CSV text out; cells are
// written by the one CSV helper every export uses (src/shared/csv.ts). The box-1 amount is written as
// dollars with cents ("600.00"); it is never negative (a facility appears only at the threshold or above).
import { csvLine } from '../shared/csv.js';

export interface Form1099Row {
  name: string;
  tin: string | null;
  address_line1: string;
  city: string;
  region: string;
  postal_code: string;
  country: string;
  total: number;
  payments: number;
}

export const FORM_1099_COLUMNS = [
  'payee_tin',
  'payee_name',
  'address_line1',
  'city',
  'state',
  'zip',
  'country',
  'box1_nonemployee_compensation',
  'payments',
  'tin_missing',
];

export function dollars(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function form1099NecCsv(rows: readonly Form1099Row[]): string {
  const lines = rows.map((row) =>
    csvLine([
      row.tin ? `${row.tin.slice(0, 2)}-${row.tin.slice(2)}` : '',
      row.name,
      row.address_line1,
      row.city,
      row.region,
      row.postal_code,
      row.country,
      dollars(row.total),
      row.payments,
      row.tin ? 'no' : 'yes',
    ]),
  );
  return [csvLine(FORM_1099_COLUMNS), ...lines].join('');
}
