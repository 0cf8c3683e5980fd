// A repair is paid only when its contract was in force on the claim's date (docs/domain.md "Repair
// claims", step 4: "contract not in force"; "Cancellations"; "Selling through dealers": a voided contract
// never existed for money). A contract cancelled as of a day on or before the claim's date did not cover
// it; one cancelled as of a later day did (the repair came first). Pure: the service passes in the
// contract's status, the date it was cancelled as of and the claim's date.

import type { ContractStatusValue } from '../platform/db/schema.js';
import { type CalendarDate, compareDates } from '../shared/calendar-date.js';

export interface ClaimContractFacts {
  contractNumber: string;
  status: ContractStatusValue;
  /** The date its cancellation is dated (cancelOn); null when it was not cancelled (or none is recorded). */
  cancelledOn: CalendarDate | null;
}

/** Why the contract did not cover the claim: what the staff page, the work queue and a refusal say. */
export interface ContractEnded {
  status: 'cancelled' | 'void';
  cancelledOn: CalendarDate | null;
  detail: string;
}

/** Null when the contract covered the claim's date as far as its status goes; else why not. */
export function contractEndedForClaim(
  contract: ClaimContractFacts,
  claimDate: CalendarDate,
): ContractEnded | null {
  const deny = 'Deny its lines with the reason "contract not in force".';
  if (contract.status === 'void') {
    return {
      status: 'void',
      cancelledOn: null,
      detail: `Contract ${contract.contractNumber} is void: it never existed for money, so nothing on this claim can be approved or paid. ${deny}`,
    };
  }
  if (contract.status !== 'cancelled') return null;
  if (contract.cancelledOn !== null && compareDates(contract.cancelledOn, claimDate) > 0) return null;
  const asOf = contract.cancelledOn === null ? '' : ` as of ${contract.cancelledOn}`;
  return {
    status: 'cancelled',
    cancelledOn: contract.cancelledOn,
    detail: `Contract ${contract.contractNumber} is cancelled${asOf}, on or before this claim's date (${claimDate}): it was not in force for this repair, so nothing can be approved or paid. ${deny}`,
  };
}
