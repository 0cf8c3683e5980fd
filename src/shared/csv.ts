// Cells of every CSV file Coverwise writes: RFC 4180 quoting, and spreadsheet formula injection
// neutralized as OWASP's "CSV Injection" advice says. A text cell that starts with =, +, -, @, a tab or a
// carriage return would be read by a spreadsheet as a formula (`=HYPERLINK(…)` in a holder's name), so it
// is written with a leading apostrophe, which spreadsheets take as "this cell is text". Numbers the
// exporter writes itself (amounts in cents, counts) are passed as numbers and written as they are, so a
// negative amount stays a number. Pure, with no Node dependency: the web app's downloads use it too.

/** One cell's value: text (neutralized), a number the exporter wrote (as is), or nothing (empty cell). */
export type CsvValue = string | number | bigint | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell as CSV text. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line of `values`, ending with a newline. */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\n`;
}
