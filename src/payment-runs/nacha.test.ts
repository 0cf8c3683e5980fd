// The NACHA file against the Nacha Operating Rules' record layouts: field positions of each record type,
// 94 characters a record, blocking factor 10 (padded with 9s), entry hash (sum of RDFI routing numbers'
// first 8 digits, last 10 digits kept), batch and file control totals, service class 220, trace numbers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AchCredit, achText, buildAchFile, entryHash, isRoutingNumber, numeric } from './nacha.js';
import { buildPositivePayFile, checkAmount, positivePayName } from './positive-pay.js';

const originator = {
  odfiRoutingNumber: '021000021',
  destinationName: 'JPMorgan Chase',
  immediateOrigin: '1123456789',
  originName: 'Coverwise Administrators',
  companyId: '1123456789',
  companyName: 'Coverwise',
  entryDescription: 'CLAIMS',
};

const credit = (overrides: Partial<AchCredit> = {}): AchCredit => ({
  secCode: 'CCD',
  accountType: 'checking',
  routingNumber: '011000015',
  accountNumber: '123456789',
  amountCents: 125_050,
  identification: 'A-2026-000001',
  receiverName: 'Main Street Auto Repair',
  ...overrides,
});

function build(credits: AchCredit[]) {
  return buildAchFile({
    originator,
    credits,
    createdOn: '2026-11-25',
    createdTime: '10:05',
    effectiveOn: '2026-11-27',
    fileIdModifier: 'A',
  });
}

/** Field by 1-based inclusive positions, as the Rules' tables list them. */
const field = (record: string, from: number, to: number) => record.slice(from - 1, to);

describe('routing numbers (ABA check digit)', () => {
  it.each([
    ['021000021', true],
    ['011000015', true],
    ['121000248', true],
    ['021000022', false],
    ['12345678', false],
    ['000000000', false],
    ['12345678a', false],
  ])('%s → %s', (routing, valid) => {
    expect(isRoutingNumber(routing)).toBe(valid);
  });
});

describe('NACHA fields', () => {
  it.each([
    ['Café Núñez & Söhne', 'CAFE NUNEZ & SOHNE'],
    ['o"brien;auto', 'O BRIEN AUTO'],
  ])('alphanumeric text %s → %s', (input, expected) => {
    expect(achText(input)).toBe(expected);
  });
  it.each([
    [5, 3, '005'],
    [0, 12, '000000000000'],
    [1_234_567_890, 10, '1234567890'],
  ])('numeric %s in %s digits → %s', (value, width, expected) => {
    expect(numeric(value, width)).toBe(expected);
  });
  it('refuses a number too wide for its field', () => {
    expect(() => numeric(12_345, 4)).toThrow(RangeError);
  });
  it.each([
    [['011000015'], 1_100_001],
    [['011000015', '021000021'], 1_100_001 + 2_100_002],
    [Array.from({ length: 200 }, () => '999999999'), (99_999_999 * 200) % 10_000_000_000],
  ])('entry hash of %j is %s', (routings, hash) => {
    expect(entryHash(routings)).toBe(hash);
  });
});

describe('NACHA records', () => {
  const file = build([
    credit(),
    credit({
      secCode: 'PPD',
      accountType: 'savings',
      routingNumber: '121000248',
      accountNumber: '00987654321',
      amountCents: 4_999,
      identification: 'CX-1',
      receiverName: 'José Álvarez',
    }),
  ]);
  const records = file.text.slice(0, -1).split('\n');

  it('every record is 94 characters and the file is a whole number of 10-record blocks', () => {
    expect(records.every((record) => record.length === 94)).toBe(true);
    expect(records.length % 10).toBe(0);
    expect(records.length).toBe(10);
    expect(records.slice(8)).toEqual(['9'.repeat(94), '9'.repeat(94)]);
  });

  it.each([
    ['record type', 1, 1, '1'],
    ['priority code', 2, 3, '01'],
    ['immediate destination', 4, 13, ' 021000021'],
    ['immediate origin', 14, 23, '1123456789'],
    ['file creation date', 24, 29, '261125'],
    ['file creation time', 30, 33, '1005'],
    ['file id modifier', 34, 34, 'A'],
    ['record size', 35, 37, '094'],
    ['blocking factor', 38, 39, '10'],
    ['format code', 40, 40, '1'],
    ['destination name', 41, 63, 'JPMORGAN CHASE         '],
    ['origin name', 64, 86, 'COVERWISE ADMINISTRATOR'],
  ])('file header: %s (positions %i–%i)', (_name, from, to, expected) => {
    expect(field(records[0]!, from, to)).toBe(expected);
  });

  it.each([
    ['record type', 1, 1, '5'],
    ['service class code (credits only)', 2, 4, '220'],
    ['company name', 5, 20, 'COVERWISE       '],
    ['company identification', 41, 50, '1123456789'],
    ['standard entry class', 51, 53, 'CCD'],
    ['entry description', 54, 63, 'CLAIMS    '],
    ['effective entry date', 70, 75, '261127'],
    ['originator status code', 79, 79, '1'],
    ['ODFI identification', 80, 87, '02100002'],
    ['batch number', 88, 94, '0000001'],
  ])('batch header: %s (positions %i–%i)', (_name, from, to, expected) => {
    expect(field(records[1]!, from, to)).toBe(expected);
  });

  it.each([
    ['record type', 1, 1, '6'],
    ['transaction code (checking credit)', 2, 3, '22'],
    ['RDFI identification', 4, 11, '01100001'],
    ['check digit', 12, 12, '5'],
    ['DFI account number', 13, 29, '123456789        '],
    ['amount', 30, 39, '0000125050'],
    ['identification number', 40, 54, 'A-2026-000001  '],
    ['receiver name', 55, 76, 'MAIN STREET AUTO REPAI'],
    ['addenda indicator', 79, 79, '0'],
    ['trace number', 80, 94, '021000020000001'],
  ])('entry detail: %s (positions %i–%i)', (_name, from, to, expected) => {
    expect(field(records[2]!, from, to)).toBe(expected);
  });

  it.each([
    ['record type', 1, 1, '8'],
    ['service class code', 2, 4, '220'],
    ['entry count', 5, 10, '000001'],
    ['entry hash', 11, 20, '0001100001'],
    ['total debits', 21, 32, '000000000000'],
    ['total credits', 33, 44, '000000125050'],
    ['company identification', 45, 54, '1123456789'],
    ['ODFI identification', 80, 87, '02100002'],
    ['batch number', 88, 94, '0000001'],
  ])('batch control: %s (positions %i–%i)', (_name, from, to, expected) => {
    expect(field(records[3]!, from, to)).toBe(expected);
  });

  it('puts the consumer credit in a PPD batch with a savings transaction code', () => {
    expect(field(records[4]!, 51, 53)).toBe('PPD');
    expect(field(records[5]!, 2, 3)).toBe('32');
    expect(field(records[5]!, 55, 76)).toBe('JOSE ALVAREZ          ');
    expect(field(records[5]!, 80, 94)).toBe('021000020000002');
    expect(field(records[6]!, 88, 94)).toBe('0000002');
  });

  it.each([
    ['record type', 1, 1, '9'],
    ['batch count', 2, 7, '000002'],
    ['block count', 8, 13, '000001'],
    ['entry count', 14, 21, '00000002'],
    ['entry hash', 22, 31, '0013200025'],
    ['total debits', 32, 43, '000000000000'],
    ['total credits', 44, 55, '000000130049'],
  ])('file control: %s (positions %i–%i)', (_name, from, to, expected) => {
    expect(field(records[7]!, from, to)).toBe(expected);
  });

  it('gives each credit its trace number, in the order given', () => {
    expect(file.traceNumbers).toEqual(['021000020000001', '021000020000002']);
  });

  it('refuses a receiver routing number that fails its check digit', () => {
    expect(() => build([credit({ routingNumber: '011000016' })])).toThrow(RangeError);
  });
});

