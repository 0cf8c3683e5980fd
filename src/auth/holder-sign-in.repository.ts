// Holder sign-in's facts check and its throttle, when the throttle's counters are in the database. One
// statement reads the contracts on the VIN, compares the facts, and counts the attempt in the address's
// window; with the right facts from an address where no attempt failed within the back-off's reset
// window (nearly every sign-in), that is all: the VIN's back-off from that address cannot be waiting or
// hold failures to forget (migration 0046), so its row is not read. Otherwise (wrong facts, the window
// used up, or a failure from that address recently) a second statement decides the back-off under its
// row's lock, as before. With the throttle on, a holder with the right facts then costs the round trips
// of a sign-in without it, and the throttle's work is one counter row's update.
//
// A sign-in (not a GAP claim's check of the facts) also stores its session and audit rows in that same
// statement when the attempt needs nothing more: one round trip and one commit for the whole use case,
// with the throttle on or off, instead of the facts check, BEGIN, the session, an audit row per contract
// and COMMIT (see docs/performance-log.md, 2026-12-06 afternoon).
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

// The contracts on the VIN (at most 50) whose holder's last-name key and postal code match: $1 the VIN,
// $2 the last-name key, $3 the postal code read as Canadian, $4 as a U.S. ZIP.
const MATCHING_CTE = `matching as (
      select c.id from (
        select id, holder_last_name_key, address_zip, address_state from contracts
        where vin = $1::text limit 50
      ) c
      where c.holder_last_name_key = $2::text
        and c.address_zip = case when c.address_state in (${PROVINCES})
          then $3::text else $4::text end
    )`;

// $5–$8: the address's window (its bucket, now, the window's start, its limit).
const BY_ADDRESS_CTE = byAddressCte(
  { bucket: '$5', now: '$6', windowStart: '$7', limit: '$8' },
  'exists (select 1 from matching)',
);

// One fixed text, built once and named (platform/db/prepared.ts): the facts checked and the attempt
// counted (GAP claim start: its own transaction opens the session).
const VERIFY_FACTS_COUNTING_ATTEMPT = `${PREPARED_MARK}
    with ${MATCHING_CTE}, ${BY_ADDRESS_CTE}
    select (select attempts from by_address) as address_attempts,
      (select window_started_at from by_address) as address_started_at,
      (select failed_at from by_address) as failed_at,
      array(select id::text from matching) as contract_ids`;

/** The placeholders of a holder session's row and its sign-in's audit rows. */
interface SessionPlaceholders {
  tokenHash: string;
  csrfTokenHash: string;
  expiresAt: string;
  lastName: string;
  requestId: string;
}

/**
 * SQL text: the CTEs `session` and `audit`. The session row (holder scope: the matching contracts and
 * the last name as given) is inserted once for each row of `issuing` (an SQL from-clause that yields
 * one row when the sign-in goes ahead, none otherwise), and one audit row `holder.signed_in` for each
 * matching contract, its actor the new session: the rows `issueSession` and `recordAudit` write.
 */
function sessionCtes(issuing: string, p: SessionPlaceholders): string {
  return `session as (
      insert into sessions (token_hash, csrf_token_hash, holder_scope, expires_at)
      select ${p.tokenHash}::text, ${p.csrfTokenHash}::text,
        jsonb_build_object('contractIds', (select jsonb_agg(id::text) from matching), 'lastName', ${p.lastName}::text),
        ${p.expiresAt}::timestamptz
      from ${issuing}
      returning id
    ), audit as (
      insert into audit_events (actor_kind, actor_id, actor_label, action, entity_type, entity_id, request_id)
      select 'holder', s.id::text, 'contract holder', 'holder.signed_in', 'contract', m.id::text,
        ${p.requestId}::text
      from session s cross join matching m
    )`;
}

// A sign-in with the attempt counted in the database, in one statement: $1–$8 as above, $9 the start of
// the back-off's reset window, $10–$14 the session. The session is stored when the facts match, the
// address's window allows the attempt and no attempt from that address failed since $9 (so the VIN's
// back-off from it has nothing to say; see the top of this file).
const SIGN_IN_COUNTING_ATTEMPT = `${PREPARED_MARK}
    with ${MATCHING_CTE}, ${BY_ADDRESS_CTE}, ${sessionCtes(
      `by_address b where exists (select 1 from matching) and b.attempts <= $8::int
        and (b.failed_at is null or b.failed_at <= $9::timestamptz)`,
      { tokenHash: '$10', csrfTokenHash: '$11', expiresAt: '$12', lastName: '$13', requestId: '$14' },
    )}
    select (select attempts from by_address) as address_attempts,
      (select window_started_at from by_address) as address_started_at,
      (select failed_at from by_address) as failed_at,
      array(select id::text from matching) as contract_ids,
      (select id from session) as session_id`;

// A sign-in whose attempt is not counted here (the throttle off, or its counters in the process's
// memory, counted before): $1–$4 the facts, $5–$9 the session, stored when the facts match.
const SIGN_IN_UNCOUNTED = `${PREPARED_MARK}
    with ${MATCHING_CTE}, ${sessionCtes('(select 1) one where exists (select 1 from matching)', {
      tokenHash: '$5',
      csrfTokenHash: '$6',
      expiresAt: '$7',
      lastName: '$8',
      requestId: '$9',
    })}
    select array(select id::text from matching) as contract_ids, (select id from session) as session_id`;

