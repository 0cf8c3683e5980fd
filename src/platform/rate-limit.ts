// Attempt counters kept in the database, so every app process behind a load balancer shares them
// (a per-process counter would let an attacker multiply their tries by the number of processes).
// Fixed windows: a bucket counts attempts from its first one until the window has passed. Back-off
// buckets count consecutive failures of one key from one client address: a few are free, then each
// further attempt must wait twice as long as the last (rows of the same table: `attempts` is the
// failure count and `window_started_at` the time of the last attempt).
import { type Kysely, sql } from 'kysely';
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
  // The wait as SQL over a row `x` (the same as backoffDelaySeconds: none before the free attempts are
  // used, then base × 2^(failures − free), at most the cap).
  const lockedOver = (x: 'old' | 'r') => sql`(${sql.ref(`${x}.window_started_at`)} > ${resetStart}
    and ${sql.ref(`${x}.attempts`)} >= ${rule.freeAttempts}::int
    and ${now} < ${sql.ref(`${x}.window_started_at`)} + make_interval(secs => least(${rule.maxDelaySeconds}::float8,
      ${rule.baseDelaySeconds}::float8 * power(2, least(${sql.ref(`${x}.attempts`)} - ${rule.freeAttempts}::int, 40)))))`;
  // The upsert decides again over the row it conflicts with (its DO UPDATE sees the row's latest
  // version under the row lock): concurrent first attempts on a new bucket all find no row to lock in
  // their snapshot, and without that second decision each counted itself in (PostgreSQL let 4 of 12
  // racing attempts through where 3 were free). An attempt is allowed exactly when it was counted.
  const result = await sql<{
    old_attempts: number | null;
    old_at: Date | null;
    counted: number | null;
  }>`
    with old as (
      select attempts, window_started_at from rate_limits where bucket = ${bucket} for update
    ), decision as (
      select coalesce((select ${lockedOver('old')} from old), false) as locked
    ), counted as (
      insert into rate_limits as r (bucket, window_started_at, attempts)
      select ${bucket}, ${now}, 1 from decision where not locked
      on conflict (bucket) do update set
        attempts = case when r.window_started_at <= ${resetStart} then 1 else r.attempts + 1 end,
        window_started_at = excluded.window_started_at
      where not ${lockedOver('r')}
      returning attempts
    )
    select (select attempts from old) as old_attempts,
      (select window_started_at from old) as old_at,
      (select attempts from counted) as counted`.execute(db);
  const row = result.rows[0]!;
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
  return hits.map((hit) => {
    const row = byBucket.get(hit.bucket)!;
    const windowEndsAt = new Date(row.window_started_at).getTime() + hit.rule.windowSeconds * 1000;
    return {
      allowed: row.attempts <= hit.rule.limit,
      attempts: row.attempts,
      retryAfterSeconds: Math.max(1, Math.ceil((windowEndsAt - now.getTime()) / 1000)),
    };
  });
}

/** Forgets a bucket (a back-off bucket after a success). */
async function clearBucket(db: Kysely<Database>, bucket: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('bucket', '=', bucket).execute();
}

/** Removes buckets whose window ended before `before` (the recurring purge job). */
async function purgeRateLimits(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('rate_limits')
    .where('window_started_at', '<', before)
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
  /** Counts one attempt in each bucket (each at most once a call); outcomes in the order of `hits`. */
  hit(hits: readonly { bucket: string; rule: RateLimitRule }[], now: Date): Promise<RateLimitOutcome[]>;
  /** Takes back one attempt from a bucket. */
  refund(bucket: string): Promise<void>;
  /** One attempt of a back-off bucket: refused while its wait runs, else counted as a failure. */
  attempt(bucket: string, rule: BackoffRule, now: Date): Promise<BackoffOutcome>;
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
    hit: (hits, now) => hitRateLimits(db, hits, now),
    refund: (bucket) => refundRateLimit(db, bucket),
    attempt: (bucket, rule, now) => attemptBackoff(db, bucket, rule, now),
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
  return {
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
}
