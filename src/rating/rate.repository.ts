// SQL of stored rates. A rating call is stored as one quote row holding every offer of its answer (json, migration 0043);
// each offer is a rate a dealer may book once before the quote expires. An offer's rateId is its quote's
// id with the offer's number in the last 16 bits (the quote id has them clear), so booking finds the
// quote by primary key from the rateId alone, and the API's rateId stays a UUID. Rates stored before
// quotes (migration 0031) are quotes of one offer whose rateId has other last bits.
//
// What a quote stores of each offer is what booking and audit need, compactly (CompactStoredOffer: the
// product, plan, term, deductible, dealer cost, maximum retail and each priced line's amount, in
// positions), not the answer's document: the lines' labels follow from the quote's vehicle and catalog
// version (rates.service.ts explainQuote re-derives them, and checks the amounts against these). A
// compact offer's rateId is its position in the quote. Quotes stored before (objects with their rateId
// and labels) are still read: their offer is found by rateId, never by position.
import { randomUUID } from 'node:crypto';
import { CompiledQuery, type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import { PREPARED_MARK } from '../platform/db/prepared.js';
import type {
  AuditEventsTable,
  CompactStoredOffer,
  Database,
  RateQuotesTable,
  StoredOffer,
} from '../platform/db/schema.js';

const OFFER_HEX_DIGITS = 4;
/** The most offers one quote numbers (16 bits). */
export const MAX_OFFERS_PER_QUOTE = 16 ** OFFER_HEX_DIGITS;

/** The quote a rateId belongs to (its id with the last 16 bits clear); lower case, as stored. */
export function quoteIdOf(rateId: string): string {
  return `${rateId.slice(0, -OFFER_HEX_DIGITS)}${'0'.repeat(OFFER_HEX_DIGITS)}`.toLowerCase();
}

/** The rateId of a quote's offer number `index` (0-based). */
export function rateIdOf(quoteId: string, index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_OFFERS_PER_QUOTE)
    throw new RangeError(`A quote numbers at most ${MAX_OFFERS_PER_QUOTE} offers, not offer ${index}.`);
  return `${quoteId.slice(0, -OFFER_HEX_DIGITS)}${index.toString(16).padStart(OFFER_HEX_DIGITS, '0')}`;
}

/** The position of a rate's offer in its quote (the last 16 bits of the rateId). */
function offerIndexOf(rateId: string): number {
  return Number.parseInt(rateId.slice(-OFFER_HEX_DIGITS), 16);
}

/** An offer of a quote as booking reads it, whichever form the quote stored it in. */
export interface BookableOffer {
  rateId: string;
  product: 'vsc' | 'gap';
  planCode: string;
  termMonths: number;
  termMiles: number | null;
  deductibleCents: number;
  dealerCostCents: number;
  maxRetailCents: number;
  lineAmountsCents: number[];
}

/** What a quote stores of an offer, priced lines and all (see the head of this file). */
export function compactOffer(
  offer: Omit<BookableOffer, 'rateId' | 'lineAmountsCents'> & { lines: readonly { amountCents: number }[] },
): CompactStoredOffer {
  return [
    offer.product,
    offer.planCode,
    offer.termMonths,
    offer.termMiles,
    offer.deductibleCents,
    offer.dealerCostCents,
    offer.maxRetailCents,
    offer.lines.map((line) => line.amountCents),
  ];
}

/** The offer a quote stored at position `index`, in either form. */
export function storedOfferAt(quoteId: string, index: number, stored: StoredOffer): BookableOffer {
  if (!Array.isArray(stored))
    return {
      rateId: stored.rateId,
      product: stored.product,
      planCode: stored.planCode,
      termMonths: stored.termMonths,
      termMiles: stored.termMiles,
      deductibleCents: stored.deductibleCents,
      dealerCostCents: stored.dealerCostCents,
      maxRetailCents: stored.maxRetailCents,
      lineAmountsCents: stored.lines.map((line) => line.amountCents),
    };
  const [product, planCode, termMonths, termMiles, deductibleCents, dealerCostCents, maxRetailCents, lines] =
    stored;
  return {
    rateId: rateIdOf(quoteId, index),
    product,
    planCode,
    termMonths,
    termMiles,
    deductibleCents,
    dealerCostCents,
    maxRetailCents,
    lineAmountsCents: lines,
  };
}

/** A new quote id: a random UUID with its offer bits clear. */
export function newQuoteId(): string {
  return quoteIdOf(randomUUID());
}

/** One rating answer to store: its quote (when it has offers) and its audit row. */
export interface QuoteWrite {
  /** The catalog version the answer was priced with. */
  catalogVersion: number;
  quote: Insertable<RateQuotesTable> | null;
  audit: Insertable<AuditEventsTable>;
}

