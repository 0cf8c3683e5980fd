// What the kinds of ledger entries mean to the figures built on them (dashboard, what-if).

/**
 * Ledger kinds that move premium rather than pay a claim; every other payout is a claim payment
 * (repair payments, GAP benefits and benefit reimbursements), net of its reversals.
 */
export const PREMIUM_LEDGER_KINDS = ['cancellation_refund', 'transfer_fee'] as const;
