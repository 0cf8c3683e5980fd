import { describe, expect, it } from 'vitest';
import { FORM_1099_COLUMNS, form1099NecCsv } from '../payment-runs/form-1099-nec.js';
import { type CsvValue, csvCell, csvLine } from './csv.js';

describe('csvCell', () => {
  it.each<[string, CsvValue, string]>([
    // what, value, cell written
    ['plain text', 'Plaza Honda', 'Plaza Honda'],
    ['a formula', '=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['a formula without quotes', '=1+2', "'=1+2"],
    ['text starting with +', '+1 555 0100', "'+1 555 0100"],
    ['text starting with -', '-2+3', "'-2+3"],
    ['text that looks like a negative number', '-1234', "'-1234"],
    ['text starting with @', '@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['text starting with a tab', '\t=1', "'\t=1"],
    ['text starting with a carriage return', '\r=1', `"'\r=1"`],
    ['a formula sign later in the text', 'a=b-c', 'a=b-c'],
    ['a comma', 'Smith, Ana', '"Smith, Ana"'],
    ['a quote', 'the "best" car', '"the ""best"" car"'],
    ['a line break', 'one\ntwo', '"one\ntwo"'],
    ['empty text', '', ''],
    ['a negative amount the exporter wrote', -1234, '-1234'],
    ['a positive amount', 1234, '1234'],
    ['zero', 0, '0'],
    ['a bigint', -5n, '-5'],
    ['null', null, ''],
    ['undefined', undefined, ''],
  ])('writes %s', (_what, value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe('csvLine', () => {
  it('joins the cells with commas and ends the line', () => {
    expect(csvLine(['D-1001', '@evil', -500, null, 'a,b'])).toBe(`D-1001,'@evil,-500,,"a,b"\n`);
  });
});

describe('the 1099-NEC file', () => {
  it('writes its cells with the shared helper: a payee name starting with a tab or = is text', () => {
    const csv = form1099NecCsv([
      {
        name: '\t=cmd',
        tin: '123456789',
        address_line1: '1 Main St',
        city: 'Kansas City',
        region: 'MO',
        postal_code: '64111',
        country: 'US',
        total: 60_000,
        payments: 2,
      },
    ]);
    expect(csv).toBe(
      `${FORM_1099_COLUMNS.join(',')}\n12-3456789,'\t=cmd,1 Main St,Kansas City,MO,64111,US,600.00,2,no\n`,
    );
  });
});
