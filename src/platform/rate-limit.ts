// Attempt counters kept in the database, so every app process behind a load balancer shares them
// (a per-process counter would let an attacker multiply their tries by the number of processes).
// Fixed windows: a bucket counts attempts from its first one until the window has passed. Back-off
// buckets count consecutive failures of one key from one client address: a few are free, then each
// further attempt must wait twice as long as the last (rows of the same table: `attempts` is the
// failure count and `window_started_at` the time of the last attempt).
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { AppError } from '../shared/errors.js';
import { PREPARED_MARK } from './db/prepared.js';
import type { Database } from './db/schema.js';

export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

export interface RateLimitOutcome {
  allowed: boolean;
  attempts: number;
  retryAfterSeconds: number;
}

/** Exponential back-off for one key (a VIN, an email) from one client address. */
export interface BackoffRule {
  /** Failed attempts allowed before any wait. */
  freeAttempts: number;
  /** The wait after the first failure past the free ones; it doubles with each further failure. */
  baseDelaySeconds: number;
  /** The longest wait. */
  maxDelaySeconds: number;
  /** A bucket with no attempt for this long starts again from zero. */
  resetAfterSeconds: number;
}

export interface BackoffOutcome {
  allowed: boolean;
  /** Consecutive failures counted, this attempt included when allowed. */
  failures: number;
  /** When refused: seconds until the next attempt is allowed. */
  retryAfterSeconds: number;
}

/** One sign-in attempt of a key (a VIN, an email) from a client address, as the throttles count it. */
export interface AddressAttempt {
  /** The address's window over all keys. */
  address: { bucket: string; rule: RateLimitRule };
  /** The back-off of this key from this address (its bucket name derives from the address too). */
  pair: { bucket: string; rule: BackoffRule };
  /**
   * True when the attempt's facts are known to be right (holder sign-in checks them first): if both
   * buckets allow it, the pair's back-off is cleared instead of counting a failure. False when they
   * are wrong or not known yet: counted as a failure (a success then clears the bucket afterwards).
   */
  succeeded: boolean;
}

export interface AddressAttemptOutcome {
  address: RateLimitOutcome;
  /** Failures 0 when the attempt cleared the back-off. */
  pair: BackoffOutcome;
}

/**
 * Throws 429 too_many_attempts when the address's window or the key's back-off refused the attempt,
 * with the longer of their waits: "Too many <what>. Try again in N minute(s)."
 */
export function refuseWhenLimited({ address, pair }: AddressAttemptOutcome, what: string): void {
  const waits = [
    ...(address.allowed ? [] : [address.retryAfterSeconds]),
    ...(pair.allowed ? [] : [pair.retryAfterSeconds]),
  ];
  if (waits.length === 0) return;
  const retryAfter = Math.max(...waits);
  throw new AppError(
    'too_many_attempts',
    `Too many ${what}. Try again in ${Math.ceil(retryAfter / 60)} minute(s).`,
    {
      retryAfterSeconds: retryAfter,
    },
  );
}

/** Seconds an attempt must wait after `failures` consecutive failures: 0, then base × 2^n up to the cap. */
export function backoffDelaySeconds(failures: number, rule: BackoffRule): number {
  if (failures < rule.freeAttempts) return 0;
  const doublings = Math.min(failures - rule.freeAttempts, 40);
  return Math.min(rule.maxDelaySeconds, rule.baseDelaySeconds * 2 ** doublings);
}

/**
 * Decides one attempt of a back-off bucket from its state before the attempt: refused while the wait
 * after its last attempt is running (the state is then unchanged, so a refused guess does not prolong
 * the wait), else counted as a failure (a success clears the bucket afterwards).
 */
