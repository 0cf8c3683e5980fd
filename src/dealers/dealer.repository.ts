// SQL of the dealer concept: dealers, their API keys and their account events.
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { insertJsonRows } from '../platform/db/json-rows.repository.js';
import { PREPARED_MARK } from '../platform/db/prepared.js';
import type { Database, DealerAccountEventKind } from '../platform/db/schema.js';

export interface Dealer {
  id: string;
  code: string;
  name: string;
  state: string;
  contact: { name: string | null; email: string | null; phone: string | null };
  createdAt: string;
}

type DealerRow = {
  id: string;
  code: string;
  name: string;
  state: string;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  created_at: Date;
};

export function toDealer(row: DealerRow): Dealer {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    state: row.state,
    contact: { name: row.contact_name, email: row.contact_email, phone: row.contact_phone },
    createdAt: row.created_at.toISOString(),
  };
}

export function insertDealer(
  db: Kysely<Database>,
  values: {
    code: string;
    name: string;
    state: string;
    contactName: string | null;
    contactEmail: string | null;
    contactPhone: string | null;
    /** When it was added, by the app's clock: its account exists from that day (remittances). */
    createdAt: Date;
  },
): Promise<DealerRow> {
  return db
    .insertInto('dealers')
    .values({
      created_at: values.createdAt,
      code: values.code,
      name: values.name,
      state: values.state,
      contact_name: values.contactName,
      contact_email: values.contactEmail,
      contact_phone: values.contactPhone,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findDealerById(db: Kysely<Database>, id: string): Promise<DealerRow | undefined> {
  return db.selectFrom('dealers').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findDealerByCode(db: Kysely<Database>, code: string): Promise<DealerRow | undefined> {
  return db.selectFrom('dealers').selectAll().where('code', '=', code).executeTakeFirst();
}

export function listDealerRows(
  db: Kysely<Database>,
  page: { limit: number; startingAfter?: string | undefined },
): Promise<DealerRow[]> {
  let query = db
    .selectFrom('dealers')
    .selectAll()
    .orderBy('code')
    .limit(page.limit + 1);
  if (page.startingAfter) {
    const after = page.startingAfter;
    query = query.where('code', '>', (eb) => eb.selectFrom('dealers').select('code').where('id', '=', after));
  }
  return query.execute();
}

export function insertApiKey(
  db: Kysely<Database>,
  values: { dealerId: string; keyHash: string; prefix: string; label: string | null; createdBy: string },
) {
  return db
    .insertInto('dealer_api_keys')
    .values({
      dealer_id: values.dealerId,
      key_hash: values.keyHash,
      prefix: values.prefix,
      label: values.label,
      created_by: values.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listApiKeyRows(db: Kysely<Database>, dealerId: string) {
  return db
    .selectFrom('dealer_api_keys')
    .selectAll()
    .where('dealer_id', '=', dealerId)
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
}

export function revokeApiKeyRow(
  db: Kysely<Database>,
  dealerId: string,
  keyId: string,
  by: string,
  now: Date,
) {
  return db
    .updateTable('dealer_api_keys')
    .set({ revoked_at: now, revoked_by: by })
    .where('id', '=', keyId)
    .where('dealer_id', '=', dealerId)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export function findApiKeyRow(db: Kysely<Database>, dealerId: string, keyId: string) {
  return db
    .selectFrom('dealer_api_keys')
    .selectAll()
    .where('id', '=', keyId)
    .where('dealer_id', '=', dealerId)
    .executeTakeFirst();
}

/** The live (unrevoked) key with this hash and its dealer, read afresh on every request. */
export function findLiveApiKey(db: Kysely<Database>, keyHash: string) {
  return db
    .selectFrom('dealer_api_keys as k')
    .innerJoin('dealers as d', 'd.id', 'k.dealer_id')
    .select(['k.id', 'k.prefix', 'k.last_used_at', 'd.id as dealer_id', 'd.code', 'd.name'])
    .where('k.key_hash', '=', keyHash)
    .where('k.revoked_at', 'is', null)
    .executeTakeFirst();
}

export interface LiveKeyCounted {
  key_hash: string;
  id: string;
  prefix: string;
  last_used_at: Date | null;
  dealer_id: string;
  code: string;
  name: string;
  attempts: number;
  window_started_at: Date;
}

// A fixed text, compiled once rather than by the query builder on every request.
const FIND_LIVE_KEYS_COUNTING_USE = `${PREPARED_MARK}
    with asked as (
      select * from unnest($1::text[], $2::integer[]) as a(key_hash, uses)
    ), key as (
      select k.id, k.key_hash, k.prefix, k.last_used_at, d.id as dealer_id, d.code, d.name, asked.uses
      from asked
      join dealer_api_keys k on k.key_hash = asked.key_hash and k.revoked_at is null
      join dealers d on d.id = k.dealer_id
    ), counted as (
      insert into rate_limits as r (bucket, window_started_at, attempts)
      -- In the order of the buckets: two statements counting the same keys lock their rows in one order.
      select $3::text || key.id::text, $4::timestamptz, key.uses from key order by 1
      on conflict (bucket) do update set
        attempts = case when r.window_started_at <= $5::timestamptz
          then excluded.attempts else r.attempts + excluded.attempts end,
        window_started_at = case when r.window_started_at <= $5::timestamptz
          then excluded.window_started_at else r.window_started_at end
      returning bucket, attempts, window_started_at
    )
    select key.key_hash, key.id, key.prefix, key.last_used_at, key.dealer_id, key.code, key.name,
      counted.attempts, counted.window_started_at
    from key join counted on counted.bucket = $3::text || key.id::text`;

/**
 * The live keys with these hashes and their dealers, each key's uses (`uses`, the requests that sent
 * it) counted in its fixed-window bucket (`bucketPrefix` + the key's id in rate_limits, the window rule
 * of platform/rate-limit.ts), in one statement: one round trip for the requests of many keys, where a
 * lookup and a count were two for each request. The hashes must differ. An unknown or revoked key
 * counts nothing (no row to count from) and is not in the answer. Each answer's `attempts` is the
 * window's count after these uses: the requests' own counts are the last `uses` of it. The count is an
 * upsert, so concurrent statements count every use once. Named (platform/db/prepared.ts): it runs for
 * every request with a key.
 */
export async function findLiveApiKeysCountingUse(
  db: Kysely<Database>,
  values: {
    keys: readonly { keyHash: string; uses: number }[];
    bucketPrefix: string;
    now: Date;
    windowSeconds: number;
  },
): Promise<LiveKeyCounted[]> {
  const windowStart = new Date(values.now.getTime() - values.windowSeconds * 1000);
  const result = await db.executeQuery<LiveKeyCounted>(
    CompiledQuery.raw(FIND_LIVE_KEYS_COUNTING_USE, [
      values.keys.map((key) => key.keyHash),
      values.keys.map((key) => key.uses),
      values.bucketPrefix,
      values.now,
      windowStart,
    ]),
  );
  return result.rows;
}

/** Notes a key's use, at most once a minute per key (a write per request would cost every call). */
export async function touchApiKey(db: Kysely<Database>, keyId: string, now: Date): Promise<void> {
  const staleBefore = new Date(now.getTime() - 60_000);
  await db
    .updateTable('dealer_api_keys')
    .set({ last_used_at: now })
    .where('id', '=', keyId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', staleBefore)]))
    .execute();
}

export async function insertDealerAccountEvent(
  db: Kysely<Database>,
  values: {
    dealerId: string;
    contractId: string;
    kind: DealerAccountEventKind;
    amountCents: number;
    occurredOn: string;
    requestId: string | null;
  },
): Promise<void> {
  await db
    .insertInto('dealer_account_events')
    .values({
      dealer_id: values.dealerId,
      contract_id: values.contractId,
      kind: values.kind,
      amount_cents: values.amountCents,
      occurred_on: values.occurredOn,
      request_id: values.requestId,
    })
    .execute();
}

/** Many account events with one insert (the chargebacks of a batch of cancellations). */
export async function insertDealerAccountEvents(
  db: Kysely<Database>,
  values: readonly {
    dealerId: string;
    contractId: string;
    kind: DealerAccountEventKind;
    amountCents: number;
    occurredOn: string;
    requestId: string | null;
  }[],
): Promise<void> {
  await insertJsonRows(
    db,
    'dealer_account_events',
    values.map((value) => ({
      dealer_id: value.dealerId,
      contract_id: value.contractId,
      kind: value.kind,
      amount_cents: value.amountCents,
      occurred_on: value.occurredOn,
      request_id: value.requestId,
    })),
  );
}

export function listDealerAccountEvents(db: Kysely<Database>, dealerId: string, limit: number) {
  return db
    .selectFrom('dealer_account_events')
    .selectAll()
    .where('dealer_id', '=', dealerId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Every dealer on file by code (one query: a dealer file's rows are checked against it). */
export async function knownDealersByCode(
  db: Kysely<Database>,
): Promise<Record<string, { id: string; name: string }>> {
  const rows = await db.selectFrom('dealers').select(['id', 'code', 'name']).execute();
  return Object.fromEntries(rows.map((row) => [row.code, { id: row.id, name: row.name }]));
}

/**
 * Puts the dealer cost of contracts an import batch just added on their dealers' accounts, as a booking
 * does: one set-based statement for the batch (`contract_number` is unique; `created_at = now()` keeps
 * to the rows this transaction inserted).
 */
export async function insertImportedBookings(
  db: Kysely<Database>,
  values: { importId: string; contractNumbers: string[]; occurredOn: string; requestId: string | null },
): Promise<number> {
  if (values.contractNumbers.length === 0) return 0;
  const result = await sql`
    insert into dealer_account_events (dealer_id, contract_id, kind, amount_cents, occurred_on, request_id)
    select c.dealer_id, c.id, 'contract_booked', c.dealer_cost_cents, ${values.occurredOn}::date, ${values.requestId}
      from contracts c
     where c.contract_number = any(${values.contractNumbers}::text[]) and c.import_id = ${values.importId}
       and c.created_at = now() and c.dealer_id is not null and c.dealer_cost_cents is not null
    on conflict (contract_id, kind) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
