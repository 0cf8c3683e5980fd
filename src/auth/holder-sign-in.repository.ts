// Holder sign-in's facts check and its throttle in one statement, when the throttle's counters are in
// the database: the contracts on the VIN are read, the facts compared, and the attempt counted in the
// address's window and the VIN's back-off from that address (cleared instead when the facts are right
// and both allow it) in the same statement. With the throttle on, a sign-in then costs the round trips
// of one without it.
import { type Kysely, sql } from 'kysely';
import { CA_PROVINCES } from '../catalog/regions.js';
import { prepared } from '../platform/db/prepared.js';
import type { Database } from '../platform/db/schema.js';
import {
  type AddressAttempt,
  type AddressAttemptOutcome,
  type AddressAttemptRow,
  addressAttemptOutcome,
  addressAttemptSql,
} from '../platform/rate-limit.js';

/** The Canadian provinces and territories, in the statement's text (constant: one prepared text). */
const PROVINCES = sql.join(CA_PROVINCES.map((code) => sql.lit(code)));

export interface HolderFactsKeys {
  vin: string;
  /** `lastNameKey` of the name given; null when it has no letters (it matches nothing). */
  lastNameKey: string | null;
  /** The ZIP given as a U.S. ZIP5 and as a Canadian postal code (each null when it is not one). */
  usZip: string | null;
  caPostalCode: string | null;
}

/**
 * The ids of the contracts (of at most 50 on the VIN, as `findHolderFactsByVin` reads them) whose
 * holder's last-name key and postal code match, with the attempt counted as `attemptFromAddress` of
 * platform/rate-limit.ts counts it, `succeeded` being "some contract matched". One named statement.
 */
export async function verifyHolderFactsCountingAttempt(
  db: Kysely<Database>,
  facts: HolderFactsKeys,
  attempt: Omit<AddressAttempt, 'succeeded'>,
  now: Date,
): Promise<{ contractIds: string[]; outcome: AddressAttemptOutcome }> {
  const counting = addressAttemptSql(attempt, now, sql<boolean>`exists (select 1 from matching)`);
  const query = sql<AddressAttemptRow & { contract_ids: string[] }>`
    with matching as (
      select c.id from (
        select id, holder_last_name_key, address_zip, address_state from contracts
        where vin = ${facts.vin}::text limit 50
      ) c
      where c.holder_last_name_key = ${facts.lastNameKey}::text
        and c.address_zip = case when c.address_state in (${PROVINCES})
          then ${facts.caPostalCode}::text else ${facts.usZip}::text end
    ), ${counting.ctes}
    select ${counting.columns}, array(select id::text from matching) as contract_ids`.compile(db);
  const row = (await db.executeQuery(prepared(query))).rows[0]!;
  return { contractIds: row.contract_ids, outcome: await addressAttemptOutcome(db, attempt, now, row) };
}