const ROUTINGS = ['011000015', '021000021', '121000248', '026009593', '111000025'];

describe('NACHA totals (property)', () => {
  it('file and batch controls equal the sums of their entries, for any credits', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            secCode: fc.constantFrom('PPD' as const, 'CCD' as const),
            accountType: fc.constantFrom('checking' as const, 'savings' as const),
            routingNumber: fc.constantFrom(...ROUTINGS),
            accountNumber: fc.stringMatching(/^\d{4,17}$/),
            amountCents: fc.integer({ min: 1, max: 99_999_999 }),
            identification: fc.string({ maxLength: 15 }),
            receiverName: fc.string({ maxLength: 30 }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        (credits) => {
          const file = build(credits);
          const records = file.text.slice(0, -1).split('\n');
          expect(records.every((record) => record.length === 94)).toBe(true);
          expect(records.length % 10).toBe(0);
          const entries = records.filter((record) => record[0] === '6');
          const sum = entries.reduce((total, record) => total + Number(field(record, 30, 39)), 0);
          const hash =
            entries.reduce((total, record) => total + Number(field(record, 4, 11)), 0) % 10_000_000_000;
          const control = records.find((record) => record[0] === '9')!;
          expect(Number(field(control, 44, 55))).toBe(sum);
          expect(sum).toBe(credits.reduce((total, c) => total + c.amountCents, 0));
          expect(Number(field(control, 22, 31))).toBe(hash);
          expect(Number(field(control, 14, 21))).toBe(entries.length);
          expect(Number(field(control, 8, 13))).toBe(records.length / 10);
          for (const batchControl of records.filter((record) => record[0] === '8')) {
            const batchNumber = field(batchControl, 88, 94);
            const header = records.findIndex((r) => r[0] === '5' && field(r, 88, 94) === batchNumber);
            const own = records.slice(header + 1, records.indexOf(batchControl));
            expect(Number(field(batchControl, 5, 10))).toBe(own.length);
            expect(Number(field(batchControl, 33, 44))).toBe(
              own.reduce((total, record) => total + Number(field(record, 30, 39)), 0),
            );
          }
          // Trace numbers are unique and ascending.
          const traces = entries.map((record) => field(record, 80, 94));
          expect(new Set(traces).size).toBe(traces.length);
        },
      ),
      { seed: 16, numRuns: 200 },
    );
  });
});

describe('positive pay (Chase Business Online CSV)', () => {
  it.each([
    [1, '0.01'],
    [100, '1.00'],
    [123_456, '1234.56'],
  ])('amount %i cents → %s', (cents, text) => {
    expect(checkAmount(cents)).toBe(text);
  });
  it.each([
    ['Rosa Delgado', 'Rosa Delgado'],
    ['Núñez, "Ana"', 'Nunez Ana'],
    ['A'.repeat(50), 'A'.repeat(40)],
  ])('payee %s → %s', (name, expected) => {
    expect(positivePayName(name)).toBe(expected);
  });
  it('writes one issue line per check', () => {
    expect(
      buildPositivePayFile('000123456789', [
        { checkNumber: 100001, amountCents: 45_000, issuedOn: '2026-11-27', payeeName: 'Rosa Delgado' },
      ]),
    ).toBe('I,000123456789,100001,112726,450.00,Rosa Delgado\n');
  });
});
