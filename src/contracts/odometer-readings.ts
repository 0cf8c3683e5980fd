// An odometer reading does not go backwards (docs/domain.md "Cancellations": the miles share is counted
// from the reading; "Transfers": the odometer reading on the transfer form). Every record that takes a
// reading keeps it (a repair claim, a transfer, a cancellation); a later cancellation or transfer with a
// lower one would refund miles already driven or hand the buyer a wrong mileage, so it is refused and
// told which reading it is below. A repair claim below it is kept (a shop may correct a typo) and flagged
// for the adjuster (src/anomalies). Pure: the service passes in the last reading.

import type { CalendarDate } from '../shared/calendar-date.js';

export type OdometerReadingSource = 'repair_claim' | 'transfer' | 'cancellation';

/** A reading a record on the contract kept: the miles, the day it was taken and which record. */
export interface OdometerReading {
  odometer: number;
  readOn: CalendarDate;
  source: OdometerReadingSource;
  /** The record's number where it has one (a repair claim's RC-…); null otherwise. */
  reference: string | null;
}

const SOURCE_WORDS: Record<OdometerReadingSource, string> = {
  repair_claim: 'repair claim',
  transfer: 'transfer',
  cancellation: 'cancellation',
};

/** Which record took the reading, in words: "repair claim RC-2026-000001", "transfer". */
export function readingSourceWords(reading: Pick<OdometerReading, 'source' | 'reference'>): string {
  const words = SOURCE_WORDS[reading.source];
  return reading.reference ? `${words} ${reading.reference}` : words;
}

/** The reading as a person reads it: "25,000 miles on 2026-10-02 (repair claim RC-2026-000123)". */
export function readingWords(reading: OdometerReading): string {
  return `${reading.odometer.toLocaleString('en-US')} miles on ${reading.readOn} (${readingSourceWords(reading)})`;
}

export interface ReadingBelowLast {
  code: 'odometer_below_last_reading';
  param: 'odometer';
  detail: string;
}

/** Null when `odometer` is at or above the last reading recorded (or there is none); else the refusal. */
export function readingBelowLast(
  odometer: number,
  last: OdometerReading | undefined,
): ReadingBelowLast | null {
  if (!last || odometer >= last.odometer) return null;
  return {
    code: 'odometer_below_last_reading',
    param: 'odometer',
    detail: `The odometer reading (${odometer.toLocaleString('en-US')} miles) is below the last reading recorded on this contract: ${readingWords(last)}. Give the reading on the dashboard today.`,
  };
}