/** The columns of one answer in the statement's VALUES list, with their types. */
const QUOTE_WRITE_COLUMNS = [
  ['catalog_version', 'integer'],
  ['actor_kind', 'text'],
  ['actor_id', 'text'],
  ['actor_label', 'text'],
  ['action', 'text'],
  ['entity_type', 'text'],
  ['entity_id', 'text'],
  ['reason', 'text'],
  ['data', 'jsonb'],
  ['request_id', 'text'],
  ['quote_id', 'uuid'],
  ['dealer_id', 'uuid'],
  ['requested_by', 'text'],
  ['vehicle', 'json'],
  ['offers', 'json'],
  ['expires_on', 'date'],
] as const;

/**
 * The statement storing `count` answers: each answer's quote and audit row are written only if the
 * catalog version it was priced with is still the latest published one (another process may have
 * published since this one priced it); it returns the latest version (null: none published), and an
 * answer whose version differs wrote nothing. One text per count, compiled once and named
 * (platform/db/prepared.ts): the server plans each once per connection.
 */
const quoteWritesText = (() => {
  const texts = new Map<number, string>();
  return (count: number): string => {
    let text = texts.get(count);
    if (text) return text;
    const width = QUOTE_WRITE_COLUMNS.length;
    const rows = Array.from(
      { length: count },
      (_, row) =>
        `(${QUOTE_WRITE_COLUMNS.map(([, type], column) => `$${row * width + column + 1}::${type}`).join(', ')})`,
    );
    // The quote's vehicle and offers are `json` (migration 0043): stored as sent, nothing looks inside.
    text = `${PREPARED_MARK}with latest as (select max(version) as version from catalog_versions),
    answer (${QUOTE_WRITE_COLUMNS.map(([name]) => name).join(', ')}) as (values ${rows.join(', ')}),
    quote as (
      insert into rate_quotes (id, dealer_id, requested_by, catalog_version, vehicle, offers, expires_on)
      select a.quote_id, a.dealer_id, a.requested_by, a.catalog_version, a.vehicle, a.offers, a.expires_on
      from answer a join latest on latest.version = a.catalog_version where a.quote_id is not null),
    audit as (
      insert into audit_events
        (actor_kind, actor_id, actor_label, action, entity_type, entity_id, reason, data, request_id)
      select a.actor_kind, a.actor_id, a.actor_label, a.action, a.entity_type, a.entity_id, a.reason, a.data,
        a.request_id
      from answer a join latest on latest.version = a.catalog_version)
    select version from latest`;
    texts.set(count, text);
    return text;
  };
})();

/**
 * Stores rating answers (each its quote, when it has offers, and its audit row) in one statement, each
 * only if the catalog version it was priced with is still the latest published version. Answers, for
 * each, the latest version (nothing of it was written when that is not its `catalogVersion`), or null
 * when no catalog is published. One statement is one transaction: no BEGIN and COMMIT round trips on a
 * call dealers make all day; the rating service batches concurrent answers into it
 * (platform/db/write-batches.ts).
 */
export async function insertQuotesIfCurrent(
  db: Kysely<Database>,
  writes: readonly QuoteWrite[],
): Promise<(number | null)[]> {
  const values: unknown[] = [];
  for (const { catalogVersion, quote, audit } of writes) {
    values.push(
      catalogVersion,
      audit.actor_kind,
      audit.actor_id ?? null,
      audit.actor_label,
      audit.action,
      audit.entity_type,
      audit.entity_id,
      audit.reason ?? null,
      audit.data ?? null,
      audit.request_id ?? null,
      quote?.id ?? null,
      quote?.dealer_id ?? null,
      quote?.requested_by ?? null,
      quote?.vehicle ?? null,
      quote?.offers ?? null,
      quote?.expires_on ?? null,
    );
  }
  const result = await db.executeQuery<{ version: number | null }>(
    CompiledQuery.raw(quoteWritesText(writes.length), values),
  );
  const latest = result.rows[0]?.version ?? null;
  return writes.map(() => latest);
}

export interface QuotedOffer {
  quoteId: string;
  dealerId: string | null;
  catalogVersion: number;
  vehicle: Record<string, unknown>;
  expiresOn: string;
  /** The offer with that rateId, or null when the quote has none. */
  offer: BookableOffer | null;
}

/** The advisory-lock namespace (the first key of the two-key form) of "this rate is being booked". */
const RATE_BOOKING_LOCK = 1_381_126_219; // 'RATE' in ASCII

/**
 * The quote of a rate with the rate's offer, the rate locked until the transaction ends: two bookings
 * of one rate take turns, while bookings of other offers of the same quote (a deal's VSC and GAP, say)
 * go on side by side. The lock is a transaction-level advisory lock on the rate's id (in the rate
 * booking namespace); the quote row itself is only key-share locked, so that the purge of expired
 * quotes (which skips locked rows) cannot take it away meanwhile. Read whether the offer is booked
 * after this (a statement of its own sees what a booking that held the lock committed). Until
 * 2026-12-05 the quote row was locked for update, and every booking of any of a quote's offers waited
 * for the one before.
 */