export function decideBackoff(
  before: { failures: number; lastAttemptAt: number } | undefined,
  rule: BackoffRule,
  nowMs: number,
): BackoffOutcome & { after: { failures: number; lastAttemptAt: number } } {
  const live = before && before.lastAttemptAt > nowMs - rule.resetAfterSeconds * 1000 ? before : undefined;
  const failures = live?.failures ?? 0;
  const allowedAt = live ? live.lastAttemptAt + backoffDelaySeconds(failures, rule) * 1000 : nowMs;
  if (nowMs < allowedAt) {
    return {
      allowed: false,
      failures,
      retryAfterSeconds: Math.max(1, Math.ceil((allowedAt - nowMs) / 1000)),
      after: live as { failures: number; lastAttemptAt: number },
    };
  }
  return {
    allowed: true,
    failures: failures + 1,
    retryAfterSeconds: 0,
    after: { failures: failures + 1, lastAttemptAt: nowMs },
  };
}

/** The placeholders of a back-off rule's parameters and of the times it is decided at. */
interface BackoffPlaceholders {
  now: string;
  resetStart: string;
  freeAttempts: string;
  maxDelaySeconds: string;
  baseDelaySeconds: string;
}

/**
 * SQL text: true when the wait after the last attempt recorded in row `x` (a back-off bucket) still
 * runs, with the rule and times as the parameters named (placeholders such as `$5`).
 */
function waitRunsOver(x: 'old' | 'r', p: BackoffPlaceholders): string {
  // The same as backoffDelaySeconds: no wait before the free attempts are used, then
  // base × 2^(failures − free), at most the cap.
  return `(${x}.window_started_at > ${p.resetStart}::timestamptz
    and ${x}.attempts >= ${p.freeAttempts}::int
    and ${p.now}::timestamptz < ${x}.window_started_at + make_interval(secs => least(${p.maxDelaySeconds}::float8,
      ${p.baseDelaySeconds}::float8 * power(2, least(${x}.attempts - ${p.freeAttempts}::int, 40)))))`;
}

/** What a back-off statement returns of its bucket: the state it locked, and the count it wrote. */
interface BackoffRow {
  old_attempts: number | null;
  old_at: Date | null;
  counted: number | null;
}

/** The outcome of a back-off bucket from what its statement returned. */
async function backoffOutcome(
  db: Kysely<Database>,
  bucket: string,
  rule: BackoffRule,
  now: Date,
  row: BackoffRow,
): Promise<BackoffOutcome> {
  if (row.counted !== null) return { allowed: true, failures: row.counted, retryAfterSeconds: 0 };
  // Refused under the row lock; the wait left is the same rule over the state the database saw (read
  // again when the refusal came from the upsert's second decision, a race on a new bucket).
  const state =
    row.old_at !== null
      ? { attempts: row.old_attempts ?? 0, at: row.old_at }
      : await sql<{ attempts: number; at: Date }>`
          select attempts, window_started_at as at from rate_limits where bucket = ${bucket}`
          .execute(db)
          .then((read) => read.rows[0] ?? { attempts: 0, at: now });
  const before = { failures: state.attempts, lastAttemptAt: new Date(state.at).getTime() };
  const decided = decideBackoff(before, rule, now.getTime());
  return {
    allowed: false,
    failures: before.failures,
    retryAfterSeconds: decided.allowed ? 1 : decided.retryAfterSeconds,
  };
}

// The upsert decides again over the row it conflicts with (its DO UPDATE sees the row's latest
// version under the row lock): concurrent first attempts on a new bucket all find no row to lock in
// their snapshot, and without that second decision each counted itself in (PostgreSQL let 4 of 12
// racing attempts through where 3 were free). An attempt is allowed exactly when it was counted.
// A fixed text ($1 bucket, $2 now, $3 the reset start, $4–$6 the rule), compiled once.
const BACKOFF_PLACEHOLDERS: BackoffPlaceholders = {
  now: '$2',
  resetStart: '$3',
  freeAttempts: '$4',
  maxDelaySeconds: '$5',
  baseDelaySeconds: '$6',
};
const ATTEMPT_BACKOFF = `
    with old as (
      select attempts, window_started_at from rate_limits where bucket = $1::text for update
    ), decision as (
      select coalesce((select ${waitRunsOver('old', BACKOFF_PLACEHOLDERS)} from old), false) as locked
    ), counted as (
      insert into rate_limits as r (bucket, window_started_at, attempts)
      select $1::text, $2::timestamptz, 1 from decision where not locked
      on conflict (bucket) do update set
        attempts = case when r.window_started_at <= $3::timestamptz then 1 else r.attempts + 1 end,
        window_started_at = excluded.window_started_at
      where not ${waitRunsOver('r', BACKOFF_PLACEHOLDERS)}
      returning attempts
    )
    select (select attempts from old) as old_attempts,
      (select window_started_at from old) as old_at,
      (select attempts from counted) as counted`;

