// A NACHA ACH file of credits (the Nacha Operating Rules, Appendix One "ACH File Exchange
// Specifications"): a file header (1), one batch per standard entry class (5 … 8), entry details (6),
// a file control (9), every record 94 characters, the file padded with records of 9s to a multiple of
// the blocking factor 10. Credits only: service class 220; PPD for consumers (holders), CCD for
// businesses (repair facilities, lienholders). No npm NACHA library is kept up (the two on the
// registry are unmaintained forks), and the format is small and exact, so it is written here and
// checked field by field in nacha.test.ts.

export const RECORD_LENGTH = 94;
export const BLOCKING_FACTOR = 10;

export interface AchOriginator {
  /** The ODFI's routing number (nine digits): the immediate destination, and its first 8 digits in traces. */
  odfiRoutingNumber: string;
  destinationName: string;
  /** The immediate origin (ten characters, usually "1" + EIN). */
  immediateOrigin: string;
  originName: string;
  /** Company identification (ten characters) in batch headers and controls. */
  companyId: string;
  companyName: string;
  /** The entry description the receiver sees on its statement (ten characters), e.g. "CLAIMS". */
  entryDescription: string;
}

export interface AchCredit {
  secCode: 'PPD' | 'CCD';
  accountType: 'checking' | 'savings';
  routingNumber: string;
  accountNumber: string;
  amountCents: number;
  /** The receiver's identification (15 characters), e.g. our payment reference. */
  identification: string;
  receiverName: string;
}

export interface AchFile {
  text: string;
  /** Trace number of each credit, in the order given. */
  traceNumbers: string[];
  entryCount: number;
  entryHash: number;
  totalCreditCents: number;
  batchCount: number;
  blockCount: number;
}

/** ABA routing number check: 3·d1 + 7·d2 + d3 + 3·d4 + 7·d5 + d6 + 3·d7 + 7·d8 + d9 ≡ 0 (mod 10). */
export function isRoutingNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  const sum = [...value].reduce((total, digit, index) => total + Number(digit) * weights[index]!, 0);
  return sum % 10 === 0 && value !== '000000000';
}

/** Upper-case ASCII letters, digits and common punctuation; accents dropped; anything else a space. */
export function achText(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9 .,&'/()-]/g, ' ');
}

/** Alphanumeric field: left-justified, space-filled, cut to the width. */
export function alpha(value: string, width: number): string {
  return achText(value).slice(0, width).padEnd(width, ' ');
}

/** Numeric field: right-justified, zero-filled; refuses a value that does not fit. */
export function numeric(value: number | bigint | string, width: number): string {
  const text = String(value);
  if (!/^\d+$/.test(text)) throw new RangeError(`${text} is not a whole non-negative number`);
  if (text.length > width) throw new RangeError(`${text} does not fit in ${width} digits`);
  return text.padStart(width, '0');
}

function yymmdd(date: string): string {
  return `${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}`;
}

const TRANSACTION_CODE = { checking: '22', savings: '32' } as const;

/** The entry hash: the sum of the RDFI routing numbers' first 8 digits, its last 10 digits kept. */
export function entryHash(routingNumbers: readonly string[]): number {
  const sum = routingNumbers.reduce((total, routing) => total + Number(routing.slice(0, 8)), 0);
  return sum % 10_000_000_000;
}

/**
 * Builds the file. `createdAt` is the file creation instant as YYYY-MM-DD and HH:MM (the caller's clock
 * in the business time zone); `effectiveOn` is the effective entry date; `fileIdModifier` tells two files
 * of the same day apart (A–Z, 0–9).
 */
