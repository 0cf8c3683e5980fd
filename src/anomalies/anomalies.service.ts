// The anomaly flags of a page of work-queue items: the repository finds the evidence, the rule
// (anomaly-flags.ts) says what it means.
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { calendarDateInZone } from '../shared/calendar-date.js';
import {
  earlyClaimRows,
  endedContractRows,
  facilityHistoryRows,
  readingBelowRows,
  repeatClaimRows,
  sharedFileRows,
} from './anomalies.repository.js';
import {
  type AnomalyFlag,
  FACILITY_HISTORY_CLAIMS,
  FACILITY_MIN_HISTORY_CLAIMS,
  type FlaggableItem,
  flaggableIds,
  flagsOf,
} from './anomaly-flags.js';

/** Flags per item id (items without a flag are absent); `timeZone` dates a claim by its business day. */
export async function anomalyFlags(
  db: Kysely<Database>,
  items: readonly FlaggableItem[],
  timeZone: string,
): Promise<Map<string, AnomalyFlag[]>> {
  const { claimIds, documentIds } = flaggableIds(items);
  const ids = [...claimIds, ...documentIds];
  const claims = claimIds.length > 0;
  const [repeats, early, jumps, duplicates] = [
    claims ? await repeatClaimRows(db, claimIds) : [],
    claims ? await earlyClaimRows(db, claimIds) : [],
    claims
      ? await facilityHistoryRows(db, claimIds, {
          claims: FACILITY_HISTORY_CLAIMS,
          minimumClaims: FACILITY_MIN_HISTORY_CLAIMS,
        })
      : [],
    ids.length > 0 ? await sharedFileRows(db, ids) : [],
  ];
  const ended = (claims ? await endedContractRows(db, claimIds) : []).map((row) => ({
    id: row.id,
    contract_number: row.contract_number,
    status: row.status,
    cancel_on: row.cancel_on,
    claim_date: calendarDateInZone(row.submitted_at, timeZone),
  }));
  const readingsBelow = claims ? await readingBelowRows(db, claimIds, timeZone) : [];
  return flagsOf({ repeats, early, jumps, duplicates, ended, readingsBelow });
}