/**
 * One attempt of a back-off bucket in one statement: the row is locked, its state before the attempt
 * decides (as `decideBackoff` does), and an allowed attempt is counted. Concurrent attempts take turns
 * on the row lock, so a burst of guesses cannot slip past the wait.
 */
async function attemptBackoff(
  db: Kysely<Database>,
  bucket: string,
  rule: BackoffRule,
  now: Date,
): Promise<BackoffOutcome> {
  const resetStart = new Date(now.getTime() - rule.resetAfterSeconds * 1000);
  const result = await db.executeQuery<BackoffRow>(
    CompiledQuery.raw(ATTEMPT_BACKOFF, [
      bucket,
      now,
      resetStart,
      rule.freeAttempts,
      rule.maxDelaySeconds,
      rule.baseDelaySeconds,
    ]),
  );
  return backoffOutcome(db, bucket, rule, now, result.rows[0]!);
}

/** The outcome of a fixed-window bucket from the count and window start its upsert returned. */
export function windowOutcome(
  rule: RateLimitRule,
  row: { attempts: number; window_started_at: Date },
  now: Date,
): RateLimitOutcome {
  const windowEndsAt = new Date(row.window_started_at).getTime() + rule.windowSeconds * 1000;
  return {
    allowed: row.attempts <= rule.limit,
    attempts: row.attempts,
    retryAfterSeconds: Math.max(1, Math.ceil((windowEndsAt - now.getTime()) / 1000)),
  };
}

/** What the statement of an attempt from an address returns of its two buckets. */
type AddressAttemptRow = BackoffRow & { address_attempts: number; address_started_at: Date };

/** The placeholders of an address's window (bucket, now, the window's start, its limit). */
export interface AddressPlaceholders {
  bucket: string;
  now: string;
  windowStart: string;
  limit: string;
}

/** The placeholders of a key's back-off from an address (its bucket, and the rule and times). */
interface PairPlaceholders extends BackoffPlaceholders {
  bucket: string;
}

/**
 * SQL text: the CTE `by_address`, one attempt counted in an address's window, returning the count, the
 * window's start and `failed_at`. An attempt that will count as a failure of its key's back-off (its
 * facts wrong, `succeeded` false, or refused by this window) stamps `failed_at` with now (migration
 * 0046), BEFORE the back-off counts it: so a back-off row from this address can be waiting, or hold
 * failures to forget, only while the address's `failed_at` is within the back-off's reset window.
 */
export function byAddressCte(p: AddressPlaceholders, succeeded: string): string {
  const restarts = `r.window_started_at <= ${p.windowStart}::timestamptz`;
  return `by_address as (
      insert into rate_limits as r (bucket, window_started_at, attempts, failed_at)
      values (${p.bucket}::text, ${p.now}::timestamptz, 1,
        case when (${succeeded}) and 1 <= ${p.limit}::int then null else ${p.now}::timestamptz end)
      on conflict (bucket) do update set
        attempts = case when ${restarts} then 1 else r.attempts + 1 end,
        window_started_at = case when ${restarts} then excluded.window_started_at else r.window_started_at end,
        failed_at = case when (${succeeded})
            and (case when ${restarts} then 1 else r.attempts + 1 end) <= ${p.limit}::int
          then r.failed_at else ${p.now}::timestamptz end
      returning attempts, window_started_at, failed_at
    )`;
}

