// Idempotent POSTs (Stripe's model): a client may send an `Idempotency-Key` header; the same key with
// the same request gets the first response again and changes nothing; the same key with a different
// request → 422 idempotency_key_reused; the same key while the first request is still running → 409.
// The stored response is written in the SAME transaction as the use case, so a crash either keeps
// both (a retry replays) or neither (a retry runs the use case afresh): never a change without its
// record.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { AppError } from '../../shared/errors.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';
import type { InTransaction, Tx } from '../db/transaction.js';

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

/** The status to answer with: fixed, or read from the use case's result (202 while awaiting a second approver). */
export type ResponseStatus<T> = number | ((body: T) => number);

/**
 * A state-changing use case as a route calls it: the service method, given the transaction runner it
 * must open its one transaction with (src/platform/db/transaction.ts).
 */
export type Command<T> = (run: InTransaction) => Promise<T>;

/** A replay found in the use case's transaction: thrown out of the service to the idempotency helper. */
class Replay extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super('idempotent replay');
  }
}

/**
 * Runs a state-changing use case honouring the idempotency key when there is one. The service opens
 * the use case's one transaction through the runner it is given; in that transaction the runner
 * first looks the key up (a replay answers the stored response and runs nothing), then runs the
 * work and stores the response beside its changes.
 */
export async function runIdempotent<T>(
  db: Kysely<Database>,
  request: IdempotentRequest,
  now: Date,
  status: ResponseStatus<T>,
  command: Command<T>,
): Promise<UseCaseResult<T> & { replayed: boolean }> {
  const key = request.key;
  if (key !== undefined && !KEY_PATTERN.test(key)) {
    throw new AppError(
      'validation_failed',
      'The Idempotency-Key header must be 1–255 visible ASCII characters.',
      {
        param: 'Idempotency-Key',
      },
    );
  }
  const hash = key === undefined ? '' : requestHash(request);
  const statusOf = (body: T) => (typeof status === 'number' ? status : status(body));
  let done: UseCaseResult<T> | undefined;
  let opened = false;
  const run: InTransaction = (work) => {
    if (opened) throw new Error('A use case runs in one transaction: it opened a second one.');
    opened = true;
    return db.transaction().execute(async (trx) => {
      if (key !== undefined) await replayIfStored(trx, request.principal, key, hash, now);
      const value = await work(trx);
      // The runner's result is the command's (checked below), so the stored response is the answer.
      done = { status: statusOf(value as unknown as T), body: value as unknown as T };
      if (key !== undefined) await storeResponse(trx, request.principal, key, hash, now, done);
      return value;
    });
  };
  try {
    const body = await command(run);
    if (done === undefined || !Object.is(body, done.body)) {
      throw new Error(
        'A use case must run in the transaction it is given and return what that transaction returned.',
      );
    }
    return { ...done, replayed: false };
  } catch (error) {
    if (error instanceof Replay) return { status: error.status, body: error.body as T, replayed: true };
    throw error;
  }
}

/**
 * Takes the key's lock and throws a `Replay` when a response is stored for it; refuses a reused key
 * (another request) and a key whose first request is still running.
 */
async function replayIfStored(
  trx: Tx,
  principal: string,
  key: string,
  hash: string,
  now: Date,
): Promise<void> {
  // A transaction-scoped advisory lock on the key: a second request with the same key while the
  // first is running finds it taken and is told so, instead of running the use case twice.
  const lockId = `${principal}\n${key}`;
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
    .where('principal', '=', principal)
    .where('key', '=', key)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!stored) return;
  if (stored.request_hash !== hash) {
    throw idempotencyKeyReused(
      'This Idempotency-Key was used with a different request. Use a new key for a new request.',
    );
  }
  throw new Replay(stored.response_status, stored.response_body);
}

/**
 * The problem answered when a key comes back with another request, naming the header as the client sent
 * it; also for a use case that keeps its keys itself (a lender-event run keys its file).
 */
export function idempotencyKeyReused(detail: string): AppError {
  return new AppError('idempotency_key_reused', detail, { param: 'Idempotency-Key' });
}

async function storeResponse(
  trx: Tx,
  principal: string,
  key: string,
  hash: string,
  now: Date,
  result: UseCaseResult<unknown>,
): Promise<void> {
  await trx
    .insertInto('idempotency_keys')
    .values({
      principal,
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
}

/**
 * The one way a route runs a state-changing use case: idempotent on the request's Idempotency-Key,
 * answered with `status` and the use case's result (Idempotent-Replayed: true on a replay).
 *
 *   async (request, reply) =>
 *     sendIdempotent(deps, request, reply, 201, (run) => contracts.create(run, request.body, actor, request.id))
 */
export async function sendIdempotent<T>(
  deps: { db: Kysely<Database>; clock: Clock },
  request: FastifyRequest,
  reply: FastifyReply,
  status: ResponseStatus<T>,
  command: Command<T>,
): Promise<FastifyReply> {
  const result = await runIdempotent(
    deps.db,
    idempotentRequestOf(request),
    deps.clock.now(),
    status,
    command,
  );
  return sendResult(reply, result);
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
