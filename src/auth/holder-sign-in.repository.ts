// Holder sign-in's facts check and its throttle in one statement, when the throttle's counters are in
// the database: the contracts on the VIN are read, the facts compared, and the attempt counted in the
// address's window and the VIN's back-off from that address (cleared instead when the facts are right
// and both allow it) in the same statement. With the throttle on, a sign-in then costs the round trips
// of one without it.
import { CompiledQuery, type Kysely } from 'kysely';
import { CA_PROVINCES } from '../catalog/regions.js';
import { PREPARED_MARK } from '../platform/db/prepared.js';
import type { Database } from '../platform/db/schema.js';
import {
  ADDRESS_ATTEMPT_COLUMNS,
  type AddressAttempt,
  type AddressAttemptOutcome,
  type AddressAttemptRow,
  addressAttemptCtes,
  addressAttemptOutcome,
  addressAttemptValues,
} from '../platform/rate-limit.js';

/** The Canadian provinces and territories as SQL literals (codes of two capital letters). */
const PROVINCES = CA_PROVINCES.map((code) => {
  if (!/^[A-Z]{2}$/.test(code)) throw new Error(`not a province code: ${code}`);
  return `'${code}'`;
}).join(', ');

// One fixed text, built once and named (platform/db/prepared.ts): $1–$4 the facts, then the
// attempt's parameters (platform/rate-limit.ts).
const VERIFY_FACTS_COUNTING_ATTEMPT = `${PREPARED_MARK}
    with matching as (
      select c.id from (
        select id, holder_last_name_key, address_zip, address_state from contracts
        where vin = $1::text limit 50
      ) c
      where c.holder_last_name_key = $2::text
        and c.address_zip = case when c.address_state in (${PROVINCES})
          then $3::text else $4::text end
    ), ${addressAttemptCtes(5, 'exists (select 1 from matching)')}
    select ${ADDRESS_ATTEMPT_COLUMNS}, array(select id::text from matching) as contract_ids`;

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
  const query = CompiledQuery.raw(VERIFY_FACTS_COUNTING_ATTEMPT, [
    facts.vin,
    facts.lastNameKey,
    facts.caPostalCode,
    facts.usZip,
    ...addressAttemptValues(attempt, now),
  ]) as CompiledQuery<AddressAttemptRow & { contract_ids: string[] }>;
  const row = (await db.executeQuery(query)).rows[0]!;
  return { contractIds: row.contract_ids, outcome: await addressAttemptOutcome(db, attempt, now, row) };
}