/**
 * SQL text: the CTEs `old`, `decision` and `counted`, one attempt of a key's back-off from an address,
 * decided under the row's lock; `clears` is an SQL boolean (the facts were right and the address's
 * window allowed the attempt): then the back-off is cleared instead of counting a failure, and a row
 * with no failures to forget is not written at all.
 */
function pairCtes(p: PairPlaceholders, clears: string): string {
  return `old as (
      select attempts, window_started_at from rate_limits where bucket = ${p.bucket}::text for update
    ), decision as (
      select coalesce((select ${waitRunsOver('old', p)} from old), false) as locked,
        (${clears}) as clears,
        coalesce((select attempts from old), 0) = 0 as nothing_to_forget
    ), counted as (
      insert into rate_limits as r (bucket, window_started_at, attempts)
      select ${p.bucket}::text, ${p.now}::timestamptz, case when clears then 0 else 1 end from decision
      where not locked and not (clears and nothing_to_forget)
      on conflict (bucket) do update set
        attempts = case when excluded.attempts = 0 then 0
          when r.window_started_at <= ${p.resetStart}::timestamptz then 1 else r.attempts + 1 end,
        window_started_at = excluded.window_started_at
      where not ${waitRunsOver('r', p)}
      returning attempts
    )`;
}

/** The columns of a `BackoffRow`, over the CTEs of `pairCtes`. */
const PAIR_COLUMNS = `(select attempts from old) as old_attempts,
      (select window_started_at from old) as old_at,
      coalesce((select attempts from counted),
        (select 0 from decision where not locked and clears and nothing_to_forget)) as counted`;

/**
 * The text of one attempt from an address in one statement: the CTEs `by_address`, `old`, `decision`
 * and `counted` (in that order), whose parameters are `addressAttemptValues` from placeholder `$first`
 * on; `succeeded` is an SQL boolean. Build the statement once: the text depends on nothing but these
 * arguments (the rules and times are parameters). Holder sign-in counts its address's window with
 * `byAddressCte` in its facts check and the back-off with `attemptPairAfterAddress` only when needed.
 */
function addressAttemptCtes(first: number, succeeded: string): string {
  const $ = (index: number) => `$${first + index}`;
  const [addressBucket, now, windowStart, pairBucket, resetStart] = [$(0), $(1), $(2), $(3), $(4)];
  const limit = $(8);
  const pair = {
    bucket: pairBucket,
    now,
    resetStart,
    freeAttempts: $(5),
    maxDelaySeconds: $(6),
    baseDelaySeconds: $(7),
  };
  return `${byAddressCte({ bucket: addressBucket, now, windowStart, limit }, succeeded)}, ${pairCtes(
    pair,
    `(${succeeded}) and (select attempts from by_address) <= ${limit}::int`,
  )}`;
}

// One key's back-off from an address on its own, after its address's window counted the attempt in a
// statement before ($1 clears, $2 the bucket, $3 now, $4 the reset start, $5–$7 the rule).
const PAIR_ATTEMPT = `${PREPARED_MARK}with ${pairCtes(
  {
    bucket: '$2',
    now: '$3',
    resetStart: '$4',
    freeAttempts: '$5',
    maxDelaySeconds: '$6',
    baseDelaySeconds: '$7',
  },
  '$1::boolean',
)}
    select ${PAIR_COLUMNS}`;

/**
 * The back-off half of `attemptFromAddress`, for a statement that counted the address's window (and
 * stamped its `failed_at`) already: decided under the back-off row's lock, cleared when `clears` (the
 * facts were right and the window allowed the attempt), else counted as a failure.
 */
