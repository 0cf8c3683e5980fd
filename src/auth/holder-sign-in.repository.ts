// Holder sign-in's facts check and its throttle, when the throttle's counters are in the database. One
// statement reads the contracts on the VIN, compares the facts, and counts the attempt in the address's
// window; with the right facts from an address where no attempt failed within the back-off's reset
// window (nearly every sign-in), that is all: the VIN's back-off from that address cannot be waiting or
// hold failures to forget (migration 0046), so its row is not read. Otherwise (wrong facts, the window
// used up, or a failure from that address recently) a second statement decides the back-off under its
// row's lock, as before. With the throttle on, a holder with the right facts then costs the round trips
// of a sign-in without it, and the throttle's work is one counter row's update.
import { CompiledQuery, type Kysely } from 'kysely';
import { CA_PROVINCES } from '../catalog/regions.js';
import { PREPARED_MARK } from '../platform/db/prepared.js';
import type { Database } from '../platform/db/schema.js';
import {
  type AddressAttempt,
  type AddressAttemptOutcome,
  attemptPairAfterAddress,
  byAddressCte,
  windowOutcome,
} from '../platform/rate-limit.js';

/** The Canadian provinces and territories as SQL literals (codes of two capital letters). */
const PROVINCES = CA_PROVINCES.map((code) => {
  if (!/^[A-Z]{2}$/.test(code)) throw new Error(`not a province code: ${code}`);
  return `'${code}'`;
}).join(', ');

// One fixed text, built once and named (platform/db/prepared.ts): $1–$4 the facts, $5–$8 the address's
// window (its bucket, now, the window's start, its limit).
const VERIFY_FACTS_COUNTING_ATTEMPT = `${PREPARED_MARK}
    with matching as (
      select c.id from (
        select id, holder_last_name_key, address_zip, address_state from contracts
        where vin = $1::text limit 50
      ) c
      where c.holder_last_name_key = $2::text
        and c.address_zip = case when c.address_state in (${PROVINCES})
          then $3::text else $4::text end
    ), ${byAddressCte({ bucket: '$5', now: '$6', windowStart: '$7', limit: '$8' }, 'exists (select 1 from matching)')}
    select (select attempts from by_address) as address_attempts,
      (select window_started_at from by_address) as address_started_at,
      (select failed_at from by_address) as failed_at,
      array(select id::text from matching) as contract_ids`;

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
 * platform/rate-limit.ts counts it, `succeeded` being "some contract matched": the same outcomes, in one
 * statement when the back-off has nothing to say (see the top of this file), two otherwise.
 */
export async function verifyHolderFactsCountingAttempt(
  db: Kysely<Database>,
  facts: HolderFactsKeys,
  attempt: Omit<AddressAttempt, 'succeeded'>,
  now: Date,
): Promise<{ contractIds: string[]; outcome: AddressAttemptOutcome }> {
  const { address, pair } = attempt;
  const query = CompiledQuery.raw(VERIFY_FACTS_COUNTING_ATTEMPT, [
    facts.vin,
    facts.lastNameKey,
    facts.caPostalCode,
    facts.usZip,
    address.bucket,
    now,
    new Date(now.getTime() - address.rule.windowSeconds * 1000),
    address.rule.limit,
  ]) as CompiledQuery<{
    address_attempts: number;
    address_started_at: Date;
    failed_at: Date | null;
    contract_ids: string[];
  }>;
  const row = (await db.executeQuery(query)).rows[0]!;
  const byAddress = windowOutcome(
    address.rule,
    { attempts: row.address_attempts, window_started_at: row.address_started_at },
    now,
  );
  const resetStart = now.getTime() - pair.rule.resetAfterSeconds * 1000;
  const failedSince = row.failed_at !== null && new Date(row.failed_at).getTime() > resetStart;
  // No failure from this address within the reset window (so this attempt had the right facts and the
  // window allowed it): the back-off from this address has no wait running and nothing to forget.
  const byPair = failedSince
    ? await attemptPairAfterAddress(db, pair, row.contract_ids.length > 0 && byAddress.allowed, now)
    : { allowed: true, failures: 0, retryAfterSeconds: 0 };
  return { contractIds: row.contract_ids, outcome: { address: byAddress, pair: byPair } };
}