export async function findQuotedOfferLockingRate(
  trx: Transaction<Database>,
  rateId: string,
): Promise<QuotedOffer | undefined> {
  const id = rateId.toLowerCase();
  const row = await trx
    .selectFrom('rate_quotes')
    .select([
      'id',
      'dealer_id',
      'catalog_version',
      'vehicle',
      'expires_on',
      sql<string>`pg_advisory_xact_lock(${RATE_BOOKING_LOCK}::integer, hashtext(${id}::text))::text`.as(
        'locked',
      ),
      // A compact quote's offer is at the rateId's position; an older quote's is found by its rateId.
      sql<StoredOffer | null>`case when json_typeof(offers -> 0) = 'array'
        then offers -> ${offerIndexOf(id)}::integer
        else jsonb_path_query_first(offers::jsonb, '$[*] ? (@.rateId == $id)', jsonb_build_object('id', ${id}::text))::json end`.as(
        'offer',
      ),
    ])
    .where('id', '=', quoteIdOf(id))
    .forKeyShare()
    .executeTakeFirst();
  return (
    row && {
      quoteId: row.id,
      dealerId: row.dealer_id,
      catalogVersion: row.catalog_version,
      vehicle: row.vehicle,
      expiresOn: row.expires_on,
      offer: row.offer === null ? null : storedOfferAt(row.id, offerIndexOf(id), row.offer),
    }
  );
}

/** A stored quote as explaining it needs: its vehicle, catalog version and offers (decoded). */
export async function findQuote(
  db: Kysely<Database>,
  quoteId: string,
): Promise<
  | {
      id: string;
      dealerId: string | null;
      catalogVersion: number;
      vehicle: Record<string, unknown>;
      expiresOn: string;
      offers: BookableOffer[];
    }
  | undefined
> {
  const row = await db
    .selectFrom('rate_quotes')
    .select(['id', 'dealer_id', 'catalog_version', 'vehicle', 'expires_on', 'offers'])
    .where('id', '=', quoteId.toLowerCase())
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      dealerId: row.dealer_id,
      catalogVersion: row.catalog_version,
      vehicle: row.vehicle,
      expiresOn: row.expires_on,
      offers: row.offers.map((offer, index) => storedOfferAt(row.id, index, offer)),
    }
  );
}

/** The contract the rate booked, or null. */
export async function findRateBooking(db: Kysely<Database>, rateId: string): Promise<string | null> {
  const row = await db
    .selectFrom('rate_bookings')
    .select('contract_id')
    .where('rate_id', '=', rateId.toLowerCase())
    .executeTakeFirst();
  return row?.contract_id ?? null;
}

/** Records that the rate booked the contract; false when another booking took it first. */
export async function insertRateBooking(
  trx: Transaction<Database>,
  values: { rateId: string; quoteId: string; contractId: string; now: Date },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('rate_bookings')
    .values({
      rate_id: values.rateId.toLowerCase(),
      quote_id: values.quoteId,
      contract_id: values.contractId,
      booked_at: values.now,
    })
    .onConflict((oc) => oc.column('rate_id').doNothing())
    .returning('rate_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Deletes up to `limit` quotes whose validity ended before `expiredBefore` and none of whose offers
 * booked, and writes one audit row with how many, in one statement (atomic on its own: the count
 * audited is the count deleted). Answers how many were deleted; the caller repeats until fewer than
 * `limit`. A quote being booked is skipped (locked), though none of these can book: booking refuses
 * a quote past its expiry. A quote with a booking is kept whole (the booking refers to it).
 */
export async function purgeExpiredQuotes(
  db: Kysely<Database>,
  values: { expiredBefore: string; limit: number; audit: Insertable<AuditEventsTable> },
): Promise<number> {
  const { expiredBefore, limit, audit } = values;
  const result = await sql<{ purged: number }>`
    with doomed as (
      select q.id from rate_quotes q
      where q.expires_on < ${expiredBefore}::date
        and not exists (select 1 from rate_bookings b where b.quote_id = q.id)
      order by q.expires_on
      limit ${limit}::integer
      for update of q skip locked),
    purged as (
      delete from rate_quotes q using doomed where q.id = doomed.id returning q.expires_on),
    audit as (
      insert into audit_events
        (actor_kind, actor_id, actor_label, action, entity_type, entity_id, reason, data, request_id)
      select ${audit.actor_kind}::text, ${audit.actor_id ?? null}::text, ${audit.actor_label}::text,
        ${audit.action}::text, ${audit.entity_type}::text, ${audit.entity_id}::text, ${audit.reason ?? null}::text,
        coalesce(${audit.data ?? null}::jsonb, '{}'::jsonb) || jsonb_build_object(
          'count', count(*), 'oldestExpiresOn', min(expires_on), 'newestExpiresOn', max(expires_on)),
        ${audit.request_id ?? null}::text
      from purged having count(*) > 0)
    select count(*)::integer as purged from purged`.execute(db);
  return result.rows[0]?.purged ?? 0;
}
