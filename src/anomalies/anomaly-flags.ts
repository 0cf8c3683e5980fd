// Anomaly flags for the staff work queues (issue 10): a repeat claim on the same VIN and component
// group within the plan's catalog window (claims.repeatClaimWindowDays), the same file (SHA-256) on
// two claims, a repair facility whose claim amount or labor rate jumps against its own history, and
// a claim soon after the contract's purchase (claims.earlyClaimDays), a claim whose contract did not
// cover its date (cancelled as of that day or before, or void: it cannot be approved), a claim whose
// contract was cancelled as of a later day (covered, but the refund was worked out without it), and a claim whose
// odometer is below a reading recorded on its contract before it (kept, since a shop may correct a typo,
// but worth a look: contracts/odometer-readings.ts). Each is one SQL query over the page's items
// (anomalies.repository.ts); this file turns their rows into the flags, each with the reason a person
// reads.
import { type OdometerReadingSource, readingWords } from '../contracts/odometer-readings.js';
import type { ContractStatusValue } from '../platform/db/schema.js';
import { contractEndedForClaim } from '../repair-claims/claim-in-force.js';
import type { CalendarDate } from '../shared/calendar-date.js';
import { formatUsd } from '../shared/money.js';

export type AnomalyCode =
  | 'repeat_claim'
  | 'same_document_file'
  | 'facility_amount_jump'
  | 'facility_rate_jump'
  | 'early_claim'
  | 'contract_not_in_force'
  | 'cancelled_after_claim'
  | 'odometer_below_last_reading';

export interface AnomalyFlag {
  code: AnomalyCode;
  reason: string;
}

/** A facility's history: the claims before this one that its median is taken over (most recent first). */
export const FACILITY_HISTORY_CLAIMS = 20;
/** Fewer earlier claims than this is no history to compare against. */
export const FACILITY_MIN_HISTORY_CLAIMS = 5;
/** A claim above this multiple of the facility's median is a jump. */
export const FACILITY_JUMP_MULTIPLE = 2;

export interface FlaggableItem {
  kind: string;
  id: string;
}

const REPAIR_CLAIM_KINDS = new Set(['repair_claim_decision']);
const DOCUMENT_KINDS = new Set(['gap_document_review']);

function push(flags: Map<string, AnomalyFlag[]>, id: string, flag: AnomalyFlag): void {
  const list = flags.get(id) ?? [];
  if (!list.some((existing) => existing.code === flag.code && existing.reason === flag.reason))
    list.push(flag);
  flags.set(id, list);
}

/** What the queries found for a page's items (rows of anomalies.repository.ts). */
export interface AnomalyEvidence {
  repeats: readonly { id: string; other_number: string; component_group: string; days: number }[];
  early: readonly { id: string; days: number; limit_days: number }[];
  jumps: readonly {
    id: string;
    amount_cents: number;
    rate_cents: number;
    median_amount: number;
    median_rate: number;
    history: number;
  }[];
  duplicates: readonly { item_id: string; other_type: string; other_id: string; sha256: string }[];
  /** Claims on a cancelled or void contract, with the claim's business day (the service works it out). */
  ended?: readonly {
    id: string;
    contract_number: string;
    status: ContractStatusValue;
    cancel_on: CalendarDate | null;
    claim_date: CalendarDate;
  }[];
  /** Claims below the highest reading recorded on their contract before them, with that reading. */
  readingsBelow?: readonly {
    id: string;
    claim_odometer: number;
    odometer: number;
    read_on: CalendarDate;
    source: OdometerReadingSource;
    reference: string | null;
  }[];
}

/** Which items a kind of flag looks at: repair claims for the claim flags, both for the shared file. */
export function flaggableIds(items: readonly FlaggableItem[]): { claimIds: string[]; documentIds: string[] } {
  return {
    claimIds: items.filter((item) => REPAIR_CLAIM_KINDS.has(item.kind)).map((item) => item.id),
    documentIds: items.filter((item) => DOCUMENT_KINDS.has(item.kind)).map((item) => item.id),
  };
}

/** Flags per item id (items without a flag are absent). */
export function flagsOf(evidence: AnomalyEvidence): Map<string, AnomalyFlag[]> {
  const flags = new Map<string, AnomalyFlag[]>();
  for (const row of evidence.repeats) {
    push(flags, row.id, {
      code: 'repeat_claim',
      reason: `Same VIN and component group (${row.component_group}) as claim ${row.other_number}, ${row.days === 0 ? 'the same day' : `${row.days} days earlier`}`,
    });
  }
  for (const row of evidence.early) {
    push(flags, row.id, {
      code: 'early_claim',
      reason: `Submitted ${row.days} days after the contract was bought (flagged within ${row.limit_days})`,
    });
  }
  for (const row of evidence.jumps) {
    if (row.amount_cents > FACILITY_JUMP_MULTIPLE * row.median_amount) {
      push(flags, row.id, {
        code: 'facility_amount_jump',
        reason: `${formatUsd(row.amount_cents)} asked, over ${FACILITY_JUMP_MULTIPLE}× this facility's median of ${formatUsd(Math.round(row.median_amount))} over its last ${row.history} claims`,
      });
    }
    if (row.rate_cents > FACILITY_JUMP_MULTIPLE * row.median_rate) {
      push(flags, row.id, {
        code: 'facility_rate_jump',
        reason: `Labor rate ${formatUsd(row.rate_cents)}/h, over ${FACILITY_JUMP_MULTIPLE}× this facility's median of ${formatUsd(Math.round(row.median_rate))}/h`,
      });
    }
  }
  for (const row of evidence.ended ?? []) {
    const ended = contractEndedForClaim(
      { contractNumber: row.contract_number, status: row.status, cancelledOn: row.cancel_on },
      row.claim_date,
    );
    if (ended) push(flags, row.id, { code: 'contract_not_in_force', reason: ended.detail });
    // Cancelled as of a later day (a lender's payoff, say, while the claim waited): the contract covered
    // the claim and it may be approved, but the refund was worked out without it, so where the state
    // deducts claims it deducted nothing for it.
    else if (row.status === 'cancelled' && row.cancel_on !== null)
      push(flags, row.id, {
        code: 'cancelled_after_claim',
        reason: `Contract ${row.contract_number} was cancelled as of ${row.cancel_on}, after this claim's day (${row.claim_date}): it covered the claim, and the cancellation's refund was worked out without it`,
      });
  }
  for (const row of evidence.readingsBelow ?? []) {
    if (row.claim_odometer >= row.odometer) continue;
    const last = {
      odometer: row.odometer,
      readOn: row.read_on,
      source: row.source,
      reference: row.reference,
    };
    push(flags, row.id, {
      code: 'odometer_below_last_reading',
      reason: `Odometer ${row.claim_odometer.toLocaleString('en-US')} miles, below the last reading recorded on this contract before the claim: ${readingWords(last)}`,
    });
  }
  for (const row of evidence.duplicates) {
    push(flags, row.item_id, {
      code: 'same_document_file',
      reason: `The same file (SHA-256 ${row.sha256.slice(0, 12)}…) is on ${row.other_type.replace(/_/g, ' ')} ${row.other_id}`,
    });
  }
  return flags;
}
