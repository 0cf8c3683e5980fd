import { describe, expect, it } from 'vitest';
import type { ContractStatusValue } from '../platform/db/schema.js';
import { contractEndedForClaim } from './claim-in-force.js';

const CLAIM_DATE = '2026-11-20';

describe('whether a contract covered a repair claim’s date', () => {
  it.each<
    [string, ContractStatusValue, string | null, { status: string; cancelledOn: string | null } | null]
  >([
    ['an active contract', 'active', null, null],
    ['an expired contract (the claim was judged against its term when submitted)', 'expired', null, null],
    ['a contract cancelled as of the day after the claim', 'cancelled', '2026-11-21', null],
    [
      'a contract cancelled as of the claim’s day',
      'cancelled',
      CLAIM_DATE,
      { status: 'cancelled', cancelledOn: CLAIM_DATE },
    ],
    [
      'a contract cancelled as of a day before the claim',
      'cancelled',
      '2026-08-10',
      { status: 'cancelled', cancelledOn: '2026-08-10' },
    ],
    [
      'a cancelled contract with no cancellation date on record',
      'cancelled',
      null,
      { status: 'cancelled', cancelledOn: null },
    ],
    ['a void contract', 'void', null, { status: 'void', cancelledOn: null }],
  ])('%s', (_name, status, cancelledOn, expected) => {
    const ended = contractEndedForClaim({ contractNumber: 'VSC-1', status, cancelledOn }, CLAIM_DATE);
    if (expected === null) expect(ended).toBeNull();
    else expect(ended).toMatchObject(expected);
  });

  it('names the contract, its status and date, and what to do', () => {
    const ended = contractEndedForClaim(
      { contractNumber: 'DEMO-000002', status: 'cancelled', cancelledOn: '2026-08-10' },
      CLAIM_DATE,
    );
    expect(ended?.detail).toBe(
      'Contract DEMO-000002 is cancelled as of 2026-08-10, on or before this claim\'s date (2026-11-20): it was not in force for this repair, so nothing can be approved or paid. Deny its lines with the reason "contract not in force".',
    );
    expect(
      contractEndedForClaim({ contractNumber: 'DEMO-000003', status: 'void', cancelledOn: null }, CLAIM_DATE)
        ?.detail,
    ).toMatch(/^Contract DEMO-000003 is void: it never existed for money/);
  });
});
