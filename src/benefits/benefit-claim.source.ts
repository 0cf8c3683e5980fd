// The work-queue sources of rental-reimbursement and trip-interruption claims waiting for staff review
// (submitted, not yet paid), ordered by their review due date (set when filed, from the catalog's review
// SLA: benefit-review-due.ts), then by when they were filed.
import { claimReference } from '../shared/claim-reference.js';
import type { WorkQueueCursor, WorkQueueSource } from '../work-queue/work-queue.js';
import { listOpenBenefitClaimsAfter } from './benefit-claim.repository.js';

export const RENTAL_CLAIM_REVIEW = 'rental_claim';
export const TRIP_INTERRUPTION_CLAIM_REVIEW = 'trip_interruption_claim';

const SOURCES = {
  [RENTAL_CLAIM_REVIEW]: {
    table: 'rental_claims',
    words: 'Rental claim',
    href: (id: string) => `/staff/rental-claims/${id}`,
  },
  [TRIP_INTERRUPTION_CLAIM_REVIEW]: {
    table: 'trip_interruption_claims',
    words: 'Trip interruption claim',
    href: (id: string) => `/staff/trip-interruption-claims/${id}`,
  },
} as const;

/**
 * The queue's cursor as a position in this source's own order. The queue orders by (dueOn, receivedAt,
 * kind, id): at the cursor's due date and instant, this kind's rows come after the cursor when the kind
 * sorts after the cursor's, before it when it sorts before, and by id when it is the same kind.
 */
function positionAfter(kind: string, after: WorkQueueCursor) {
  return {
    dueOn: after.dueOn,
    filedAt: new Date(after.receivedAt),
    id: kind === after.kind ? after.id : kind > after.kind ? '' : 'ffffffff-ffff-ffff-ffff-ffffffffffff',
    inclusiveOfTies: kind > after.kind,
  };
}

export function benefitClaimReviewSource(
  kind: typeof RENTAL_CLAIM_REVIEW | typeof TRIP_INTERRUPTION_CLAIM_REVIEW,
): WorkQueueSource {
  const source = SOURCES[kind];
  return {
    kind,
    // Benefit claims are paid on an adjuster's (or an admin's) word; a reviewer cannot open them.
    roles: ['adjuster', 'admin'],
    async list(db, page) {
      const rows = await listOpenBenefitClaimsAfter(
        db,
        source.table,
        page.after ? positionAfter(kind, page.after) : null,
        page.limit,
      );
      return rows.map((row) => ({
        kind,
        id: row.id,
        // The reference the holder reads on their page: two claims on one contract are told apart.
        title: `${source.words} on contract ${row.contract_number} (${claimReference(kind, row.id)})`,
        dueOn: row.review_due_on,
        escalated: false,
        receivedAt: row.created_at.toISOString(),
        href: source.href(row.id),
        details: {
          contractId: row.contract_id,
          contractNumber: row.contract_number,
          holderName: `${row.holder_first_name} ${row.holder_last_name}`,
          payableCents: row.payable_cents,
        },
      }));
    },
  };
}
