// Attempt counters kept in the database, so every app process behind a load balancer shares them
// (a per-process counter would let an attacker multiply their tries by the number of processes).
// Fixed windows: a bucket counts attempts from its first one until the window has passed.
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