export function buildAchFile(input: {
  originator: AchOriginator;
  credits: readonly AchCredit[];
  createdOn: string;
  createdTime: string;
  effectiveOn: string;
  fileIdModifier: string;
  referenceCode?: string;
}): AchFile {
  const { originator } = input;
  if (!isRoutingNumber(originator.odfiRoutingNumber))
    throw new RangeError('the ODFI routing number fails its check digit');
  const odfi8 = originator.odfiRoutingNumber.slice(0, 8);
  const records: string[] = [];
  records.push(
    [
      '1',
      '01',
      ` ${originator.odfiRoutingNumber}`,
      originator.immediateOrigin.padStart(10, ' ').slice(-10),
      yymmdd(input.createdOn),
      input.createdTime.replace(':', ''),
      alpha(input.fileIdModifier, 1),
      '094',
      '10',
      '1',
      alpha(originator.destinationName, 23),
      alpha(originator.originName, 23),
      alpha(input.referenceCode ?? '', 8),
    ].join(''),
  );
  const traceNumbers: string[] = new Array(input.credits.length);
  let traceSequence = 0;
  let batchNumber = 0;
  let fileEntryCount = 0;
  let fileCreditCents = 0;
  const fileRoutings: string[] = [];
  for (const secCode of ['CCD', 'PPD'] as const) {
    const batch = input.credits
      .map((credit, index) => ({ credit, index }))
      .filter(({ credit }) => credit.secCode === secCode);
    if (batch.length === 0) continue;
    batchNumber += 1;
    records.push(
      [
        '5',
        '220',
        alpha(originator.companyName, 16),
        alpha('', 20),
        alpha(originator.companyId, 10),
        secCode,
        alpha(originator.entryDescription, 10),
        alpha('', 6),
        yymmdd(input.effectiveOn),
        '   ',
        '1',
        odfi8,
        numeric(batchNumber, 7),
      ].join(''),
    );
    let batchCreditCents = 0;
    const batchRoutings: string[] = [];
    for (const { credit, index } of batch) {
      if (!isRoutingNumber(credit.routingNumber))
        throw new RangeError(`routing number ${credit.routingNumber} fails its check digit`);
      if (!Number.isSafeInteger(credit.amountCents) || credit.amountCents <= 0)
        throw new RangeError('an ACH credit is a positive whole number of cents');
      traceSequence += 1;
      const trace = `${odfi8}${numeric(traceSequence, 7)}`;
      traceNumbers[index] = trace;
      records.push(
        [
          '6',
          TRANSACTION_CODE[credit.accountType],
          credit.routingNumber.slice(0, 8),
          credit.routingNumber.slice(8),
          alpha(credit.accountNumber, 17),
          numeric(credit.amountCents, 10),
          alpha(credit.identification, 15),
          alpha(credit.receiverName, 22),
          '  ',
          '0',
          trace,
        ].join(''),
      );
      batchCreditCents += credit.amountCents;
      batchRoutings.push(credit.routingNumber);
    }
    records.push(
      [
        '8',
        '220',
        numeric(batch.length, 6),
        numeric(entryHash(batchRoutings), 10),
        numeric(0, 12),
        numeric(batchCreditCents, 12),
        alpha(originator.companyId, 10),
        ' '.repeat(19),
        ' '.repeat(6),
        odfi8,
        numeric(batchNumber, 7),
      ].join(''),
    );
    fileEntryCount += batch.length;
    fileCreditCents += batchCreditCents;
    fileRoutings.push(...batchRoutings);
  }
  const recordCount = records.length + 1;
  const blockCount = Math.ceil(recordCount / BLOCKING_FACTOR);
  const hash = entryHash(fileRoutings);
  records.push(
    [
      '9',
      numeric(batchNumber, 6),
      numeric(blockCount, 6),
      numeric(fileEntryCount, 8),
      numeric(hash, 10),
      numeric(0, 12),
      numeric(fileCreditCents, 12),
      ' '.repeat(39),
    ].join(''),
  );
  while (records.length % BLOCKING_FACTOR !== 0) records.push('9'.repeat(RECORD_LENGTH));
  for (const record of records)
    if (record.length !== RECORD_LENGTH) throw new Error(`an ACH record is ${record.length} characters`);
  return {
    text: `${records.join('\n')}\n`,
    traceNumbers,
    entryCount: fileEntryCount,
    entryHash: hash,
    totalCreditCents: fileCreditCents,
    batchCount: batchNumber,
    blockCount,
  };
}
