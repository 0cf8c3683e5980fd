import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { approvalStep } from './payment-approval.js';

const maker = 'user-maker';
const checker = 'user-checker';

describe('approvalStep (maker–checker for GAP benefits)', () => {
  it.each([
    ['within the limit, no proposal', 500_000, maker, 500_000, null, { action: 'pay', checkedBy: null }],
    ['above the limit, no proposal', 500_001, maker, 500_000, null, { action: 'propose' }],
    [
      'the proposer approving their own proposal',
      595_000,
      maker,
      500_000,
      { userId: maker, amountCents: 595_000 },
      { action: 'refuse', code: 'second_approver_required' },
    ],
    [
      'a second adjuster whose limit covers it',
      595_000,
      checker,
      1_000_000,
      { userId: maker, amountCents: 595_000 },
      { action: 'pay', checkedBy: { userId: maker, amountCents: 595_000 } },
    ],
    [
      'a second adjuster whose limit does not cover it',
      595_000,
      checker,
      500_000,
      { userId: maker, amountCents: 595_000 },
      { action: 'refuse', code: 'approval_limit_exceeded' },
    ],
    [
      'a proposal for an amount since recalculated',
      600_000,
      checker,
      1_000_000,
      { userId: maker, amountCents: 595_000 },
      { action: 'refuse', code: 'proposal_outdated' },
    ],
  ] as const)('%s', (_case, amountCents, approverUserId, approverLimitCents, proposal, expected) => {
    expect(
      approvalStep({
        amountCents,
        approverUserId,
        approverLimitCents,
        proposal: proposal ? { ...proposal } : null,
      }),
    ).toEqual(expected);
  });

  it('never pays above the approver’s limit without a proposal by someone else', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.constantFrom(maker, checker),
        fc.option(
          fc.record({
            userId: fc.constantFrom(maker, checker),
            amountCents: fc.integer({ min: 0, max: 10_000_000 }),
          }),
        ),
        (amountCents, approverLimitCents, approverUserId, proposal) => {
          const step = approvalStep({ amountCents, approverUserId, approverLimitCents, proposal });
          if (step.action !== 'pay') return;
          expect(amountCents).toBeLessThanOrEqual(approverLimitCents);
          if (step.checkedBy === null) expect(amountCents).toBeLessThanOrEqual(approverLimitCents);
          else {
            expect(step.checkedBy.userId).not.toBe(approverUserId);
            expect(step.checkedBy.amountCents).toBe(amountCents);
          }
        },
      ),
      { seed: 19 },
    );
  });
});
