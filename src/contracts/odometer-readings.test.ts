import { describe, expect, it } from 'vitest';
import { type OdometerReading, readingBelowLast, readingWords } from './odometer-readings.js';

const claim: OdometerReading = {
  odometer: 25_000,
  readOn: '2026-10-02',
  source: 'repair_claim',
  reference: 'RC-2026-000123',
};
const transfer: OdometerReading = {
  odometer: 26_000,
  readOn: '2026-10-20',
  source: 'transfer',
  reference: null,
};

describe('an odometer reading against the last one recorded on the contract', () => {
  it.each<[string, number, OdometerReading | undefined, boolean]>([
    ['no reading recorded yet', 18_300, undefined, true],
    ['above the last reading', 26_500, transfer, true],
    ['equal to the last reading (the same day, say)', 26_000, transfer, true],
    ['a mile below the last reading', 25_999, transfer, false],
    ['far below a repair claim’s reading', 18_300, claim, false],
  ])('%s', (_name, odometer, last, allowed) => {
    const refusal = readingBelowLast(odometer, last);
    if (allowed) expect(refusal).toBeNull();
    else expect(refusal).toMatchObject({ code: 'odometer_below_last_reading', param: 'odometer' });
  });

  it('names the reading, its date and the record that took it', () => {
    expect(readingBelowLast(18_300, claim)?.detail).toBe(
      'The odometer reading (18,300 miles) is below the last reading recorded on this contract: 25,000 miles on 2026-10-02 (repair claim RC-2026-000123). Give the reading on the dashboard today.',
    );
    expect(readingWords(transfer)).toBe('26,000 miles on 2026-10-20 (transfer)');
    expect(readingWords({ ...transfer, source: 'cancellation' })).toBe(
      '26,000 miles on 2026-10-20 (cancellation)',
    );
  });
});
