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

/** Counts one attempt in the bucket and says whether it is within the rule. One statement, atomic. */
export async function hitRateLimit(
  db: Kysely<Database>,
  bucket: string,
  rule: RateLimitRule,
  now: Date,
): Promise<RateLimitOutcome> {
  const windowStart = new Date(now.getTime() - rule.windowSeconds * 1000);
  const result = await sql<{ attempts: number; window_started_at: Date }>`
    insert into rate_limits as r (bucket, window_started_at, attempts)
    values (${bucket}, ${now}, 1)
    on conflict (bucket) do update set
      attempts = case when r.window_started_at <= ${windowStart} then 1 else r.attempts + 1 end,
      window_started_at = case when r.window_started_at <= ${windowStart} then ${now} else r.window_started_at end
    returning attempts, window_started_at`.execute(db);
  const row = result.rows[0]!;
  const windowEndsAt = new Date(row.window_started_at).getTime() + rule.windowSeconds * 1000;
  return {
    allowed: row.attempts <= rule.limit,
    attempts: row.attempts,
    retryAfterSeconds: Math.max(1, Math.ceil((windowEndsAt - now.getTime()) / 1000)),
  };
}

/**
 * Counts one attempt in each of several buckets with one statement (one round trip and one commit
 * instead of one per bucket: sign-in throughput with the throttle on stays close to without it).
 * Outcomes come back in the order of `hits`. Rows are locked in bucket order, so two concurrent calls
 * sharing buckets cannot deadlock.
 */
export async function hitRateLimits(
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
export async function purgeRateLimits(db: Kysely<Database>, before: Date): Promise<number> {
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
export async function refundRateLimit(db: Kysely<Database>, bucket: string): Promise<void> {
  await sql`update rate_limits set attempts = greatest(attempts - 1, 0) where bucket = ${bucket}`.execute(db);
}
