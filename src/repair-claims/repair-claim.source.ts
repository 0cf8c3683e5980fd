// The work-queue source of repair claims waiting for an adjuster's decision. A shop waits with the
// vehicle apart, so a submitted claim is due by the end of the next business day after it arrives
// (the same clock docs/domain.md gives an after-hours emergency repair to be reported); the number of
// business days is a setting passed in, not a rule in this file.
import type { BusinessCalendar } from '../calendar/business-days.js';
import { compareItems, type WorkQueueSource } from '../work-queue/work-queue.js';
import { listSubmittedClaimsAfter } from './repair-claim.repository.js';

export const REPAIR_CLAIM_DECISION = 'repair_claim_decision';
const BATCH_SIZE = 200;
const MAX_BATCHES = 50;

export function repairClaimDecisionSource(
  calendar: BusinessCalendar,
  decisionBusinessDays: number,
): WorkQueueSource {
  return {
    kind: REPAIR_CLAIM_DECISION,
    // Deciding a repair claim is an adjuster's (and an admin's) work; a reviewer could not open it.
    roles: ['adjuster', 'admin'],
    async list(db, page) {
      // The due day only grows with the arrival instant, so arrival order is this source's queue order
      // and items at or before the cursor can be skipped while reading in that order.
      const items = [];
      let last: { submittedAt: Date; id: string } | null = null;
      for (let batch = 0; batch < MAX_BATCHES && items.length < page.limit; batch++) {
        const rows = await listSubmittedClaimsAfter(db, last, BATCH_SIZE);
        for (const row of rows) {
          const item = {
            kind: REPAIR_CLAIM_DECISION,
            id: row.id,
            title: `Repair claim ${row.claim_number} from ${row.facility_name}`,
            dueOn: calendar.reviewDueOn(row.submitted_at, decisionBusinessDays),
            escalated: false,
            receivedAt: row.submitted_at.toISOString(),
            href: `/adjuster/claims/${row.id}`,
            details: {
              claimNumber: row.claim_number,
              facilityName: row.facility_name,
              inspectionNeeded: row.inspection_required && row.inspected_at === null,
            },
          };
          if (page.after && compareItems(item, page.after) <= 0) continue;
          items.push(item);
          if (items.length >= page.limit) break;
        }
        if (rows.length < BATCH_SIZE) break;
        const tail = rows.at(-1)!;
        last = { submittedAt: tail.submitted_at, id: tail.id };
      }
      return items;
    },
  };
}
