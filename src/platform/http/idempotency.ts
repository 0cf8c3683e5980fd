// Idempotent POSTs (Stripe's model): a client may send an `Idempotency-Key` header; the same key with
// the same request gets the first response again and changes nothing; the same key with a different
// request → 422 idempotency_key_reused; the same key while the first request is still running → 409.
// The stored response is written in the SAME transaction as the use case, so a crash either keeps
// both (a retry replays) or neither (a retry runs the use case afresh): never a change without its
// record.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Kysely, sql, type Transaction } from 'kysely';
import { AppError } from '../../shared/errors.js';
import type { Database } from '../db/schema.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** How long a stored response is kept for replay. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;

export interface IdempotentRequest {
  key: string | undefined;
  /** Who is asking: keys are scoped per principal so two clients cannot collide. */
  principal: string;
  method: string;
  route: string;
  params: unknown;
  body: unknown;
}

export interface UseCaseResult<T> {
  status: number;
  body: T;
}

/** The idempotency scope: a staff user's keys are theirs across sessions; a holder's, their contracts'. */
export function idempotencyPrincipal(request: FastifyRequest): string {
  const principal = request.principal;
  if (!principal) return 'anonymous';
  if (principal.kind === 'user') return `user:${principal.userId}`;
  // A dealer's keys share one scope, so a retry after a key rotation still replays.
  if (principal.kind === 'dealer') return `dealer:${principal.dealerId}`;
  return `holder:${[...principal.contractIds].sort().join(',')}`;
}

/** What identifies a request for idempotency: its key header, who sent it, and its route, params and body. */
export function idempotentRequestOf(request: FastifyRequest): IdempotentRequest {
  const header = request.headers[IDEMPOTENCY_HEADER];
  return {
    key: typeof header === 'string' ? header : undefined,
    principal: idempotencyPrincipal(request),
    method: request.method,
    route: request.routeOptions.url ?? request.url,
    params: request.params,
    body: request.body,
  };
}

/** Canonical JSON (sorted keys) so that key order does not make two equal bodies differ. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function requestHash(request: IdempotentRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.route}\n${canonical(request.params)}\n${canonical(request.body)}`)
    .digest('hex');
}

/**
 * Runs a state-changing use case in one transaction, honouring the idempotency key when there is one.
 * The use case returns the HTTP status and body to answer with.
 */
export async function runIdempotent<T>(
  db: Kysely<Database>,
  request: IdempotentRequest,
  now: Date,
  work: (trx: Transaction<Database>) => Promise<UseCaseResult<T>>,
): Promise<UseCaseResult<T> & { replayed: boolean }> {
  if (request.key === undefined) {
    const result = await db.transaction().execute(work);
    return { ...result, replayed: false };
  }
  const key = request.key;
  if (!KEY_PATTERN.test(key)) {
    throw new AppError(
      'validation_failed',
      'The Idempotency-Key header must be 1–255 visible ASCII characters.',
      {
        param: 'Idempotency-Key',
      },
    );
  }
  const hash = requestHash(request);
  return db.transaction().execute(async (trx) => {
    // A transaction-scoped advisory lock on the key: a second request with the same key while the
    // first is running finds it taken and is told so, instead of running the use case twice.
    const lockId = `${request.principal}\n${key}`;
    const locked = await sql<{ locked: boolean }>`
      select pg_try_advisory_xact_lock(hashtextextended(${lockId}, 0)) as locked`.execute(trx);
    if (!locked.rows[0]?.locked) {
      throw new AppError(
        'idempotency_request_in_progress',
        'A request with this Idempotency-Key is still being processed; retry when it has finished.',
      );
    }
    const stored = await trx
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'response_status', 'response_body'])
      .where('principal', '=', request.principal)
      .where('key', '=', key)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (stored) {
      if (stored.request_hash !== hash) {
        throw new AppError(
          'idempotency_key_reused',
          'This Idempotency-Key was used with a different request. Use a new key for a new request.',
          { param: 'Idempotency-Key' },
        );
      }
      return { status: stored.response_status, body: stored.response_body as T, replayed: true };
    }
    const result = await work(trx);
    await trx
      .insertInto('idempotency_keys')
      .values({
        principal: request.principal,
        key,
        request_hash: hash,
        response_status: result.status,
        response_body: JSON.stringify(result.body),
        expires_at: new Date(now.getTime() + IDEMPOTENCY_RETENTION_HOURS * 3_600_000),
      })
      .onConflict((oc) =>
        oc.columns(['principal', 'key']).doUpdateSet({
          request_hash: hash,
          response_status: result.status,
          response_body: JSON.stringify(result.body),
          created_at: now,
          expires_at: new Date(now.getTime() + IDEMPOTENCY_RETENTION_HOURS * 3_600_000),
        }),
      )
      .execute();
    return { ...result, replayed: false };
  });
}

/** Deletes idempotency records past their retention (the recurring purge job); returns how many. */
export async function purgeExpiredIdempotencyKeys(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Sends a use case's result; a replayed response carries `Idempotent-Replayed: true` (as Stripe's does). */
export function sendResult(
  reply: FastifyReply,
  result: UseCaseResult<unknown> & { replayed: boolean },
): FastifyReply {
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  return reply.status(result.status).send(result.body);
}