export async function attemptPairAfterAddress(
  db: Kysely<Database>,
  pair: { bucket: string; rule: BackoffRule },
  clears: boolean,
  now: Date,
): Promise<BackoffOutcome> {
  const resetStart = new Date(now.getTime() - pair.rule.resetAfterSeconds * 1000);
  const row = (
    await db.executeQuery<BackoffRow>(
      CompiledQuery.raw(PAIR_ATTEMPT, [
        clears,
        pair.bucket,
        now,
        resetStart,
        pair.rule.freeAttempts,
        pair.rule.maxDelaySeconds,
        pair.rule.baseDelaySeconds,
      ]),
    )
  ).rows[0]!;
  return backoffOutcome(db, pair.bucket, pair.rule, now, row);
}

/** The columns of an `AddressAttemptRow`, over the CTEs of `addressAttemptCtes`. */
const ADDRESS_ATTEMPT_COLUMNS = `(select attempts from by_address) as address_attempts,
      (select window_started_at from by_address) as address_started_at,
      ${PAIR_COLUMNS}`;

/** The parameters of `addressAttemptCtes`, in the order of its placeholders. */
function addressAttemptValues(attempt: Omit<AddressAttempt, 'succeeded'>, now: Date): unknown[] {
  const { address, pair } = attempt;
  return [
    address.bucket,
    now,
    new Date(now.getTime() - address.rule.windowSeconds * 1000),
    pair.bucket,
    new Date(now.getTime() - pair.rule.resetAfterSeconds * 1000),
    pair.rule.freeAttempts,
    pair.rule.maxDelaySeconds,
    pair.rule.baseDelaySeconds,
    address.rule.limit,
  ];
}

/** The outcome of an attempt from an address from the row its statement returned. */
async function addressAttemptOutcome(
  db: Kysely<Database>,
  attempt: Omit<AddressAttempt, 'succeeded'>,
  now: Date,
  row: AddressAttemptRow,
): Promise<AddressAttemptOutcome> {
  return {
    address: windowOutcome(
      attempt.address.rule,
      { attempts: row.address_attempts, window_started_at: row.address_started_at },
      now,
    ),
    pair: await backoffOutcome(db, attempt.pair.bucket, attempt.pair.rule, now, row),
  };
}

// One text for every attempt ($1 succeeded, then the attempt's parameters), built once and named
// (platform/db/prepared.ts): PostgreSQL parses and plans this statement of four parts once per
// connection, not per sign-in.
const ATTEMPT_FROM_ADDRESS = `${PREPARED_MARK}with ${addressAttemptCtes(2, '$1::boolean')}
    select ${ADDRESS_ATTEMPT_COLUMNS}`;

/**
 * A sign-in attempt from a client address in one statement (one round trip, one commit): counted in
 * the address's window, and decided by the back-off of its key from that address as `attemptBackoff`
 * decides (the same lock and second decision, so racing attempts cannot slip past the wait). When
 * the caller already knows the attempt's facts were right and both buckets allow it, the back-off is
 * cleared instead of counting a failure (the count of 0 forgets it, as a deleted row would; a
 * bucket with no failures to forget, the usual case of a holder signing in, is not written at all:
 * a row the statement found with 0 failures is locked, and a row its snapshot did not show was
 * written by an attempt that then counts as the later one). The pair's bucket names the address too,
 * so two statements that share a pair lock the same rows in the same order (address, then pair): no
 * deadlock.
 */
async function attemptFromAddress(
  db: Kysely<Database>,
  attempt: AddressAttempt,
  now: Date,
): Promise<AddressAttemptOutcome> {
  const row = (
    await db.executeQuery<AddressAttemptRow>(
      CompiledQuery.raw(ATTEMPT_FROM_ADDRESS, [attempt.succeeded, ...addressAttemptValues(attempt, now)]),
    )
  ).rows[0]!;
  return addressAttemptOutcome(db, attempt, now, row);
}

/**
 * Counts one attempt in each of several buckets with one statement (one round trip and one commit
 * instead of one per bucket: sign-in throughput with the throttle on stays close to without it).
 * Outcomes come back in the order of `hits`. Rows are locked in bucket order, so two concurrent calls
 * sharing buckets cannot deadlock.
 */