export interface HolderFactsKeys {
  vin: string;
  /** `lastNameKey` of the name given; null when it has no letters (it matches nothing). */
  lastNameKey: string | null;
  /** The ZIP given as a U.S. ZIP5 and as a Canadian postal code (each null when it is not one). */
  usZip: string | null;
  caPostalCode: string | null;
}

/** A holder session to store with its sign-in (`AuthService.newSession`), and its audit rows' request. */
export interface HolderSessionRow {
  tokenHash: string;
  csrfTokenHash: string;
  expiresAt: Date;
  /** The last name as the holder gave it (trimmed), kept in the session's holder scope. */
  lastName: string;
  requestId: string;
}

/** What a statement that counted an attempt returns of the address's row and the matching contracts. */
interface CountedRow {
  address_attempts: number;
  address_started_at: Date;
  failed_at: Date | null;
  contract_ids: string[];
}

/**
 * The outcome of a counted attempt: the address's window from its row, and the VIN's back-off from the
 * address, decided in a second statement only when an attempt from that address failed within its
 * reset window (this one included).
 */
async function countedOutcome(
  db: Kysely<Database>,
  attempt: Omit<AddressAttempt, 'succeeded'>,
  now: Date,
  row: CountedRow,
): Promise<AddressAttemptOutcome> {
  const { address, pair } = attempt;
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
  return { address: byAddress, pair: byPair };
}

/** The parameters $1–$4 of `MATCHING_CTE`. */
function factValues(facts: HolderFactsKeys): unknown[] {
  return [facts.vin, facts.lastNameKey, facts.caPostalCode, facts.usZip];
}

/** The parameters $1–$8 of a statement that checks the facts and counts the attempt. */
function countingValues(facts: HolderFactsKeys, address: AddressAttempt['address'], now: Date): unknown[] {
  return [
    ...factValues(facts),
    address.bucket,
    now,
    new Date(now.getTime() - address.rule.windowSeconds * 1000),
    address.rule.limit,
  ];
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
  const query = CompiledQuery.raw(
    VERIFY_FACTS_COUNTING_ATTEMPT,
    countingValues(facts, attempt.address, now),
  ) as CompiledQuery<CountedRow>;
  const row = (await db.executeQuery(query)).rows[0]!;
  return { contractIds: row.contract_ids, outcome: await countedOutcome(db, attempt, now, row) };
}

/**
 * A holder's sign-in with the attempt counted in the database, as `verifyHolderFactsCountingAttempt`
 * counts it, and its session stored in the same statement when the sign-in needs nothing more (the
 * facts match, the address's window allows it, and no attempt from the address failed recently):
 * `sessionId` then names it. Otherwise `sessionId` is null and `outcome` says what to answer; with
 * right facts that both buckets allow (a failure from the address recently, and the VIN's back-off
 * clear), the caller stores the session itself.
 */
export async function signInCountingAttempt(
  db: Kysely<Database>,
  facts: HolderFactsKeys,
  attempt: Omit<AddressAttempt, 'succeeded'>,
  session: HolderSessionRow,
  now: Date,
): Promise<
  | { contractIds: string[]; sessionId: string }
  | { contractIds: string[]; sessionId: null; outcome: AddressAttemptOutcome }
> {
  const query = CompiledQuery.raw(SIGN_IN_COUNTING_ATTEMPT, [
    ...countingValues(facts, attempt.address, now),
    new Date(now.getTime() - attempt.pair.rule.resetAfterSeconds * 1000),
    session.tokenHash,
    session.csrfTokenHash,
    session.expiresAt,
    session.lastName,
    session.requestId,
  ]) as CompiledQuery<CountedRow & { session_id: string | null }>;
  const row = (await db.executeQuery(query)).rows[0]!;
  if (row.session_id !== null) return { contractIds: row.contract_ids, sessionId: row.session_id };
  return {
    contractIds: row.contract_ids,
    sessionId: null,
    outcome: await countedOutcome(db, attempt, now, row),
  };
}

/**
 * A holder's sign-in whose attempt is not counted in this statement: the matching contracts, and the
 * session stored with its audit rows when there are any (`sessionId`, else null), in one statement.
 */
export async function signInUncounted(
  db: Kysely<Database>,
  facts: HolderFactsKeys,
  session: HolderSessionRow,
): Promise<{ contractIds: string[]; sessionId: string | null }> {
  const query = CompiledQuery.raw(SIGN_IN_UNCOUNTED, [
    ...factValues(facts),
    session.tokenHash,
    session.csrfTokenHash,
    session.expiresAt,
    session.lastName,
    session.requestId,
  ]) as CompiledQuery<{ contract_ids: string[]; session_id: string | null }>;
  const row = (await db.executeQuery(query)).rows[0]!;
  return { contractIds: row.contract_ids, sessionId: row.session_id };
}
