import { describe, expect, it } from 'vitest';
import { actionLabel, auditDetails } from '../../web/src/screen-words.js';

// The facts a staff audit trail shows beside an event, from its data.

describe('auditDetails', () => {
  it.each([
    ['no data', null, ''],
    ['nothing it knows', { lines: [{ id: 'x' }] }, ''],
    [
      'a repair authorized',
      { authorizationNumber: 'AUTH-2026-000123', authorizedCents: 70_000, payableToFacilityCents: 60_000 },
      'authorization AUTH-2026-000123, $700.00 authorized, $600.00 payable',
    ],
    ['a repair paid', { amountCents: 60_000, reference: 'CHK-1001' }, '$600.00 paid, reference CHK-1001'],
    [
      'a claim denied',
      { payableCents: 9_000, reasonCode: 'receipts_missing' },
      '$90.00 payable, receipts missing',
    ],
    ['a document received', { documentType: 'police_report' }, 'police report'],
    ['an empty text', { reference: '' }, ''],
  ])('%s', (_name, data, expected) => {
    expect(auditDetails(data)).toBe(expected);
  });

  it('names the new decision actions in words', () => {
    expect(actionLabel('trip_interruption_claim.denied')).toBe('Trip interruption claim denied');
    expect(actionLabel('repair_claim.authorized')).toBe('Repair authorized');
  });
});
