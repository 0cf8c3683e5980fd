// Dealers and their API keys. A key is a random secret shown once at issue; only its SHA-256 is
// stored. On a server database every request with a key looks it up afresh (no cache), so a revoked
// key answers 401 at once on every process, and the same statement counts the request in the key's
// rate-limit bucket; on the embedded database (one process) keys are kept in the process and counted
// by its RateLimiter.

import { hash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { isRegionCode } from '../catalog/regions.js';
import { type Actor, recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { asUseCase, type InTransaction } from '../platform/db/transaction.js';
import { writeBatches } from '../platform/db/write-batches.js';
import {
  type RateLimiter,
  type RateLimitOutcome,
  type RateLimitRule,
  windowOutcome,
} from '../platform/rate-limit.js';
import { AppError } from '../shared/errors.js';
import type { AuthenticatedSession } from '../shared/principal.js';
import { DEALER_KEY_PREFIX } from '../shared/principal.js';
import {
  type Dealer,
  findApiKeyRow,
  findDealerByCode,
  findDealerById,
  findLiveApiKey,
  findLiveApiKeysCountingUse,
  insertApiKey,
  insertDealer,
  type LiveKeyCounted,
  listApiKeyRows,
  listDealerRows,
  revokeApiKeyRow,
  toDealer,
  touchApiKey,
} from './dealer.repository.js';

/** Every dealer API key starts with this, so the server tells keys from session tokens at a glance. */
/** A key's requests are counted in the rate-limit bucket of this prefix and the key's id. */
const KEY_BUCKET_PREFIX = 'dealer-key:';
const DEALER_CODE = /^[A-Z0-9][A-Z0-9-]{1,39}$/;

export interface NewDealer {
  code: string;
  name: string;
  state: string;
  contact?: { name?: string | undefined; email?: string | undefined; phone?: string | undefined } | undefined;
}

export interface ApiKeyView {
  id: string;
  prefix: string;
  label: string | null;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function toKeyView(row: {
  id: string;
  prefix: string;
  label: string | null;
  created_at: Date;
  created_by: string;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): ApiKeyView {
  return {
    id: row.id,
    prefix: row.prefix,
    label: row.label,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

function sha256(value: string): string {
  return hash('sha256', value, 'hex');
}

export function createDealersService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  rateLimiter: RateLimiter;
  keyLimit: RateLimitRule;
  /**
   * Keep live keys in this process (true on the embedded database only): its data folder serves one
   * process, and a key is revoked through this service in it, which forgets them all on commit. With a
   * server database other processes revoke keys, so every request reads the key afresh.
   */
  cacheKeysInProcess?: boolean;
  /**
   * Read the key and count its use in one statement (true when `rateLimiter` keeps its counters in
   * the database, i.e. on a server database): the same bucket and rule, one round trip instead of two.
   */
  countUseInKeyLookup?: boolean;
}) {
  const { db, clock } = deps;

  async function create(
    trx: Transaction<Database>,
    input: NewDealer,
    actor: Actor,
    requestId: string,
  ): Promise<Dealer> {
    const code = input.code.trim().toUpperCase();
    if (!DEALER_CODE.test(code))
      throw new AppError('validation_failed', 'A dealer code is 2–40 letters, digits and dashes.', {
        param: 'code',
      });
    const state = input.state.trim().toUpperCase();
    if (!isRegionCode(state))
      throw new AppError('invalid_state', `"${input.state}" is not a U.S. state or Canadian province code.`, {
        param: 'state',
      });
    if (await findDealerByCode(trx, code))
      throw new AppError('dealer_code_taken', `A dealer with the code ${code} already exists.`, {
        param: 'code',
      });
    const row = await insertDealer(trx, {
      code,
      name: input.name.trim(),
      state,
      contactName: input.contact?.name?.trim() || null,
      contactEmail: input.contact?.email?.trim() || null,
      contactPhone: input.contact?.phone?.trim() || null,
      createdAt: clock.now(),
    });
    await recordAudit(trx, {
      actor,
      action: 'dealer.created',
      entityType: 'dealer',
      entityId: row.id,
      data: { code, name: row.name, state },
      requestId,
    });
    return toDealer(row);
  }

  async function get(id: string, executor: Kysely<Database> = db): Promise<Dealer> {
    const row = await findDealerById(executor, id);
    if (!row) throw new AppError('not_found', 'No dealer with that id.');
    return toDealer(row);
  }

  async function findByCode(code: string, executor: Kysely<Database> = db): Promise<Dealer | null> {
    const row = await findDealerByCode(executor, code.trim().toUpperCase());
    return row ? toDealer(row) : null;
  }

  async function list(page: { limit: number; startingAfter?: string | undefined }) {
    const rows = await listDealerRows(db, page);
    return { data: rows.slice(0, page.limit).map(toDealer), hasMore: rows.length > page.limit };
  }

  async function issueKey(
    trx: Transaction<Database>,
    dealerId: string,
    label: string,
    actor: Actor,
    requestId: string,
  ): Promise<ApiKeyView & { key: string }> {
    await get(dealerId, trx);
    const key = `${DEALER_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row = await insertApiKey(trx, {
      dealerId,
      keyHash: sha256(key),
      prefix: key.slice(0, DEALER_KEY_PREFIX.length + 6),
      label: label.trim() || null,
      createdBy: actor.label,
    });
    await recordAudit(trx, {
      actor,
      action: 'dealer.api_key_issued',
      entityType: 'dealer',
      entityId: dealerId,
      data: { keyId: row.id, prefix: row.prefix, label: row.label },
      requestId,
    });
    return { ...toKeyView(row), key };
  }

  async function listKeys(dealerId: string): Promise<{ data: ApiKeyView[]; hasMore: boolean }> {
    await get(dealerId);
    return { data: (await listApiKeyRows(db, dealerId)).map(toKeyView), hasMore: false };
  }

  async function revokeKey(
    trx: Transaction<Database>,
    dealerId: string,
    keyId: string,
    actor: Actor,
    requestId: string,
  ): Promise<ApiKeyView> {
    const revoked = await revokeApiKeyRow(trx, dealerId, keyId, actor.label, clock.now());
    if (!revoked) {
      const existing = await findApiKeyRow(trx, dealerId, keyId);
      if (!existing) throw new AppError('not_found', 'No API key with that id for this dealer.');
      return toKeyView(existing); // Revoked before: revoking again changes nothing.
    }
    await recordAudit(trx, {
      actor,
      action: 'dealer.api_key_revoked',
      entityType: 'dealer',
      entityId: dealerId,
      data: { keyId, prefix: revoked.prefix },
      requestId,
    });
    return toKeyView(revoked);
  }

  type LiveKey = NonNullable<Awaited<ReturnType<typeof findLiveApiKey>>>;
  const liveKeys = new Map<string, LiveKey>();
  /** Bumped when a revocation commits: a lookup that started before it keeps nothing it read. */
  let revocations = 0;
  const MAX_CACHED_KEYS = 10_000;

  /** Forgets every key this process kept (after a revocation committed). */
  function forgetKeys(): void {
    revocations++;
    liveKeys.clear();
  }

  async function liveKey(keyHash: string): Promise<LiveKey | undefined> {
    if (!deps.cacheKeysInProcess) return findLiveApiKey(db, keyHash);
    const kept = liveKeys.get(keyHash);
    if (kept) return kept;
    const startedAt = revocations;
    const row = await findLiveApiKey(db, keyHash);
    // Unknown and revoked keys are not kept: a key issued a moment later works at once.
    if (row && revocations === startedAt) {
      if (liveKeys.size >= MAX_CACHED_KEYS) liveKeys.clear();
      liveKeys.set(keyHash, row);
    }
    return row;
  }

  /**
   * Requests with keys that arrive while such a statement is on its way are counted together, in the
   * next statement, for all of them (platform/db/write-batches.ts; a dealer's F&I system sends many at
   * once): each key's uses are added to its window at once, and each request of the batch gets a count
   * of its own, in the order the requests arrived, as if each had been counted alone. Measured with
   * `npm run bench -- --only rating` on PostgreSQL (32 callers on one key, 2 CPUs): a statement a request
   * queued every request of the key behind the one before on the key's counter row, 0.11 ms of the
   * database's CPU a request; counted together, the rating ratio went from 0.29 to 0.48.
   */
  const countKeyUse = writeBatches<{ keyHash: string; now: Date }, LiveKeyCounted | undefined>({
    async write(requests) {
      const uses = new Map<string, number>();
      for (const { keyHash } of requests) uses.set(keyHash, (uses.get(keyHash) ?? 0) + 1);
      const now = new Date(Math.max(...requests.map((request) => request.now.getTime())));
      const rows = await findLiveApiKeysCountingUse(db, {
        keys: [...uses].map(([keyHash, count]) => ({ keyHash, uses: count })),
        bucketPrefix: KEY_BUCKET_PREFIX,
        now,
        windowSeconds: deps.keyLimit.windowSeconds,
      });
      const byHash = new Map(rows.map((row) => [row.key_hash, row]));
      // The n requests of one key take the last n counts of its window, the first request the lowest.
      const taken = new Map<string, number>();
      return requests.map(({ keyHash }) => {
        const row = byHash.get(keyHash);
        if (!row) return undefined;
        const before = taken.get(keyHash) ?? 0;
        taken.set(keyHash, before + 1);
        return { ...row, attempts: row.attempts - (uses.get(keyHash) ?? 1) + before + 1 };
      });
    },
    maxBatch: 64,
    maxInFlight: 1,
  });

  /** The live key of a hash with its use counted in the key's bucket (`dealer-key:<key id>`), or undefined. */
  async function countedLiveKey(
    keyHash: string,
    now: Date,
  ): Promise<{ row: LiveKey; outcome: RateLimitOutcome } | undefined> {
    if (deps.countUseInKeyLookup) {
      const counted = await countKeyUse({ keyHash, now });
      if (!counted) return undefined;
      const { attempts, window_started_at, key_hash: _, ...row } = counted;
      return { row, outcome: windowOutcome(deps.keyLimit, { attempts, window_started_at }, now) };
    }
    const row = await liveKey(keyHash);
    if (!row) return undefined;
    const [outcome] = await deps.rateLimiter.hit(
      [{ bucket: `${KEY_BUCKET_PREFIX}${row.id}`, rule: deps.keyLimit }],
      now,
    );
    return { row, outcome: outcome! };
  }

  /**
   * The principal of a dealer API key, or null for an unknown or revoked key. On a server database it
   * is read on every request (another process may have revoked it); on the embedded one, whose single
   * process is the only one that revokes, from the keys this process keeps, forgotten as a revocation
   * commits (revokeKey): either way a revoked key answers 401 from the next request on.
   */
  async function authenticateKey(key: string): Promise<AuthenticatedSession | null> {
    if (key.length > 200) return null;
    const now = clock.now();
    const counted = await countedLiveKey(sha256(key), now);
    if (!counted) return null;
    const { row, outcome } = counted;
    if (!outcome.allowed) {
      throw new AppError(
        'too_many_attempts',
        `This API key made more than ${deps.keyLimit.limit} requests in ${deps.keyLimit.windowSeconds} seconds; retry after ${outcome.retryAfterSeconds} s.`,
        { retryAfterSeconds: outcome.retryAfterSeconds },
      );
    }
    if (!row.last_used_at || row.last_used_at.getTime() < now.getTime() - 60_000) {
      await touchApiKey(db, row.id, now);
      row.last_used_at = now; // a kept key is not touched again for a minute either
    }
    return {
      // Keys are sent as a bearer header only; no CSRF token can match this.
      csrfTokenHash: '',
      principal: {
        kind: 'dealer',
        sessionId: row.id,
        keyId: row.id,
        keyPrefix: row.prefix,
        dealerId: row.dealer_id,
        dealerCode: row.code,
        dealerName: row.name,
      },
    };
  }

  return {
    create: asUseCase(create),
    get,
    findByCode,
    list,
    issueKey: asUseCase(issueKey),
    listKeys,
    /** Revokes a key; once its transaction has committed, this process forgets the keys it kept. */
    async revokeKey(run: InTransaction, dealerId: string, keyId: string, actor: Actor, requestId: string) {
      try {
        return await asUseCase(revokeKey)(run, dealerId, keyId, actor, requestId);
      } finally {
        forgetKeys();
      }
    },
    authenticateKey,
  };
}

export type DealersService = ReturnType<typeof createDealersService>;