async function hitRateLimits(
  db: Kysely<Database>,
  hits: readonly { bucket: string; rule: RateLimitRule }[],
  now: Date,
): Promise<RateLimitOutcome[]> {
  if (new Set(hits.map((hit) => hit.bucket)).size !== hits.length) {
    throw new Error('hitRateLimits: each bucket may appear once');
  }
  const buckets = hits.map((hit) => hit.bucket);
  const windowStarts = hits.map((hit) =>
    new Date(now.getTime() - hit.rule.windowSeconds * 1000).toISOString(),
  );
  const result = await sql<{ bucket: string; attempts: number; window_started_at: Date }>`
    with hits (bucket, window_start) as (
      select * from unnest(${buckets}::text[], ${windowStarts}::timestamptz[])
    )
    insert into rate_limits as r (bucket, window_started_at, attempts)
    select bucket, ${now}, 1 from hits order by bucket
    on conflict (bucket) do update set
      attempts = case when r.window_started_at <= (select h.window_start from hits h where h.bucket = r.bucket)
        then 1 else r.attempts + 1 end,
      window_started_at = case when r.window_started_at <= (select h.window_start from hits h where h.bucket = r.bucket)
        then excluded.window_started_at else r.window_started_at end
    returning bucket, attempts, window_started_at`.execute(db);
  const byBucket = new Map(result.rows.map((row) => [row.bucket, row]));
  return hits.map((hit) => windowOutcome(hit.rule, byBucket.get(hit.bucket)!, now));
}

/** Forgets a bucket (a back-off bucket after a success). */
async function clearBucket(db: Kysely<Database>, bucket: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('bucket', '=', bucket).execute();
}

/**
 * Removes buckets whose window ended before `before` (the recurring purge job). An address's row with a
 * failure since then is kept: its `failed_at` is what tells a sign-in to look at the back-offs from
 * that address (migration 0046).
 */
