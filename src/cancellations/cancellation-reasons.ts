// Why a contract is cancelled, who is paid the refund and what proof each reason needs (docs/domain.md
// "Parties" — the lienholder is payee while the loan is open and sole payee after repossession or
// total loss — and "Cancellations": payoff letter, total-loss letter, repossession letter, odometer
// statement, signed request).

import type { CancellationReason } from '../platform/db/schema.js';

export const CANCELLATION_REASONS = [
  'customer_request',
  'payoff',
  'total_loss',
  'repossession',
  'trade_in',
] as const satisfies readonly CancellationReason[];

export type ProofType =
  | 'signed_request'
  | 'odometer_statement'
  | 'payoff_letter'
  | 'total_loss_letter'
  | 'repossession_letter';

export interface Proof {
  type: ProofType;
  label: string;
}

const PROOF_LABELS: Record<ProofType, string> = {
  signed_request: 'A cancellation request signed by the contract holder',
  odometer_statement: 'An odometer statement showing the mileage on the cancellation date',
  payoff_letter: 'A letter from the lender confirming the loan was paid off',
  total_loss_letter: "The insurer's letter declaring the vehicle a total loss",
  repossession_letter: "The lender's letter confirming the repossession",
};

// The documents each reason needs before the refund is released. Where the vehicle is gone (total
// loss, repossession) the holder cannot state the mileage, so the third party's letter stands for it.
const PROOF_BY_REASON: Record<CancellationReason, readonly ProofType[]> = {
  customer_request: ['signed_request', 'odometer_statement'],
  payoff: ['payoff_letter', 'signed_request', 'odometer_statement'],
  total_loss: ['total_loss_letter'],
  repossession: ['repossession_letter'],
  trade_in: ['signed_request', 'odometer_statement'],
};

export function requiredProof(reason: CancellationReason): Proof[] {
  return PROOF_BY_REASON[reason].map((type) => ({ type, label: PROOF_LABELS[type] }));
}

export interface Payee {
  kind: 'holder' | 'lienholder';
  name: string;
}

/**
 * The refund's payee: the lienholder whenever one is recorded, unless the reason is that the loan was
 * paid off (then the loan is closed and the holder is paid). After a repossession or total loss the
 * lienholder is the sole payee; with no lienholder on record the holder is paid.
 */
export function refundPayee(
  contract: { holderName: string; lienholderName: string | null },
  reason: CancellationReason,
): Payee {
  if (contract.lienholderName !== null && reason !== 'payoff') {
    return { kind: 'lienholder', name: contract.lienholderName };
  }
  return { kind: 'holder', name: contract.holderName };
}

export function payeeSentence(payee: Payee, reason: CancellationReason): string {
  if (payee.kind === 'holder') return `The refund is paid to you, ${payee.name}.`;
  if (reason === 'total_loss' || reason === 'repossession') {
    return `The refund is paid to ${payee.name} alone, the lender, because the vehicle is no longer yours.`;
  }
  return `The refund is paid to ${payee.name}, your lender, because the loan is still open.`;
}

/** payeeSentence as a stable code and its parameter, for a page to say in its reader's language. */
export function payeeSentenceItem(
  payee: Payee,
  reason: CancellationReason,
): { code: string; params: Record<string, string> } {
  const params = { name: payee.name };
  if (payee.kind === 'holder') return { code: 'payee_holder', params };
  if (reason === 'total_loss' || reason === 'repossession') return { code: 'payee_lienholder_alone', params };
  return { code: 'payee_lienholder_open_loan', params };
}
