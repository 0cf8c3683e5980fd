// Maker–checker for paying a GAP benefit: an adjuster pays alone up to their approval limit; above it
// one adjuster proposes the payment and a second, different adjuster whose own limit covers the amount
// approves it. The same person can never be both (separation of duties in claims payment).

export interface PaymentProposal {
  userId: string;
  amountCents: number;
}

export type ApprovalStep =
  | { action: 'pay'; checkedBy: PaymentProposal | null }
  | { action: 'propose' }
  | { action: 'refuse'; code: 'second_approver_required' | 'approval_limit_exceeded' | 'proposal_outdated' };

export function approvalStep(input: {
  amountCents: number;
  approverUserId: string;
  approverLimitCents: number;
  proposal: PaymentProposal | null;
}): ApprovalStep {
  const { amountCents, approverUserId, approverLimitCents, proposal } = input;
  if (proposal === null) {
    return amountCents <= approverLimitCents ? { action: 'pay', checkedBy: null } : { action: 'propose' };
  }
  // A benefit recalculated after the proposal is a new amount that nobody has proposed.
  if (proposal.amountCents !== amountCents) return { action: 'refuse', code: 'proposal_outdated' };
  if (proposal.userId === approverUserId) return { action: 'refuse', code: 'second_approver_required' };
  if (amountCents > approverLimitCents) return { action: 'refuse', code: 'approval_limit_exceeded' };
  return { action: 'pay', checkedBy: proposal };
}