async function purgeRateLimits(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('rate_limits')
    .where('window_started_at', '<', before)
    .where((eb) => eb.or([eb('failed_at', 'is', null), eb('failed_at', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Takes back one attempt from a bucket (a staff sign-in that succeeded): only failures should use up
 * the allowance, yet counting every attempt up front keeps concurrent guesses from slipping past it.
 */
async function refundRateLimit(db: Kysely<Database>, bucket: string): Promise<void> {
  await sql`update rate_limits set attempts = greatest(attempts - 1, 0) where bucket = ${bucket}`.execute(db);
}

// ---------------------------------------------------------------------------------------------------
// Where the counters live

/** Counts attempts in buckets: the throttles of holder and staff sign-in use one of these. */
export interface RateLimiter {
  /**
   * Where the counters live: 'database' (the table rate_limits, which a statement of a use case may
   * count in itself, see `byAddressCte` and `attemptPairAfterAddress`) or 'memory' (this process only).
   */
  readonly store: 'database' | 'memory';
  /** Counts one attempt in each bucket (each at most once a call); outcomes in the order of `hits`. */
  hit(hits: readonly { bucket: string; rule: RateLimitRule }[], now: Date): Promise<RateLimitOutcome[]>;
  /** Takes back one attempt from a bucket. */
  refund(bucket: string): Promise<void>;
  /** One attempt of a back-off bucket: refused while its wait runs, else counted as a failure. */
  attempt(bucket: string, rule: BackoffRule, now: Date): Promise<BackoffOutcome>;
  /** One attempt of a key from an address: its address's window and its back-off, counted together. */
  attemptFromAddress(attempt: AddressAttempt, now: Date): Promise<AddressAttemptOutcome>;
  /** Forgets a bucket (a success clears its back-off). */
  clear(bucket: string): Promise<void>;
  /** Forgets buckets whose window started before `before`; returns how many. */
  purge(before: Date): Promise<number>;
}

/**
 * Counters in the database, shared by every app process on one PostgreSQL server (the table is
 * UNLOGGED there: no WAL, no flush to wait for).
 */
export function createDatabaseRateLimiter(db: Kysely<Database>): RateLimiter {
  return {
    store: 'database',
    hit: (hits, now) => hitRateLimits(db, hits, now),
    refund: (bucket) => refundRateLimit(db, bucket),
    attempt: (bucket, rule, now) => attemptBackoff(db, bucket, rule, now),
    attemptFromAddress: (attempt, now) => attemptFromAddress(db, attempt, now),
    clear: (bucket) => clearBucket(db, bucket),
    purge: (before) => purgeRateLimits(db, before),
  };
}

/** Buckets kept before a hit first forgets those whose window has ended. */
const MEMORY_BUCKETS_BEFORE_SWEEP = 100_000;

/**
 * Counters in this process, for the embedded database: its data folder is locked to one process, so
 * no other process could need them, and counting costs no statement on PGlite's single connection.
 * Like the unlogged table on a server, they start again from zero when the process restarts. Bounded:
 * past 100,000 buckets, those whose window has ended are forgotten.
 */
export function createMemoryRateLimiter(): RateLimiter {
  const buckets = new Map<string, { windowStartedAt: number; attempts: number; windowMs: number }>();
  const limiter: RateLimiter = {
    store: 'memory',
    async hit(hits, now) {
      if (new Set(hits.map((hit) => hit.bucket)).size !== hits.length) {
        throw new Error('RateLimiter.hit: each bucket may appear once');
      }
      const at = now.getTime();
      if (buckets.size >= MEMORY_BUCKETS_BEFORE_SWEEP) {
        for (const [key, entry] of buckets)
          if (entry.windowStartedAt + entry.windowMs <= at) buckets.delete(key);
      }
      return hits.map(({ bucket, rule }) => {
        const windowMs = rule.windowSeconds * 1000;
        const entry = buckets.get(bucket);
        // The same rule as the database: a window that started at or before now − window restarts.
        const counted =
          entry && entry.windowStartedAt > at - windowMs
            ? { ...entry, attempts: entry.attempts + 1, windowMs }
            : { windowStartedAt: at, attempts: 1, windowMs };
        buckets.set(bucket, counted);
        return {
          allowed: counted.attempts <= rule.limit,
          attempts: counted.attempts,
          retryAfterSeconds: Math.max(1, Math.ceil((counted.windowStartedAt + windowMs - at) / 1000)),
        };
      });
    },
    async refund(bucket) {
      const entry = buckets.get(bucket);
      if (entry) entry.attempts = Math.max(entry.attempts - 1, 0);
    },
    async attempt(bucket, rule, now) {
      const entry = buckets.get(bucket);
      const decided = decideBackoff(
        entry ? { failures: entry.attempts, lastAttemptAt: entry.windowStartedAt } : undefined,
        rule,
        now.getTime(),
      );
      if (decided.allowed)
        buckets.set(bucket, {
          attempts: decided.after.failures,
          windowStartedAt: decided.after.lastAttemptAt,
          windowMs: rule.resetAfterSeconds * 1000,
        });
      return {
        allowed: decided.allowed,
        failures: decided.failures,
        retryAfterSeconds: decided.retryAfterSeconds,
      };
    },
    async attemptFromAddress({ address, pair, succeeded }, now) {
      const [byAddress] = await limiter.hit([address], now);
      const byPair = await limiter.attempt(pair.bucket, pair.rule, now);
      // Right facts that both buckets allow clear the back-off (the database counts 0 instead).
      if (!succeeded || !byAddress!.allowed || !byPair.allowed) return { address: byAddress!, pair: byPair };
      buckets.delete(pair.bucket);
      return { address: byAddress!, pair: { ...byPair, failures: 0 } };
    },
    async clear(bucket) {
      buckets.delete(bucket);
    },
    async purge(before) {
      let purged = 0;
      for (const [key, entry] of buckets) {
        if (entry.windowStartedAt < before.getTime()) {
          buckets.delete(key);
          purged++;
        }
      }
      return purged;
    },
  };
  return limiter;
}
